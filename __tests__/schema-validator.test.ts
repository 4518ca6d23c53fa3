import { resolve } from "node:path";
import {
  describeWithProviderSchemas,
  loadProviderSchemas,
  repoRoot,
  schemasDir,
} from "../test-support/provider-schemas";
import { expectValidAgainstProviderSchemas, validateTerraformJson } from "../test-support/schema-validator";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const GROUP_READ_ALL = "5b567255-7703-4780-807c-7be8301ae99b";
const APP = "resource.azuread_application.miradore_app_1A2B3C4D";

/** cdktf metadata as it writes it into every resource and data source. */
const meta = (path: string) => ({
  "//": { metadata: { path: `miradore/${path}`, uniqueId: path.replaceAll("/", "_") } },
});

// Plain JSON that every test edits freely, hence `any`.
/** A hand-written cdk.tf.json shaped like cdktf's output for the Miradore stack. */
function validStack(): any {
  return {
    "//": { metadata: { backend: "local", stackName: "miradore", version: "0.21.0" } },
    terraform: {
      required_providers: {
        azuread: { source: "hashicorp/azuread", version: "3.7.0" },
        time: { source: "hashicorp/time", version: "0.13.1" },
      },
      backend: { local: { path: "terraform.miradore.tfstate" } },
    },
    provider: {
      azuread: [{ tenant_id: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", use_oidc: true }],
      time: [{}],
    },
    data: {
      azuread_client_config: { current: { ...meta("current") } },
      azuread_service_principal: { graph: { ...meta("graph"), client_id: GRAPH_APP_ID } },
    },
    resource: {
      azuread_application: {
        miradore_app_1A2B3C4D: {
          ...meta("app"),
          display_name: "Miradore Entra ID connection",
          sign_in_audience: "AzureADMyOrg",
          prevent_duplicate_names: true,
          notes: "Lets Miradore read users and groups from Entra ID. Managed by Terraform.",
          owners: ["${data.azuread_client_config.current.object_id}"],
          required_resource_access: [
            {
              resource_app_id: GRAPH_APP_ID,
              resource_access: [
                { id: USER_READ_ALL, type: "Role" },
                { id: GROUP_READ_ALL, type: "Role" },
              ],
            },
          ],
          lifecycle: { ignore_changes: ["notes"] },
        },
      },
      azuread_service_principal: {
        miradore_sp: { ...meta("sp"), client_id: "${azuread_application.miradore_app_1A2B3C4D.client_id}", owners: [] },
      },
      azuread_app_role_assignment: {
        consent_user_read_all: {
          ...meta("consent_user"),
          app_role_id: USER_READ_ALL,
          principal_object_id: "${azuread_service_principal.miradore_sp.object_id}",
          resource_object_id: "${data.azuread_service_principal.graph.object_id}",
        },
      },
      time_rotating: {
        slot_a_rotation: { ...meta("slot_a_rotation"), rotation_days: 90 },
        slot_b_rotation: { ...meta("slot_b_rotation"), rotation_days: 90, rfc3339: "2025-03-01T00:00:00Z" },
      },
      azuread_application_password: {
        slot_a: {
          ...meta("slot_a"),
          application_id: "${azuread_application.miradore_app_1A2B3C4D.id}",
          display_name: "Miradore connection, slot A (managed by Terraform)",
          end_date: '${timeadd(time_rotating.slot_a_rotation.rfc3339, "4320h")}',
          rotate_when_changed: { rotation: "${time_rotating.slot_a_rotation.id}" },
          lifecycle: { create_before_destroy: true },
        },
      },
    },
    output: {
      client_id: { value: "${azuread_application.miradore_app_1A2B3C4D.client_id}" },
      client_secret: { value: "${azuread_application_password.slot_a.value}", sensitive: true },
      client_secret_end_date: { value: "${azuread_application_password.slot_a.end_date}" },
    },
  };
}

describe("loadProviderSchemas", () => {
  test("reports the folder it looked for and how to point at another when the folder is absent", () => {
    const loaded = loadProviderSchemas("/nonexistent/schemas");
    expect(loaded).toMatchObject({ available: false, dir: "/nonexistent/schemas" });
    expect(!loaded.available && loaded.reason).toMatch(
      /\/nonexistent\/schemas does not exist; set MIRADORE_SCHEMAS_DIR/,
    );
  });

  test("resolves MIRADORE_SCHEMAS_DIR against the repo root", () => {
    const saved = process.env.MIRADORE_SCHEMAS_DIR;
    try {
      process.env.MIRADORE_SCHEMAS_DIR = "elsewhere/schemas";
      expect(schemasDir()).toBe(resolve(__dirname, "..", "elsewhere/schemas"));
      delete process.env.MIRADORE_SCHEMAS_DIR;
      expect(schemasDir()).toBe(resolve(repoRoot(), "test-support/fixtures/provider-schemas"));
    } finally {
      if (saved === undefined) delete process.env.MIRADORE_SCHEMAS_DIR;
      else process.env.MIRADORE_SCHEMAS_DIR = saved;
    }
  });
});

describeWithProviderSchemas("validateTerraformJson against the provider schemas", (schemas) => {
  const problemsIn = (stack: unknown) => validateTerraformJson(stack, schemas);
  /** Asserts exactly one problem, at `path`, whose message matches `message`. */
  const expectOnlyProblem = (stack: unknown, path: string, message: RegExp) =>
    expect(problemsIn(stack)).toEqual([{ path, message: expect.stringMatching(message) }]);

  test("accepts a realistic Miradore stack", () => {
    expect(problemsIn(validStack())).toEqual([]);
  });

  test("checks azuread provider arguments against the exact 3.9.0 provider block (3.7.0's is lost)", () => {
    const azuread = schemas.get("registry.terraform.io/hashicorp/azuread");
    expect(azuread).toMatchObject({
      file: "azuread-3.7.0.reconstructed.schema.json",
      providerBlockFile: "azuread-3.9.0.schema.json",
    });
    expect(Object.keys(azuread?.providerBlock.attributes ?? {})).toContain("use_oidc");
  });

  test("accepts ${...} expressions for attributes of any type", () => {
    const stack = validStack();
    stack.resource.time_rotating.slot_a_rotation.rotation_days = "${var.rotation_days}";
    stack.resource.azuread_application.miradore_app_1A2B3C4D.prevent_duplicate_names = "${var.strict}";
    expect(problemsIn(stack)).toEqual([]);
  });

  test("rejects an unknown resource type", () => {
    const stack = validStack();
    stack.resource.azuread_aplication = { second_app: { display_name: "Miradore (typo)" } };
    expectOnlyProblem(
      stack,
      "resource.azuread_aplication",
      /unknown resource type "azuread_aplication"; did you mean "azuread_application"/,
    );
  });

  test("rejects an unknown data source type", () => {
    const stack = validStack();
    stack.data.azuread_graph_principal = { graph: {} };
    expectOnlyProblem(stack, "data.azuread_graph_principal", /unknown data source type "azuread_graph_principal"/);
  });

  test("rejects a misspelled argument", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.sign_in_audiance = "AzureADMyOrg";
    expectOnlyProblem(
      stack,
      `${APP}.sign_in_audiance`,
      /unknown argument "sign_in_audiance"; did you mean "sign_in_audience"/,
    );
  });

  test("rejects object_id on azuread_application, which is read-only", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.object_id = "11111111-2222-3333-4444-555555555555";
    expectOnlyProblem(stack, `${APP}.object_id`, /"object_id" is read-only \(computed by the provider\)/);
  });

  test("rejects value on azuread_application_password, which is read-only", () => {
    const stack = validStack();
    stack.resource.azuread_application_password.slot_a.value = "${var.anything}";
    expectOnlyProblem(stack, "resource.azuread_application_password.slot_a.value", /"value" is read-only/);
  });

  test("rejects azuread_application_password without application_id", () => {
    const stack = validStack();
    delete stack.resource.azuread_application_password.slot_a.application_id;
    expectOnlyProblem(
      stack,
      "resource.azuread_application_password.slot_a.application_id",
      /missing required argument "application_id" \(expected string\)/,
    );
  });

  test("rejects a number where a nested block attribute expects a string", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.required_resource_access[0].resource_access[1].type = 5;
    expectOnlyProblem(
      stack,
      `${APP}.required_resource_access[0].resource_access[1].type`,
      /expected string, got number 5/,
    );
  });

  test("rejects a string where a bool is expected", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.prevent_duplicate_names = "yes";
    expectOnlyProblem(stack, `${APP}.prevent_duplicate_names`, /expected bool, got string "yes"/);
  });

  test("rejects a map value of the wrong type", () => {
    const stack = validStack();
    stack.resource.azuread_application_password.slot_a.rotate_when_changed = { rotation: 90 };
    expectOnlyProblem(
      stack,
      "resource.azuread_application_password.slot_a.rotate_when_changed.rotation",
      /expected string, got number 90/,
    );
  });

  test("rejects a nested block over max_items", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.web = [
      { homepage_url: "https://a.example" },
      { homepage_url: "https://b.example" },
    ];
    expectOnlyProblem(stack, `${APP}.web`, /got 2 "web" blocks, but at most 1 allowed/);
  });

  test("rejects a nested block under min_items", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.required_resource_access[0].resource_access = [];
    expectOnlyProblem(
      stack,
      `${APP}.required_resource_access[0].resource_access`,
      /got 0 "resource_access" blocks, but at least 1 required/,
    );
  });

  test("rejects a nested block without its required attribute", () => {
    const stack = validStack();
    delete stack.resource.azuread_application.miradore_app_1A2B3C4D.required_resource_access[0].resource_access[0].id;
    expectOnlyProblem(
      stack,
      `${APP}.required_resource_access[0].resource_access[0].id`,
      /missing required argument "id"/,
    );
  });

  test("rejects a block given where an attribute is expected", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.owners = [
      { object_id: "${data.azuread_client_config.current.object_id}" },
    ];
    expectOnlyProblem(stack, `${APP}.owners`, /"owners" is an attribute of type set\(string\), not a block; got array/);
  });

  test("rejects an attribute value given where a block is expected", () => {
    const stack = validStack();
    stack.resource.azuread_application_password.slot_a.timeouts = "5m";
    expectOnlyProblem(
      stack,
      "resource.azuread_application_password.slot_a.timeouts",
      /expected a block \(object or array of objects\), got string "5m"/,
    );
  });

  test("rejects an unknown lifecycle key", () => {
    const stack = validStack();
    stack.resource.azuread_application_password.slot_a.lifecycle = {
      create_before_destroy: true,
      prevent_destroyed: true,
    };
    expectOnlyProblem(
      stack,
      "resource.azuread_application_password.slot_a.lifecycle.prevent_destroyed",
      /unknown lifecycle argument "prevent_destroyed"; did you mean "prevent_destroy"/,
    );
  });

  test("rejects ignore_changes naming an argument the resource does not have", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.lifecycle = { ignore_changes: ["note"] };
    expectOnlyProblem(stack, `${APP}.lifecycle.ignore_changes[0]`, /unknown argument "note"; did you mean "notes"/);
  });

  test("rejects an unknown provider argument", () => {
    const stack = validStack();
    stack.provider.azuread[0].tennant_id = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
    expectOnlyProblem(
      stack,
      "provider.azuread[0].tennant_id",
      /unknown argument "tennant_id"; did you mean "tenant_id"/,
    );
  });

  test("rejects a required provider without a schema", () => {
    const stack = validStack();
    stack.terraform.required_providers.random = { source: "hashicorp/random", version: "3.7.2" };
    expectOnlyProblem(
      stack,
      "terraform.required_providers.random",
      /no provider schema for "registry.terraform.io\/hashicorp\/random"/,
    );
  });

  test("reads a source without a namespace as hashicorp/<name>, as Terraform and cdktf do", () => {
    const stack = validStack();
    stack.terraform.required_providers.azuread = { source: "azuread", version: "3.7.0" };
    expect(validateTerraformJson(stack, schemas)).toEqual([]);
  });

  test("rejects an output without value", () => {
    const stack = validStack();
    stack.output.client_id = { description: "The application (client) ID" };
    expectOnlyProblem(stack, "output.client_id.value", /missing required output argument "value"/);
  });

  test("rejects a reference to an attribute the resource type does not have", () => {
    const stack = validStack();
    stack.output.client_secret.value = "${azuread_application_password.slot_a.secret}";
    expectOnlyProblem(
      stack,
      "output.client_secret.value",
      /references azuread_application_password.slot_a.secret, but azuread_application_password has no attribute "secret"/,
    );
  });

  test("rejects a reference to a resource the stack does not declare", () => {
    const stack = validStack();
    stack.resource.azuread_app_role_assignment.consent_user_read_all.resource_object_id =
      "${data.azuread_service_principal.msgraph.object_id}";
    expectOnlyProblem(
      stack,
      "resource.azuread_app_role_assignment.consent_user_read_all.resource_object_id",
      /references data.azuread_service_principal.msgraph.object_id, but this stack declares no data "azuread_service_principal.msgraph"/,
    );
  });

  test("rejects a postcondition without error_message", () => {
    const stack = validStack();
    stack.data.azuread_service_principal.graph.lifecycle = {
      postcondition: [{ condition: '${self.client_id != ""}' }],
    };
    expectOnlyProblem(
      stack,
      "data.azuread_service_principal.graph.lifecycle.postcondition[0].error_message",
      /missing required postcondition argument "error_message"/,
    );
  });

  test("expectValidAgainstProviderSchemas lists every problem in its error", () => {
    const stack = validStack();
    stack.resource.azuread_application.miradore_app_1A2B3C4D.object_id = "x";
    delete stack.resource.azuread_application_password.slot_a.application_id;
    const twoProblems = new RegExp(
      String.raw`\(2 problems\):\n  - ${APP}\.object_id: .*\n  - resource\.azuread_application_password\.slot_a\.application_id: `,
    );
    expect(() => expectValidAgainstProviderSchemas(JSON.stringify(stack), schemas)).toThrow(twoProblems);
    expect(() => expectValidAgainstProviderSchemas(validStack(), schemas)).not.toThrow();
  });
});
