// The library in another app's stack: MiradoreConnection and KeyVaultHandoff with the consumer's own providers
// (aliased or not), the props every construct checks itself, and MiradoreStack from plain props.
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { App, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { miradoreStackPropsOf } from "../app/site-stack";
import {
  GraphAdminConsent,
  GraphClientApplication,
  KeyVaultHandoff,
  keyVaultProvider,
  MIRADORE_GRAPH_APP_ROLES,
  MiradoreConnection,
  type MiradoreConnectionProps,
  MiradoreStack,
  USER_READ_ALL,
} from "../constructs";
import { EXAMPLE_TENANT_ID, site, synthSite, type StackJson } from "../test-support/synth-site";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const VAULT =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a";
const quiet = { log: () => undefined };

/** A consumer's stack: their own providers, as they configure them. */
function consumerStack(providers: { azuread?: boolean; time?: boolean } = {}) {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }), "consumer");
  const azuread = providers.azuread === false ? undefined : new AzureadProvider(stack, "azuread", { tenantId: TENANT });
  const time = providers.time === false ? undefined : new TimeProvider(stack, "time");
  return { stack, azuread, time };
}

const synth = (stack: TerraformStack) => JSON.parse(Testing.synth(stack, true)) as StackJson;

/** Every resource and data source block of the stack, with its address. */
function blocks(json: StackJson): [string, Record<string, any>][] {
  return [
    ...Object.entries(json.resource).flatMap(([type, named]) =>
      Object.entries(named).map(([name, body]) => [`${type}.${name}`, body] as [string, Record<string, any>]),
    ),
    ...Object.entries(json.data).flatMap(([type, named]) =>
      Object.entries(named).map(([name, body]) => [`data.${type}.${name}`, body] as [string, Record<string, any>]),
    ),
  ];
}

