// Text from configuration is data: terraformLiteral escapes Terraform's template sequences in literal text and keeps
// cdktf tokens as expressions; every construct writes its free-text props through it; the configuration refuses
// cdktf's token marker. What Terraform makes of the escaped text is proven in configuration-is-data.terraform.test.ts.
import { Fn, TerraformLocal, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { bootstrapConfigSchema } from "../config/bootstrap-config-schema";
import { parseConfig } from "../config/load-config";
import { BootstrapStack } from "../app/bootstrap/bootstrap-stack";
import { MiradoreApplication, RotatingClientSecret, terraformLiteral, terraformLiteralMap } from "../constructs";
import { only, site, synthSite, type StackJson } from "../test-support/synth-site";

/** The issue's example: Terraform evaluated this to "Miradore X <the runner's host name>". */
const TEMPLATE_TEXT = 'Miradore ${upper("x")} ${file("/etc/hostname")} %{ if true }y%{ endif }';
const TEMPLATE_TEXT_ESCAPED = 'Miradore $${upper("x")} $${file("/etc/hostname")} %%{ if true }y%%{ endif }';
const VAULT =
  "/subscriptions/0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1";

/** Resolves `value` as cdktf writes it into Terraform JSON, in a stack of its own. */
function rendered(make: (scope: Construct) => string): string {
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, "literal");
  new TerraformLocal(stack, "rendered", make(stack));
  return (JSON.parse(Testing.synth(stack)) as { locals: { rendered: string } }).locals.rendered;
}

describe("terraformLiteral", () => {
  test("escapes ${ and %{ in literal text", () => {
    expect(terraformLiteral(TEMPLATE_TEXT)).toBe(TEMPLATE_TEXT_ESCAPED);
  });

  test("escapes text that already looks escaped once more, so it too stays as written", () => {
    // Terraform reads $$${ as "$" then the escape $${, i.e. "$${" (checked under Terraform in the Terraform test).
    expect(terraformLiteral("a $${b} %%{c} $$$")).toBe("a $$${b} %%%{c} $$$");
  });

  test("leaves text without template sequences alone", () => {
    for (const text of ["Miradore MDM", "100% $5 {x} $ % #{y}", ""]) expect(terraformLiteral(text)).toBe(text);
  });

  test("keeps cdktf tokens as expressions and escapes only the text around them", () => {
    const text = rendered((scope) => {
      const variable = new TerraformVariable(scope, "name", { type: "string" });
      return terraformLiteral(`\${x} ${variable.stringValue} %{y} ${Fn.upper(variable.stringValue)}`);
    });
    expect(text).toBe("$${x} ${var.name} %%{y} ${upper(var.name)}");
  });

  test("writes a literal $ right before a token so that it cannot form the escape $${", () => {
    const text = rendered((scope) => terraformLiteral(`cost: $${new TerraformVariable(scope, "n", {}).stringValue}`));
    expect(text).toBe('cost: ${"$"}${var.n}');
  });

  test("escapes the keys and values of a map, keeping tokens", () => {
    const map = rendered((scope) => {
      const variable = new TerraformVariable(scope, "id", { type: "string" });
      return terraformLiteralMap({ "${k}": "%{v}", id: variable.stringValue }) as unknown as string;
    });
    expect(map).toEqual({ "$${k}": "%%{v}", id: "${var.id}" });
  });
});

