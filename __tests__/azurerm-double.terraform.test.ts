// The azurerm double under real Terraform, on a hand-written azurerm_key_vault_secret: the provider block's rules, the
// fake vault's versions, soft delete and recovery, drift, write-only values, import, and both ways Terraform reaches
// the double (reattach and a filesystem mirror).
import {
  ProviderDoubles,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
  oneLine,
  stateResources,
  type DoublesMode,
} from "../test-support/terraform-harness";
import { currentVersion, type KeyVaultDocument } from "../test-support/provider-doubles/fake-entra/key-vault-store";
import fixture from "./fixtures/terraform/key-vault-secret.cdk.tf.json";

const START = new Date("2026-01-01T00:00:00Z");
const LIMIT_MS = 60_000;
const NAME = "miradore-example-client-secret";
const ADDRESS = "azurerm_key_vault_secret.handoff";
const VAULT_ID =
  "/subscriptions/0f1e2d3c-4b5a-4968-8776-655443322110/resourceGroups/rg-mdm/providers/Microsoft.KeyVault/vaults/kv-mdm";

type Config = Record<string, any>;

/** A copy of the fixture with `change` applied to it, its secret and its provider block. */
function variant(change: (secret: Config, provider: Config, config: Config) => void): Config {
  const config = structuredClone(fixture) as Config;
  change(config.resource.azurerm_key_vault_secret.handoff, config.provider.azurerm[0], config);
  return config;
}

