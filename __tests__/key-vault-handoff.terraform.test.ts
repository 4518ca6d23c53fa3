// A synthesized site with the Key Vault handoff (`keyVault` set): its JSON matches the provider schemas (azurerm's
// derived from the installed package), and real Terraform plans and applies it against the provider doubles. The fake
// vault then holds the current client secret, labelled with its key id, and a rotation adds a version with the new one.
import { loadProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import { site, synthSite } from "../test-support/synth-site";
import {
  ProviderDoubles,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
  stateResources,
  type OutputValue,
} from "../test-support/terraform-harness";
import { currentVersion, type VaultSecret } from "../test-support/provider-doubles/fake-entra/key-vault-store";
import { secretOccurrences } from "../test-support/terraform/sensitive-values";

const START = new Date("2026-03-01T09:00:00Z");
const LIMIT_MS = 60_000;
const SUBSCRIPTION = "0f1e2d3c-4b5a-4968-8776-655443322110";
const VAULT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-mdm/providers/Microsoft.KeyVault/vaults/kv-mdm`;
const SECRET_NAME = "miradore-test-client-secret";

const handoffSite = site({ keyVault: { id: VAULT } });

describe("a synthesized site with the Key Vault handoff", () => {
  const loaded = loadProviderSchemas();
  const withSchemas = loaded.available ? test : test.skip;

  withSchemas("matches the provider schemas, azurerm_key_vault_secret and the azurerm provider block included", () => {
    if (!loaded.available) return;
    const { json } = synthSite(handoffSite);
    expect(Object.keys(json.resource.azurerm_key_vault_secret ?? {})).toHaveLength(1);
    expect(validateTerraformJson(json, loaded.schemas)).toEqual([]);
  });

  withSchemas("would be caught writing an argument azurerm_key_vault_secret does not have", () => {
    if (!loaded.available) return;
    const { json } = synthSite(handoffSite);
    const secret = Object.values(json.resource.azurerm_key_vault_secret!)[0]!;
    secret.expiry_date = secret.expiration_date;
    delete secret.expiration_date;
    expect(validateTerraformJson(json, loaded.schemas).map((p) => p.message)).toEqual([
      'unknown argument "expiry_date"',
    ]);
  });
});

describeWithTerraform("the Key Vault handoff under Terraform", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;

  beforeEach(async () => {
    doubles = await ProviderDoubles.start({ now: START });
  });
  afterEach(async () => {
    workspace?.remove();
    await doubles.stop();
  });

  async function applied(): Promise<Record<string, OutputValue>> {
    workspace = TerraformWorkspace.create(doubles, synthSite(handoffSite).json as unknown as Record<string, unknown>);
    await workspace.init();
    expect(await workspace.validate()).toMatchObject({ valid: true, error_count: 0 });
    await workspace.plan();
    await workspace.apply();
    return workspace.outputs();
  }

  const vaultSecret = (): VaultSecret | undefined => doubles.keyVault("kv-mdm")?.secrets[SECRET_NAME];

  test(
    "writes the current client secret, its dates and key id to the vault, then plans no changes",
    async () => {
      const outputs = await applied();
      const secret = vaultSecret()!;
      expect(secret.versions).toHaveLength(1);
      const version = currentVersion(secret);
      expect(version.value).toBe(outputs.client_secret!.value);
      expect(version.tags).toEqual({
        "client-id": outputs.client_id!.value,
        "key-id": outputs.client_secret_key_id!.value,
        "managed-by": "terraform",
      });
      expect(version.contentType).toBe("Miradore Entra ID client secret");
      expect(version.notBefore).toBe(outputs.client_secret_start_date!.value);
      expect(version.expires).toBe(outputs.client_secret_end_date!.value);

      const state = Object.values(stateResources(await workspace.state())).find(
        (r) => r.type === "azurerm_key_vault_secret",
      )!;
      expect(state.values).toMatchObject({
        id: `https://kv-mdm.vault.azure.net/secrets/${SECRET_NAME}/${version.version}`,
        version: version.version,
        versionless_id: `https://kv-mdm.vault.azure.net/secrets/${SECRET_NAME}`,
        resource_id: `${VAULT}/secrets/${SECRET_NAME}/versions/${version.version}`,
        resource_versionless_id: `${VAULT}/secrets/${SECRET_NAME}`,
      });
      expect(version.version).toMatch(/^[0-9a-f]{32}$/);
      expect(outputs.key_vault_secret_id!.value).toBe(`https://kv-mdm.vault.azure.net/secrets/${SECRET_NAME}`);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "a rotation of slot A adds a version holding the new current secret, in place",
    async () => {
      const before = await applied();
      const rotationA = Object.values(stateResources(await workspace.state())).find(
        (r) => r.type === "time_rotating" && r.address.includes("slot-a"),
      )!;
      // The default schedule rotates slot A two intervals (120 days) after the first apply.
      const rotatesAt = new Date(rotationA.values.rotation_rfc3339 as string);
      expect(rotatesAt.getTime() - START.getTime()).toBe(120 * 86_400_000);
      doubles.setClock(new Date(rotatesAt.getTime() + 60_000));

      const plan = await workspace.plan();
      const handoff = effectiveChanges(plan).filter((c) => c.type === "azurerm_key_vault_secret");
      expect(handoff.map((c) => c.change.actions)).toEqual([["update"]]);
      await workspace.apply();

      const after = await workspace.outputs();
      expect(after.client_secret_key_id!.value).not.toBe(before.client_secret_key_id!.value);
      const secret = vaultSecret()!;
      expect(secret.versions.map((v) => v.value)).toEqual([before.client_secret!.value, after.client_secret!.value]);
      expect(currentVersion(secret).tags["key-id"]).toBe(after.client_secret_key_id!.value);
      expect(currentVersion(secret).expires).toBe(after.client_secret_end_date!.value);
      const state = Object.values(stateResources(await workspace.state())).find(
        (r) => r.type === "azurerm_key_vault_secret",
      )!;
      expect(state.values.version).toBe(currentVersion(secret).version);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "marks the secret value sensitive in the state and in a plan that writes it",
    async () => {
      const outputs = await applied();
      const secrets = new Set([outputs.client_secret!.value as string]);
      const state = await workspace.state();
      const inState = Object.values(stateResources(state)).find((r) => r.type === "azurerm_key_vault_secret")!;
      expect(inState.values.value).toBe(outputs.client_secret!.value);
      expect(inState.sensitive_values).toMatchObject({ value: true });
      expect(secretOccurrences(state, secrets).filter((o) => !o.sensitive)).toEqual([]);

      doubles.changeKeyVault("kv-mdm", (vault) => delete vault.secrets[SECRET_NAME]);
      const plan = await workspace.plan();
      const create = plan.resource_changes!.find((c) => c.type === "azurerm_key_vault_secret")!;
      expect(create.change).toMatchObject({ actions: ["create"], after: { value: outputs.client_secret!.value } });
      expect(secretOccurrences(plan, secrets).filter((o) => !o.sensitive)).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "re-creates the vault secret after it is deleted outside Terraform",
    async () => {
      const outputs = await applied();
      doubles.changeKeyVault("kv-mdm", (vault) => delete vault.secrets[SECRET_NAME]);
      const changes = effectiveChanges(await workspace.plan());
      expect(changes.map((c) => [c.type, c.change.actions.join()])).toEqual([["azurerm_key_vault_secret", "create"]]);
      await workspace.apply();
      expect(vaultSecret()!.versions.map((v) => v.value)).toEqual([outputs.client_secret!.value]);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );
});
