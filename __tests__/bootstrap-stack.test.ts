// The bootstrap stack (constructs/bootstrap/): every resource it writes, that it grants exactly the deployer's Graph
// permissions and nothing more, and that its JSON fits the real provider schemas and the Miradore policy.
import { Aspects, Testing } from "cdktf";
import { BootstrapConfig, bootstrapConfigSchema } from "../config/bootstrap-config-schema";
import { BootstrapStack, bootstrapStackNameOf } from "../constructs/bootstrap/bootstrap-stack";
import {
  DEPLOYER_GRAPH_APP_ROLES,
  DEPLOYER_GRAPH_PERMISSIONS,
} from "../constructs/bootstrap/deployer-graph-permissions";
import {
  ENTRA_TOKEN_EXCHANGE_AUDIENCE,
  GITHUB_ACTIONS_OIDC_ISSUER,
} from "../constructs/bootstrap/github-federated-credentials";
import {
  APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
  APPLICATION_READ_ALL,
  APPLICATION_READ_WRITE_OWNED_BY,
  MICROSOFT_GRAPH_APP_ID,
} from "../constructs/graph-facts";
import { MiradorePolicyChecks } from "../constructs/policy/miradore-policy-checks";
import { describeWithProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import { only, ref, type StackJson } from "../test-support/synth-site";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const ADMIN = "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
const SECOND_ADMIN = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

function bootstrapConfig(settings: Record<string, unknown> = {}): BootstrapConfig {
  return bootstrapConfigSchema.parse({
    name: "contoso",
    tenantId: TENANT,
    ownerObjectIds: [ADMIN, SECOND_ADMIN],
    github: { repository: "Contoso/miradore-entra", deployEnvironment: "production" },
    ...settings,
  });
}

function synthBootstrap(config: BootstrapConfig = bootstrapConfig()): { json: StackJson; stack: BootstrapStack } {
  const app = Testing.app({ stackTraces: false });
  const stack = new BootstrapStack(app, bootstrapStackNameOf(config.name), { config });
  return { json: JSON.parse(Testing.synth(stack)) as StackJson, stack };
}

const { json } = synthBootstrap();
const resources = (type: string) => Object.values(json.resource[type] ?? {});

test("the deployer's Graph permissions are exactly the three listed with sources", () => {
  expect(DEPLOYER_GRAPH_APP_ROLES.map((r) => [r.value, r.id])).toEqual([
    ["Application.ReadWrite.OwnedBy", "18a4783c-866b-4cc7-a460-3d5e5662c884"],
    ["AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f"],
    ["Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"],
  ]);
  for (const permission of DEPLOYER_GRAPH_PERMISSIONS) {
    expect(permission.neededFor).toMatch(/azuread_/);
    expect(permission.source).toMatch(/terraform-provider-azuread v3\.7\.0, docs\//);
  }
});

describe("the stack", () => {
  test("writes only the resource and data source types of the deploying identity", () => {
    expect(Object.keys(json.resource).sort()).toEqual([
      "azuread_app_role_assignment",
      "azuread_application",
      "azuread_application_federated_identity_credential",
      "azuread_service_principal",
    ]);
    expect(Object.keys(json.data).sort()).toEqual(["azuread_client_config", "azuread_service_principal"]);
  });

  test("targets the configured tenant and keeps its state under its own name", () => {
    expect(json.provider.azuread).toEqual([{ tenant_id: TENANT }]);
    expect(json.terraform.backend.local!.path).toMatch(/terraform\.miradore-bootstrap-contoso\.tfstate$/);
  });

  test("has no password or certificate: CI signs in with federated credentials only", () => {
    expect(json.resource.azuread_application_password).toBeUndefined();
    expect(json.resource.azuread_application_certificate).toBeUndefined();
    expect(json.resource.azuread_service_principal_password).toBeUndefined();
    expect(only(json, "azuread_application").password).toBeUndefined();
  });
});

describe("the CI app registration", () => {
  const app = only(json, "azuread_application");

  test("is single tenant, named as configured, refuses duplicate names and says it is privileged", () => {
    expect(app.sign_in_audience).toBe("AzureADMyOrg");
    expect(app.display_name).toBe("Miradore deployment (GitHub Actions)");
    expect(app.prevent_duplicate_names).toBe(true);
    expect(app.notes).toMatch(/Privileged/);
  });

  test("is owned by exactly the configured administrators, as is its service principal", () => {
    expect(app.owners).toEqual([ADMIN, SECOND_ADMIN]);
    expect(only(json, "azuread_service_principal").owners).toEqual([ADMIN, SECOND_ADMIN]);
  });

  test("requests exactly the deployer's Graph application permissions, as app roles", () => {
    expect(app.required_resource_access).toEqual([
      {
        resource_app_id: MICROSOFT_GRAPH_APP_ID,
        resource_access: [
          { id: APPLICATION_READ_WRITE_OWNED_BY.id, type: "Role" },
          { id: APP_ROLE_ASSIGNMENT_READ_WRITE_ALL.id, type: "Role" },
          { id: APPLICATION_READ_ALL.id, type: "Role" },
        ],
      },
    ]);
  });

  test("has a service principal for its own client id", () => {
    expect(only(json, "azuread_service_principal").client_id).toBe(
      `\${${ref(json, "azuread_application", "client_id")}}`,
    );
  });
});

describe("federated identity credentials", () => {
  const credentials = resources("azuread_application_federated_identity_credential");

  test("admit the main branch, pull requests and the deploy environment of the repository, as GitHub spells them", () => {
    expect(credentials.map((c) => c.subject).sort()).toEqual([
      "repo:Contoso/miradore-entra:environment:production",
      "repo:Contoso/miradore-entra:pull_request",
      "repo:Contoso/miradore-entra:ref:refs/heads/main",
    ]);
  });

  test("trust only GitHub Actions' issuer and Entra's token exchange audience, on the CI app", () => {
    for (const credential of credentials) {
      expect(credential.issuer).toBe(GITHUB_ACTIONS_OIDC_ISSUER);
      expect(GITHUB_ACTIONS_OIDC_ISSUER).toBe("https://token.actions.githubusercontent.com");
      expect(credential.audiences).toEqual([ENTRA_TOKEN_EXCHANGE_AUDIENCE]);
      expect(ENTRA_TOKEN_EXCHANGE_AUDIENCE).toBe("api://AzureADTokenExchange");
      expect(credential.application_id).toBe(`\${${ref(json, "azuread_application", "id")}}`);
    }
  });

  test("have distinct names, as Entra requires per application", () => {
    expect(new Set(credentials.map((c) => c.display_name)).size).toBe(credentials.length);
  });

  test("follow the configured branch and environment", () => {
    const { json } = synthBootstrap(
      bootstrapConfig({ github: { repository: "contoso/m", mainBranch: "release", deployEnvironment: "prod-eu" } }),
    );
    const subjects = Object.values(json.resource.azuread_application_federated_identity_credential!).map(
      (c) => c.subject,
    );
    expect(subjects).toContain("repo:contoso/m:ref:refs/heads/release");
    expect(subjects).toContain("repo:contoso/m:environment:prod-eu");
  });

  test("leave pull requests out when pullRequests is false", () => {
    const { json } = synthBootstrap(
      bootstrapConfig({ github: { repository: "contoso/m", deployEnvironment: "production", pullRequests: false } }),
    );
    const subjects = Object.values(json.resource.azuread_application_federated_identity_credential!).map(
      (c) => c.subject,
    );
    expect(subjects.sort()).toEqual(["repo:contoso/m:environment:production", "repo:contoso/m:ref:refs/heads/main"]);
  });
});

describe("admin consent", () => {
  const assignments = resources("azuread_app_role_assignment");
  const [graphName, graphSp] = Object.entries(json.data.azuread_service_principal!)[0]!;

  test("grants exactly the deployer's permissions, nothing beyond them", () => {
    expect(assignments.map((a) => a.app_role_id).sort()).toEqual(DEPLOYER_GRAPH_APP_ROLES.map((r) => r.id).sort());
  });

  test("grants them to the CI service principal, on the tenant's Microsoft Graph", () => {
    expect(graphSp.client_id).toBe(MICROSOFT_GRAPH_APP_ID);
    for (const assignment of assignments) {
      expect(assignment.principal_object_id).toBe(`\${${ref(json, "azuread_service_principal", "object_id")}}`);
      expect(assignment.resource_object_id).toBe(`\${data.azuread_service_principal.${graphName}.object_id}`);
    }
  });

  test("fails the plan if the tenant's Graph publishes other app role ids", () => {
    const conditions = graphSp.lifecycle.postcondition.map((p: { condition: string }) => p.condition);
    for (const role of DEPLOYER_GRAPH_APP_ROLES) {
      expect(conditions).toContain(`\${lookup(self.app_role_ids, "${role.value}", "") == "${role.id}"}`);
    }
  });
});

describe("outputs", () => {
  test("give CI its variables: ARM_CLIENT_ID and ARM_TENANT_ID", () => {
    expect(json.output.ARM_CLIENT_ID!.value).toBe(`\${${ref(json, "azuread_application", "client_id")}}`);
    expect(json.output.ARM_TENANT_ID!.value).toBe("${data.azuread_client_config.administrator.tenant_id}");
  });

  test("give the service principal's object id and the permissions granted, and nothing sensitive", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "ARM_CLIENT_ID",
      "ARM_TENANT_ID",
      "ci_service_principal_object_id",
      "graph_permissions",
    ]);
    expect(json.output.graph_permissions!.value).toBe(
      "Application.ReadWrite.OwnedBy,AppRoleAssignment.ReadWrite.All,Application.Read.All",
    );
    for (const output of Object.values(json.output)) expect(output.sensitive).toBeUndefined();
  });
});