describe("MiradoreConnection in a consumer's stack", () => {
  const connect = (props: MiradoreConnectionProps = {}) => {
    const consumer = consumerStack();
    const connection = new MiradoreConnection(consumer.stack, "miradore", { policy: quiet, ...props });
    return { ...consumer, connection };
  };

  test("makes the app, consent for each Graph permission, both secret slots and the schedule record", () => {
    const json = synth(connect().stack);
    expect(Object.keys(json.resource).sort()).toEqual([
      "azuread_app_role_assignment",
      "azuread_application",
      "azuread_application_password",
      "azuread_service_principal",
      "terraform_data",
      "time_rotating",
    ]);
    expect(Object.keys(json.resource.azuread_app_role_assignment!)).toHaveLength(MIRADORE_GRAPH_APP_ROLES.length);
    expect(Object.keys(json.resource.azuread_application_password!)).toHaveLength(2);
  });

  test("uses the stack's default providers without naming them (no provider meta-argument)", () => {
    const json = synth(connect().stack);
    expect(blocks(json).filter(([, body]) => "provider" in body)).toEqual([]);
  });

  test("names its outputs with a prefix, only the secret sensitive", () => {
    const json = synth(connect().stack);
    expect(Object.keys(json.output).sort()).toEqual(
      [
        "client_id",
        "client_secret",
        "client_secret_end_date",
        "client_secret_key_id",
        "client_secret_start_date",
        "graph_permissions",
        "handoff_deadline",
        "next_rotation_date",
        "previous_client_secret_end_date",
        "previous_client_secret_key_id",
        "tenant_id",
      ].map((name) => `miradore_${name}`),
    );
    const sensitive = Object.entries(json.output).filter(([, output]) => output.sensitive === true);
    expect(sensitive.map(([name]) => name)).toEqual(["miradore_client_secret"]);
    expect(json.output.miradore_graph_permissions!.value).toBe("User.Read.All,Group.Read.All");
  });

  test("takes another prefix, or none", () => {
    expect(Object.keys(synth(connect({ outputNamePrefix: "" }).stack).output)).toContain("client_id");
    expect(Object.keys(synth(connect({ outputNamePrefix: "mdm_" }).stack).output)).toContain("mdm_client_id");
  });

  test("requests and grants only User.Read.All without group filtering", () => {
    const { connection, stack } = connect({ groupFiltering: false });
    expect(connection.graphAppRoles).toEqual([USER_READ_ALL]);
    expect(synth(stack).output.miradore_graph_permissions!.value).toBe("User.Read.All");
  });

  test("uses an aliased azuread provider for every azuread block, and an aliased time provider for the rotations", () => {
    const { stack } = consumerStack();
    const entra = new AzureadProvider(stack, "customer-tenant", { tenantId: EXAMPLE_TENANT_ID, alias: "customer" });
    const clock = new TimeProvider(stack, "clock", { alias: "clock" });
    new MiradoreConnection(stack, "miradore", { azureadProvider: entra, timeProvider: clock, policy: quiet });
    const providers = Object.fromEntries(blocks(synth(stack)).map(([address, body]) => [address, body.provider]));
    const expected = (address: string) =>
      address.startsWith("time_")
        ? "time.clock"
        : address.startsWith("terraform_data")
          ? undefined
          : "azuread.customer";
    expect(Object.keys(providers).length).toBeGreaterThan(8);
    for (const [address, provider] of Object.entries(providers)) {
      expect([address, provider]).toEqual([address, expected(address)]);
    }
  });

  test("imports a hand-made installation through the provider its resources use", () => {
    const { stack } = consumerStack();
    const entra = new AzureadProvider(stack, "customer-tenant", { tenantId: EXAMPLE_TENANT_ID, alias: "customer" });
    new MiradoreConnection(stack, "miradore", {
      azureadProvider: entra,
      policy: quiet,
      existing: {
        applicationObjectId: "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        servicePrincipalObjectId: "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
      },
    });
    const imports = (synth(stack) as unknown as { import: { provider?: string; id: string }[] }).import;
    expect(imports.map((i) => [i.id, i.provider])).toEqual([
      ["/applications/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "azuread.customer"],
      ["/servicePrincipals/7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", "azuread.customer"],
    ]);
  });

  test("refuses a provider of another kind, or of another stack", () => {
    const { stack } = consumerStack();
    const rm = new AzurermProvider(stack, "azurerm", { features: [{}] });
    expect(
      () => new MiradoreConnection(stack, "miradore", { azureadProvider: rm as unknown as AzureadProvider }),
    ).toThrow(
      "consumer/miradore: azureadProvider is a azurerm provider (consumer/azurerm), but must be a azuread provider",
    );
    const other = consumerStack();
    expect(() => new MiradoreConnection(stack, "other", { azureadProvider: other.azuread })).toThrow(
      /azureadProvider is the provider consumer\/azuread, but must be a provider of this construct's stack/,
    );
  });

  test("stops synthesis, saying what to add, when the stack has no default provider it relies on", () => {
    const noTime = consumerStack({ time: false });
    new MiradoreConnection(noTime.stack, "miradore", { policy: quiet });
    expect(() => synth(noTime.stack)).toThrow(
      /the stack has no time provider without an alias, but consumer\/miradore\/client-secret\/slot-a uses it \(no timeProvider was given\); add new TimeProvider\(stack, "time"\)/,
    );
    const noAzuread = consumerStack({ azuread: false });
    new MiradoreConnection(noAzuread.stack, "miradore", { policy: quiet });
    expect(() => synth(noAzuread.stack)).toThrow(/the stack has no azuread provider without an alias/);
  });

  test("a provider added after the connection is found", () => {
    const { stack } = consumerStack({ time: false });
    new MiradoreConnection(stack, "miradore", { policy: quiet });
    new TimeProvider(stack, "time");
    expect(() => synth(stack)).not.toThrow();
  });

  test("refuses an output name another output of the stack has", () => {
    const { stack } = connect({ outputNamePrefix: "" });
    new TerraformOutput(stack, "client_id", { value: "the consumer's own" });
    expect(() => synth(stack)).toThrow(
      /the stack has another output named client_id, but the connection's outputs must have names of their own; set outputNamePrefix/,
    );
    const two = consumerStack();
    new MiradoreConnection(two.stack, "a", { policy: quiet });
    new MiradoreConnection(two.stack, "b", { policy: quiet });
    expect(() => synth(two.stack)).toThrow(/another output named miradore_client_id/);
  });

  test.each([
    [{ displayName: "" }, `displayName is "", but must not be empty (the app's name in the Entra admin center)`],
    [{ displayName: "x".repeat(257) }, "but must be at most 256 characters (Entra ID's limit)"],
    [{ additionalOwnerObjectIds: ["alice"] }, `additionalOwnerObjectIds[0] is "alice", but must be a GUID`],
    [{ outputNamePrefix: "1x" }, `outputNamePrefix is "1x", but must be empty or start an output name`],
    [{ secret: { lifetimeDays: 900 } }, "lifetimeDays is 900, but must be at most 730"],
    [{ groupFiltering: "yes" as unknown as boolean }, `groupFiltering is "yes", but must be true or false`],
  ])("refuses %j", (props, message) => {
    expect(() => connect(props as MiradoreConnectionProps)).toThrow(message);
  });

  test("does not judge a value only Terraform knows (a variable)", () => {
    const { stack } = consumerStack();
    const name = new TerraformVariable(stack, "name", { type: "string" });
    new MiradoreConnection(stack, "miradore", { displayName: name.stringValue, policy: quiet });
    expect(only(synth(stack), "azuread_application").display_name).toBe("${var.name}");
  });

  test("runs the policy checks on its constructs", () => {
    const { connection, stack } = connect();
    connection.app.application.addOverride("sign_in_audience", "AzureADMultipleOrgs");
    synth(stack);
    expect(connection.policyChecks.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      "MIR-APP-1 consumer/miradore/app/registration",
    ]);
  });
});