describe("constructs write free text through terraformLiteral", () => {
  test("the Miradore stack: display name, from configuration", () => {
    const { json } = synthSite(site({ displayName: TEMPLATE_TEXT }));
    expect(only(json, "azuread_application").display_name).toBe(TEMPLATE_TEXT_ESCAPED);
  });

  test("the Key Vault handoff: the secret's name, content type and tags, with its references kept", () => {
    const { json } = synthSite(site({ keyVault: { id: VAULT } }));
    const secret = only(json, "azurerm_key_vault_secret");
    expect(secret.name).toBe("miradore-test-client-secret");
    expect(secret.content_type).toBe("Miradore Entra ID client secret");
    expect(secret.tags["client-id"]).toMatch(/^\$\{azuread_application\.[^}]+\.client_id\}$/);
    expect(secret.tags["key-id"]).toMatch(/^\$\{local\.[^ ]+ \? azuread_application_password\./);
  });

  test("the app's notes and the secrets' display name prefix, given to the constructs directly", () => {
    const app = Testing.app({ stackTraces: false });
    const stack = new TerraformStack(app, "constructs");
    const miradore = new MiradoreApplication(stack, "app", {
      displayName: TEMPLATE_TEXT,
      notes: TEMPLATE_TEXT,
      ownerObjectIds: [],
      graphAppRoles: [],
    });
    new RotatingClientSecret(stack, "secret", {
      applicationId: miradore.application.id,
      lifetimeDays: 180,
      rotationIntervalDays: 60,
      displayNamePrefix: TEMPLATE_TEXT,
    });
    const json = JSON.parse(Testing.synth(stack)) as StackJson;
    expect(only(json, "azuread_application").notes).toBe(TEMPLATE_TEXT_ESCAPED);
    const names = Object.values(json.resource.azuread_application_password!).map((p) => p.display_name);
    expect(names.sort()).toEqual([
      `${TEMPLATE_TEXT_ESCAPED} (slot A, managed by Terraform)`,
      `${TEMPLATE_TEXT_ESCAPED} (slot B, managed by Terraform)`,
    ]);
  });

  test("the bootstrap stack: display name, and the branch and environment in the federated credentials", () => {
    const config = bootstrapConfigSchema.parse({
      name: "contoso",
      tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f",
      displayName: TEMPLATE_TEXT,
      planDisplayName: `${TEMPLATE_TEXT} (plan)`,
      ownerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
      github: { repository: "contoso/miradore", mainBranch: "${x}", deployEnvironment: "%{ if true }p%{ endif }" },
    });
    const app = Testing.app({ stackTraces: false });
    const json = JSON.parse(Testing.synth(new BootstrapStack(app, "bootstrap", { config }))) as StackJson;
    expect(Object.values(json.resource.azuread_application!).map((a) => a.display_name)).toEqual([
      TEMPLATE_TEXT_ESCAPED,
      `${TEMPLATE_TEXT_ESCAPED} (plan)`,
    ]);
    const credentials = Object.values(json.resource.azuread_application_federated_identity_credential!);
    expect(credentials.map((c) => c.subject).sort()).toEqual([
      "repo:contoso/miradore:environment:%%{ if true }p%%{ endif }",
      "repo:contoso/miradore:pull_request",
      "repo:contoso/miradore:ref:refs/heads/$${x}",
    ]);
    expect(credentials.map((c) => c.description).join("\n")).toContain(
      'jobs in the "%%{ if true }p%%{ endif }" environment',
    );
  });
});

describe("the configuration refuses cdktf's token marker", () => {
  // cdktf replaces "${TfToken[TOKEN.<n>]}" anywhere in a string with the token's value: before this check, a display
  // name of "${TfToken[TOKEN.20]}" became the first client secret's value.
  test.each([
    ["displayName", "x ${TfToken[TOKEN.20]}"],
    ["displayName", "#{TfToken[TOKEN.3]}"],
    ["state", { backend: "local", directory: "&{TfToken[TOKEN.1]}" }],
  ])("%s %j", (field, value) => {
    expect(() =>
      parseConfig(
        JSON.stringify({ sites: [{ name: "a", tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", [field]: value }] }),
        "test.yaml",
        {},
      ),
    ).toThrow(
      /but must not contain "\$\{TfToken\[" \(cdktf would put another value of the stack, such as a secret, in its place\)/,
    );
  });

  test("in the bootstrap configuration's branch and environment", () => {
    const parsed = bootstrapConfigSchema.safeParse({
      name: "contoso",
      tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f",
      ownerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
      github: {
        repository: "contoso/miradore",
        mainBranch: "${TfToken[TOKEN.1]}",
        deployEnvironment: "${TfToken[TOKEN.2]}",
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual([
      "github.mainBranch",
      "github.deployEnvironment",
    ]);
  });

  test("but keeps Terraform's template sequences, which are escaped later", () => {
    const config = parseConfig(
      JSON.stringify({
        sites: [{ name: "a", tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", displayName: TEMPLATE_TEXT }],
      }),
      "test.yaml",
      {},
    );
    expect(config.sites[0]!.displayName).toBe(TEMPLATE_TEXT);
  });
});