describe("the Miradore policy checks", () => {
  const findingsWith = (allowed?: typeof DEPLOYER_GRAPH_APP_ROLES) => {
    const app = Testing.app({ stackTraces: false });
    const stack = new BootstrapStack(app, "miradore-bootstrap-contoso", { config: bootstrapConfig() });
    const checks = new MiradorePolicyChecks({ allowedGraphAppRoles: allowed, log: () => {} });
    Aspects.of(stack).add(checks);
    Testing.synth(stack);
    return checks.findings.filter((f) => f.level === "error" && !f.suppressedBy);
  };

  test("pass with the deployer's permissions as the allowlist", () => {
    expect(findingsWith(DEPLOYER_GRAPH_APP_ROLES)).toEqual([]);
  });

  test("reject the stack under Miradore's own allowlist, so a permission outside the list cannot slip through", () => {
    const findings = findingsWith(undefined);
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(["MIR-GRAPH-1"]));
    for (const role of DEPLOYER_GRAPH_APP_ROLES) expect(findings.map((f) => f.detail).join("\n")).toContain(role.id);
  });
});

describeWithProviderSchemas("the bootstrap stack against the real provider schemas", (schemas) => {
  test.each([
    ["the example-like configuration", bootstrapConfig()],
    [
      "pull requests off and an azurerm backend",
      bootstrapConfig({
        github: { repository: "contoso/m", deployEnvironment: "production", pullRequests: false },
        state: { backend: "azurerm", storageAccountName: "contosotfstate", containerName: "tfstate" },
      }),
    ],
  ])("%s has no schema problems", (_, config) => {
    expect(validateTerraformJson(synthBootstrap(config).json, schemas)).toEqual([]);
  });
});