function only(json: StackJson, type: string): Record<string, any> {
  const all = Object.values(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe("the parts check their own props", () => {
  const stack = () => consumerStack().stack;

  test("GraphClientApplication: display name and owners", () => {
    const make = (displayName: string, owners: string[]) => () =>
      new GraphClientApplication(stack(), "app", {
        displayName,
        ownerObjectIds: owners,
        graphAppRoles: [],
        description: "d",
        notes: "n",
        servicePrincipalNotes: "s",
      });
    expect(make(" ", [])).toThrow(`consumer/app: displayName is " ", but must not be empty`);
    expect(make("ok", ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f", "bob"])).toThrow(
      `consumer/app: ownerObjectIds[1] is "bob", but must be a GUID (the object id of a user or service principal)`,
    );
  });

  test("GraphAdminConsent: a permission is written into an expression, so only names and GUIDs pass", () => {
    const consent = (roles: { value: string; id: string; description: string }[]) => () =>
      new GraphAdminConsent(stack(), "consent", {
        principalObjectId: "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f",
        graphAppRoles: roles,
      });
    expect(consent([{ ...USER_READ_ALL, value: 'x" || true || "' }])).toThrow(
      "graphAppRoles[0] is", // the whole role is shown
    );
    expect(consent([{ ...USER_READ_ALL, value: 'x" || true || "' }])).toThrow(
      "but must have a permission name as value, such as User.Read.All",
    );
    expect(consent([USER_READ_ALL, USER_READ_ALL])).toThrow("must name each permission once");
  });
});

describe("KeyVaultHandoff with the consumer's azurerm provider", () => {
  const handoffIn = (
    provider: (stack: TerraformStack) => AzurermProvider,
    props: Partial<{ keyVaultId: string; secretName: string }> = {},
  ) => {
    const { stack } = consumerStack();
    const connection = new MiradoreConnection(stack, "miradore", { policy: quiet });
    new KeyVaultHandoff(stack, "handoff", {
      keyVaultId: VAULT,
      secretName: "miradore-client-secret",
      secret: connection.secret,
      clientId: connection.clientId,
      provider: provider(stack),
      ...props,
    });
    return stack;
  };
  const vaultSecret = (stack: TerraformStack) => only(synth(stack), "azurerm_key_vault_secret");

  test("names an aliased provider, and leaves the default one unnamed", () => {
    const aliased = handoffIn((s) => new AzurermProvider(s, "vault", { features: [{}], alias: "vault" }));
    expect(vaultSecret(aliased).provider).toBe("azurerm.vault");
    const unaliased = handoffIn((s) => new AzurermProvider(s, "azurerm", { features: [{}] }));
    expect(vaultSecret(unaliased).provider).toBeUndefined();
  });

  test("keyVaultProvider makes one in the vault's subscription, with an alias if asked", () => {
    const stack = handoffIn((s) => keyVaultProvider(s, "kv", { keyVaultId: VAULT, alias: "kv" }));
    expect(synth(stack).provider.azurerm).toEqual([
      {
        alias: "kv",
        features: [{}],
        resource_provider_registrations: "none",
        subscription_id: "11111111-2222-4333-8444-555555555555",
      },
    ]);
    expect(vaultSecret(stack).provider).toBe("azurerm.kv");
  });

  test("refuses a vault id or secret name Azure would not take", () => {
    const provider = (s: TerraformStack) => new AzurermProvider(s, "azurerm", { features: [{}] });
    expect(() => handoffIn(provider, { keyVaultId: "https://kv-a.vault.azure.net/" })).toThrow(
      'consumer/handoff: keyVaultId is "https://kv-a.vault.azure.net/", but must be a Key Vault resource id',
    );
    expect(() => handoffIn(provider, { secretName: "miradore_secret" })).toThrow(
      'secretName is "miradore_secret", but must be a Key Vault secret name (1-127 letters, digits and hyphens)',
    );
  });

  test("refuses to go without a provider, and keyVaultProvider a vault id only Terraform knows", () => {
    expect(() => handoffIn(() => undefined as unknown as AzurermProvider)).toThrow(
      "consumer/handoff: provider is undefined, but must be the azurerm provider that reaches the vault",
    );
    const { stack } = consumerStack();
    const id = new TerraformVariable(stack, "vault", { type: "string" });
    expect(() => keyVaultProvider(stack, "kv", { keyVaultId: id.stringValue })).toThrow(
      "consumer/kv: keyVaultId is a reference, but must be the vault's resource id as text",
    );
  });
});

describe("MiradoreStack from plain props", () => {
  test("writes what the app's stack for the same site writes, but for the state backend, which is the app's", () => {
    const config = site({ keyVault: { id: VAULT, secretName: "mdm" }, groupFiltering: false });
    const library = new MiradoreStack(new App({ stackTraces: false, outdir: "/nonexistent" }), "miradore-test", {
      ...miradoreStackPropsOf(config),
      policy: quiet,
    });
    const withoutBackend = (json: Record<string, any>) => {
      delete json.terraform.backend;
      delete json["//"]?.metadata?.backend;
      return json;
    };
    const ours = withoutBackend(JSON.parse(Testing.synth(library, true)));
    expect(ours).toEqual(withoutBackend(synthSite(config).json));
    expect(library.keyVaultHandoff).toBeDefined();
  });

  test("refuses a tenant id that is not a GUID", () => {
    expect(() => new MiradoreStack(Testing.app(), "miradore-x", { tenantId: "contoso" })).toThrow(
      'miradore-x: tenantId is "contoso", but must be a GUID (the Entra directory (tenant) id) such as',
    );
  });

  test("keeps the vault's provider without the handoff when the handoff is turned off", () => {
    const stack = new MiradoreStack(Testing.app(), "miradore-x", {
      tenantId: TENANT,
      keyVault: { keyVaultId: VAULT, enabled: false },
      policy: quiet,
    });
    const json = synth(stack);
    expect(json.provider.azurerm).toHaveLength(1);
    expect(json.resource.azurerm_key_vault_secret).toBeUndefined();
    expect(stack.keyVaultHandoff).toBeUndefined();
  });
});