describeWithTerraform("the azurerm double under Terraform (hand-written azurerm_key_vault_secret)", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;
  // The doubles read ARM_SUBSCRIPTION_ID and ARM_USE_CLI as the real provider does; these tests configure both in the
  // provider block, so the environment they run in must not.
  const ENVIRONMENT = ["ARM_SUBSCRIPTION_ID", "ARM_USE_CLI"] as const;
  const saved = Object.fromEntries(ENVIRONMENT.map((name) => [name, process.env[name]]));

  beforeAll(() => ENVIRONMENT.forEach((name) => delete process.env[name]));
  afterAll(() => {
    for (const name of ENVIRONMENT) if (saved[name] !== undefined) process.env[name] = saved[name];
  });

  async function start(mode: DoublesMode = "reattach"): Promise<void> {
    doubles = await ProviderDoubles.start({ now: START, mode });
  }
  afterEach(async () => {
    workspace?.remove();
    await doubles?.stop();
  });

  async function applied(config: Config = fixture): Promise<TerraformWorkspace> {
    workspace = TerraformWorkspace.create(doubles, config);
    await workspace.init();
    await workspace.plan();
    await workspace.apply();
    return workspace;
  }

  /** Plans `config` in the workspace and applies it; returns the plan's effective changes as [address, actions]. */
  async function reapply(config: Config): Promise<[string, string][]> {
    workspace.writeConfig(config);
    const changes = effectiveChanges(await workspace.plan()).map((c): [string, string] => [
      c.address,
      c.change.actions.join(),
    ]);
    await workspace.apply();
    return changes;
  }

  const vault = (): KeyVaultDocument => doubles.keyVault("kv-mdm")!;
  const stateOf = async () => stateResources(await workspace.state())[ADDRESS]!.values;

  test(
    "applies, then plans no changes; the vault holds one version with the configured attributes",
    async () => {
      await start();
      await applied();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
      expect(vault()).toMatchObject({ id: VAULT_ID, vaultUri: "https://kv-mdm.vault.azure.net/" });
      const secret = vault().secrets[NAME]!;
      expect(secret.versions).toHaveLength(1);
      const version = currentVersion(secret);
      expect(version).toMatchObject({
        value: "abc8Q~first-secret-value-not-a-real-one",
        contentType: "Miradore Entra ID client secret",
        notBefore: "2026-01-01T00:00:00Z",
        expires: "2026-06-30T00:00:00Z",
        tags: { "key-id": "6f1c1b8e-0d2a-4c3b-9a4e-5d6c7b8a9f01", "managed-by": "terraform" },
        created: "2026-01-01T00:00:00Z",
      });
      expect(await stateOf()).toMatchObject({
        id: `https://kv-mdm.vault.azure.net/secrets/${NAME}/${version.version}`,
        version: version.version,
        versionless_id: `https://kv-mdm.vault.azure.net/secrets/${NAME}`,
        resource_id: `${VAULT_ID}/secrets/${NAME}/versions/${version.version}`,
        resource_versionless_id: `${VAULT_ID}/secrets/${NAME}`,
      });
    },
    LIMIT_MS,
  );

  test(
    "a new value is a new version, in place; new tags or content type change the current version only",
    async () => {
      await start();
      await applied();
      const first = currentVersion(vault().secrets[NAME]!).version;

      expect(await reapply(variant((s) => (s.value = "def8Q~second-secret-value")))).toEqual([[ADDRESS, "update"]]);
      const versions = vault().secrets[NAME]!.versions;
      expect(versions.map((v) => v.value)).toEqual([
        "abc8Q~first-secret-value-not-a-real-one",
        "def8Q~second-secret-value",
      ]);
      const second = versions[1]!.version;
      expect(second).not.toBe(first);
      expect(await stateOf()).toMatchObject({
        id: `https://kv-mdm.vault.azure.net/secrets/${NAME}/${second}`,
        version: second,
      });

      const retagged = variant((s) => {
        s.value = "def8Q~second-secret-value";
        s.tags = { "key-id": "new" };
        s.content_type = "text/plain";
      });
      expect(await reapply(retagged)).toEqual([[ADDRESS, "update"]]);
      expect(vault().secrets[NAME]!.versions.map((v) => [v.version, v.contentType, v.tags])).toEqual([
        [
          first,
          "Miradore Entra ID client secret",
          { "key-id": "6f1c1b8e-0d2a-4c3b-9a4e-5d6c7b8a9f01", "managed-by": "terraform" },
        ],
        [second, "text/plain", { "key-id": "new" }],
      ]);
      expect((await stateOf()).version).toBe(second);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "a new name replaces the secret: the old one is deleted and purged",
    async () => {
      await start();
      await applied();
      expect(await reapply(variant((s) => (s.name = "renamed")))).toEqual([[ADDRESS, "delete,create"]]);
      expect(Object.keys(vault().secrets)).toEqual(["renamed"]);
      expect(vault().deletedSecrets).toEqual({});
    },
    LIMIT_MS,
  );

  test(
    "a version set outside Terraform is drift: the next apply writes the configured value back as a new version",
    async () => {
      await start();
      await applied();
      doubles.changeKeyVault("kv-mdm", (doc) => {
        const secret = doc.secrets[NAME]!;
        secret.versions.push({ ...currentVersion(secret), version: "0".repeat(32), value: "set in the portal" });
      });
      const plan = await workspace.plan();
      const change = effectiveChanges(plan)[0]!;
      expect(change.change.actions).toEqual(["update"]);
      expect(change.change.before).toMatchObject({ value: "set in the portal", version: "0".repeat(32) });
      await workspace.apply();
      const versions = vault().secrets[NAME]!.versions;
      expect(versions.map((v) => v.value)).toEqual([
        "abc8Q~first-secret-value-not-a-real-one",
        "set in the portal",
        "abc8Q~first-secret-value-not-a-real-one",
      ]);
      expect((await stateOf()).version).toBe(versions[2]!.version);
    },
    LIMIT_MS,
  );

  test(
    "a version added outside Terraform with the same value is no drift; the next update points the id at it",
    async () => {
      await start();
      await applied();
      const outside = "1".repeat(32);
      doubles.changeKeyVault("kv-mdm", (doc) => {
        const secret = doc.secrets[NAME]!;
        secret.versions.push({ ...currentVersion(secret), version: outside });
      });
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
      expect(await reapply(variant((s) => (s.content_type = "text/plain")))).toEqual([[ADDRESS, "update"]]);
      expect(await stateOf()).toMatchObject({
        id: `https://kv-mdm.vault.azure.net/secrets/${NAME}/${outside}`,
        version: outside,
        resource_id: `${VAULT_ID}/secrets/${NAME}/versions/${outside}`,
      });
      expect(vault().secrets[NAME]!.versions).toHaveLength(2);
    },
    LIMIT_MS,
  );

  test(
    "a key_vault_id naming a vault that exists in another resource group finds no vault",
    async () => {
      await start();
      await applied();
      const elsewhere = VAULT_ID.replace("/rg-mdm/", "/rg-other/");
      workspace.writeConfig(variant((s) => (s.key_vault_id = elsewhere)));
      const failure = oneLine((await workspace.applyFailure()).stderr);
      expect(failure).toContain(`looking up Secret "${NAME}" vault url from id`);
      expect(failure).toContain("was not found");
    },
    LIMIT_MS,
  );

  test(
    "destroy purges by default; without purging the secret stays soft-deleted, and the next create recovers it",
    async () => {
      await start();
      await applied();
      await workspace.destroy();
      expect(vault()).toMatchObject({ secrets: {}, deletedSecrets: {} });

      const keep = variant(
        (_s, provider) => (provider.features = [{ key_vault: [{ purge_soft_deleted_secrets_on_destroy: false }] }]),
      );
      workspace.remove();
      await applied(keep);
      await workspace.destroy();
      const deleted = vault().deletedSecrets[NAME]!;
      expect(deleted).toMatchObject({
        deletedDate: "2026-01-01T00:00:00Z",
        scheduledPurgeDate: "2026-04-01T00:00:00Z",
      });
      expect(vault().secrets).toEqual({});

      await reapply(keep);
      expect(vault().deletedSecrets).toEqual({});
      expect(vault().secrets[NAME]!.versions).toHaveLength(2);
    },
    LIMIT_MS,
  );

  test(
    "with recover_soft_deleted_secrets = false, a create over a soft-deleted secret fails with Key Vault's conflict",
    async () => {
      await start();
      const keep = variant(
        (_s, provider) => (provider.features = [{ key_vault: [{ purge_soft_deleted_secrets_on_destroy: false }] }]),
      );
      await applied(keep);
      await workspace.destroy();
      workspace.writeConfig(
        variant((_s, provider) => (provider.features = [{ key_vault: [{ recover_soft_deleted_secrets: false }] }])),
      );
      const failure = oneLine((await workspace.applyFailure()).stderr);
      expect(failure).toContain(
        `Secret ${NAME} is currently in a deleted but recoverable state, and its name cannot be reused`,
      );
      expect(vault().secrets).toEqual({});
    },
    LIMIT_MS,
  );

  test(
    "a secret that already exists must be imported; terraform import adopts it and the next plan changes nothing",
    async () => {
      await start();
      await applied();
      const id = (await stateOf()).id as string;
      await workspace.run(["state", "rm", ADDRESS]);
      const failure = oneLine((await workspace.applyFailure()).stderr);
      expect(failure).toContain(`a resource with the ID "${id}" already exists - to be managed via Terraform`);

      await workspace.run(["import", "-input=false", "-no-color", ADDRESS, id]);
      expect(await stateOf()).toMatchObject({ id, key_vault_id: VAULT_ID, name: NAME });
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "the provider block needs a features block (validate) and a subscription (plan), as azurerm 4.x does",
    async () => {
      await start();
      workspace = TerraformWorkspace.create(
        doubles,
        variant((_s, provider) => delete provider.features),
      );
      await workspace.init();
      const validation = await workspace.validate();
      expect(validation.valid).toBe(false);
      expect(validation.diagnostics.map((d) => d.summary)).toContain("Insufficient features blocks");

      workspace.writeConfig(variant((_s, provider) => (provider.features = [{}, {}])));
      expect((await workspace.validate()).diagnostics.map((d) => d.summary)).toContain("Too many features blocks");

      workspace.writeConfig(
        variant((_s, provider) => {
          delete provider.subscription_id;
          provider.use_cli = false;
        }),
      );
      expect((await workspace.validate()).valid).toBe(true);
      expect(oneLine((await workspace.planFailure()).stderr)).toContain(
        "`subscription_id` is a required provider property when performing a plan/apply operation",
      );
      workspace.writeConfig(variant((_s, provider) => delete provider.subscription_id));
      expect(oneLine((await workspace.planFailure()).stderr)).toContain("the azurerm provider double has no Azure CLI");
    },
    LIMIT_MS,
  );

  test(
    "validate refuses what the provider's schema refuses",
    async () => {
      await start();
      const broken = variant((s) => {
        s.name = "miradore_secret";
        s.key_vault_id = "https://kv-mdm.vault.azure.net/";
        s.value_wo = "also a value";
        s.not_before_date = "2026-01-01";
        s.tags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "x"]));
      });
      workspace = TerraformWorkspace.create(doubles, broken);
      await workspace.init();
      const details = (await workspace.validate()).diagnostics.map((d) => d.detail ?? "");
      expect(details).toEqual(
        expect.arrayContaining([
          `"name" may only contain alphanumeric characters and dashes`,
          expect.stringContaining(`parsing "https://kv-mdm.vault.azure.net/": parsing the KeyVault ID`),
          '"value": only one of `value,value_wo` can be specified, but `value,value_wo` were specified.',
          '"value_wo": all of `value_wo,value_wo_version` must be specified',
          'expected "not_before_date" to be a valid RFC3339 date, got "2026-01-01"',
          "a maximum of 15 tags can be applied to this ARM resource",
        ]),
      );
    },
    LIMIT_MS,
  );

  test(
    "value_wo is write-only: it reaches the vault but never the plan or the state; a new value_wo_version writes it again",
    async () => {
      await start();
      const writeOnly = (value: string, version: number) =>
        variant((s) => {
          delete s.value;
          s.value_wo = value;
          s.value_wo_version = version;
        });
      workspace = TerraformWorkspace.create(doubles, writeOnly("wo-first", 1));
      await workspace.init();
      const plan = await workspace.plan();
      // (The configuration section of a plan quotes literals as written; the planned values never carry it.)
      expect(JSON.stringify([plan.planned_values, plan.resource_changes])).not.toContain("wo-first");
      expect(plan.resource_changes![0]!.change.after).toMatchObject({ value: null, value_wo: null });
      await workspace.apply();
      expect(currentVersion(vault().secrets[NAME]!).value).toBe("wo-first");
      const state = await stateOf();
      expect(state).toMatchObject({ value: null, value_wo: null, value_wo_version: 1 });
      expect(JSON.stringify(await workspace.state())).not.toContain("wo-first");

      expect(await reapply(writeOnly("wo-second", 2))).toEqual([[ADDRESS, "update"]]);
      expect(vault().secrets[NAME]!.versions.map((v) => v.value)).toEqual(["wo-first", "wo-second"]);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "a vault outside the provider's subscription: the secret is written, then the apply fails as the read-back finds no vault",
    async () => {
      await start();
      workspace = TerraformWorkspace.create(
        doubles,
        variant((_s, provider) => (provider.subscription_id = "99999999-9999-4999-8999-999999999999")),
      );
      await workspace.init();
      const failure = oneLine((await workspace.applyFailure()).stderr);
      expect(failure).toContain(
        `Key Vault "kv-mdm" is not in the provider's subscription "99999999-9999-4999-8999-999999999999"`,
      );
      expect(vault().secrets[NAME]!.versions).toHaveLength(1);
    },
    LIMIT_MS,
  );

  test(
    "serves azurerm from a filesystem mirror too",
    async () => {
      await start("mirror");
      await applied();
      expect(currentVersion(vault().secrets[NAME]!).value).toBe("abc8Q~first-secret-value-not-a-real-one");
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );
});
