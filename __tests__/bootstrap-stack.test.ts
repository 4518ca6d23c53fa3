// The bootstrap stack (app/bootstrap/): every resource it writes; that the deploy identity gets exactly the
// deployer's Graph permissions and can be signed in to only from the deploy environment; that the plan identity gets
// read-only permissions, checked against the policy's read-only set; and that its JSON fits the real provider schemas
// and the Miradore policy.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { AnnotationMetadataEntryType, Aspects, Testing } from "cdktf";
import { BootstrapConfig, bootstrapConfigSchema } from "../config/bootstrap-config-schema";
import { addBootstrapPolicyChecks } from "../app/bootstrap/bootstrap-policy-checks";
import { BootstrapStack, bootstrapStackNameOf } from "../app/bootstrap/bootstrap-stack";
import { DEPLOYER_GRAPH_APP_ROLES, DEPLOYER_GRAPH_PERMISSIONS } from "../app/bootstrap/deployer-graph-permissions";
import {
  ENTRA_TOKEN_EXCHANGE_AUDIENCE,
  GitHubFederatedCredentials,
  GITHUB_ACTIONS_OIDC_ISSUER,
} from "../app/bootstrap/github-federated-credentials";
import { PLAN_GRAPH_APP_ROLES, PLAN_GRAPH_PERMISSIONS } from "../app/bootstrap/plan-graph-permissions";
import { PlanIdentity } from "../app/bootstrap/plan-identity";
import {
  APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
  APPLICATION_READ_ALL,
  APPLICATION_READ_WRITE_OWNED_BY,
  MICROSOFT_GRAPH_APP_ID,
  MiradorePolicyChecks,
  PolicyViolationError,
  READ_ONLY_GRAPH_APP_ROLES,
} from "../constructs";
import { synthesizeApp } from "../app/synthesis/synthesize-atomically";
import { describeWithProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import type { StackJson } from "../test-support/synth-site";

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

/** The stack's blocks of `type` whose name starts with `prefix` (`ci_`, `github_`, `consent_` deploy; `plan_` plan). */
function named(
  json: StackJson,
  type: string,
  prefix: string,
  kind: "resource" | "data" = "resource",
): Record<string, any>[] {
  return Object.entries(json[kind][type] ?? {})
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, body]) => ({ name, ...body }));
}
function one(json: StackJson, type: string, prefix: string) {
  const all = named(json, type, prefix);
  if (all.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${all.length}`);
  return all[0]!;
}
const subjectsOf = (json: StackJson, appPrefix: string) => {
  const app = one(json, "azuread_application", appPrefix);
  return Object.values(json.resource.azuread_application_federated_identity_credential ?? {})
    .filter((c) => c.application_id === `\${azuread_application.${app.name}.id}`)
    .map((c) => c.subject as string)
    .sort();
};

const { json } = synthBootstrap();
const DEPLOY = "ci_";
const PLAN = "plan_";

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

test("the plan identity's Graph permissions are Application.Read.All and Directory.Read.All (drift), with their sources, and in the read-only set", () => {
  expect(PLAN_GRAPH_APP_ROLES.map((r) => [r.value, r.id])).toEqual([
    ["Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"],
    ["Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"],
  ]);
  const [planning, drift] = PLAN_GRAPH_PERMISSIONS;
  expect(planning!.neededFor).toMatch(/azuread_application.*azuread_service_principal.*azuread_app_role_assignment/);
  expect(planning!.source).toMatch(/terraform-provider-azuread v3\.7\.0/);
  expect(planning!.source).toMatch(/microsoft-graph-docs-contrib/);
  expect(drift!.neededFor).toMatch(/delegated permission grants/);
  expect(drift!.source).toMatch(/serviceprincipal-list-oauth2permissiongrants/);
  expect(READ_ONLY_GRAPH_APP_ROLES.map((r) => r.value)).toEqual(["Application.Read.All", "Directory.Read.All"]);
  const readOnly = new Set(READ_ONLY_GRAPH_APP_ROLES.map((r) => r.id));
  for (const role of PLAN_GRAPH_APP_ROLES) expect(readOnly.has(role.id)).toBe(true);
});

describe("the stack", () => {
  test("writes two identities, each an app, a service principal, federated credentials and consent", () => {
    expect(Object.keys(json.resource).sort()).toEqual([
      "azuread_app_role_assignment",
      "azuread_application",
      "azuread_application_federated_identity_credential",
      "azuread_service_principal",
    ]);
    expect(Object.keys(json.resource.azuread_application!).map((n) => n.split("_")[0])).toEqual(["ci", "plan"]);
    expect(Object.keys(json.resource.azuread_service_principal!)).toHaveLength(2);
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
    for (const app of Object.values(json.resource.azuread_application!)) expect(app.password).toBeUndefined();
  });
});

describe.each([
  [
    "the deploy identity",
    DEPLOYER_GRAPH_APP_ROLES,
    DEPLOY,
    "Miradore deployment (GitHub Actions)",
    /^Privileged/,
  ] as const,
  ["the plan identity", PLAN_GRAPH_APP_ROLES, PLAN, "Miradore plan (GitHub Actions)", /^Read-only/] as const,
])("%s", (_, roles, prefix, displayName, notes) => {
  const app = one(json, "azuread_application", prefix);
  const sp = one(json, "azuread_service_principal", prefix);

  test("is single tenant, named as configured, refuses duplicate names and says what it may do", () => {
    expect(app.sign_in_audience).toBe("AzureADMyOrg");
    expect(app.display_name).toBe(displayName);
    expect(app.prevent_duplicate_names).toBe(true);
    expect(app.notes).toMatch(notes);
  });

  test("is owned by exactly the configured administrators, as is its service principal", () => {
    expect(app.owners).toEqual([ADMIN, SECOND_ADMIN]);
    expect(sp.owners).toEqual([ADMIN, SECOND_ADMIN]);
    expect(sp.client_id).toBe(`\${azuread_application.${app.name}.client_id}`);
  });

  test("requests exactly its Graph application permissions, as app roles", () => {
    expect(app.required_resource_access).toEqual([
      { resource_app_id: MICROSOFT_GRAPH_APP_ID, resource_access: roles.map((r) => ({ id: r.id, type: "Role" })) },
    ]);
  });

  test("is granted exactly those, on the tenant's Microsoft Graph, with the app role ids checked in the plan", () => {
    const assignments = Object.values(json.resource.azuread_app_role_assignment!).filter(
      (a) => a.principal_object_id === `\${azuread_service_principal.${sp.name}.object_id}`,
    );
    expect(assignments.map((a) => a.app_role_id).sort()).toEqual(roles.map((r) => r.id).sort());
    const graph = named(json, "azuread_service_principal", prefix === DEPLOY ? "consent_" : PLAN, "data");
    expect(graph).toHaveLength(1);
    expect(graph[0]!.client_id).toBe(MICROSOFT_GRAPH_APP_ID);
    for (const assignment of assignments) {
      expect(assignment.resource_object_id).toBe(`\${data.azuread_service_principal.${graph[0]!.name}.object_id}`);
    }
    const conditions = graph[0]!.lifecycle.postcondition.map((p: { condition: string }) => p.condition);
    for (const role of roles) {
      expect(conditions).toContain(`\${lookup(self.app_role_ids, "${role.value}", "") == "${role.id}"}`);
    }
  });
});

describe("federated identity credentials", () => {
  test("admit the deploy identity only from the deploy environment: no pull request, no branch", () => {
    expect(subjectsOf(json, DEPLOY)).toEqual(["repo:Contoso/miradore-entra:environment:production"]);
  });

  test("admit the plan identity from pull requests and the main branch, as GitHub spells the repository", () => {
    expect(subjectsOf(json, PLAN)).toEqual([
      "repo:Contoso/miradore-entra:pull_request",
      "repo:Contoso/miradore-entra:ref:refs/heads/main",
    ]);
  });

  test("trust only GitHub Actions' issuer and Entra's token exchange audience", () => {
    for (const credential of Object.values(json.resource.azuread_application_federated_identity_credential!)) {
      expect(credential.issuer).toBe(GITHUB_ACTIONS_OIDC_ISSUER);
      expect(GITHUB_ACTIONS_OIDC_ISSUER).toBe("https://token.actions.githubusercontent.com");
      expect(credential.audiences).toEqual([ENTRA_TOKEN_EXCHANGE_AUDIENCE]);
      expect(ENTRA_TOKEN_EXCHANGE_AUDIENCE).toBe("api://AzureADTokenExchange");
    }
  });

  test("have distinct names per application, as Entra requires", () => {
    for (const prefix of [DEPLOY, PLAN]) {
      const app = one(json, "azuread_application", prefix);
      const names = Object.values(json.resource.azuread_application_federated_identity_credential!)
        .filter((c) => c.application_id === `\${azuread_application.${app.name}.id}`)
        .map((c) => c.display_name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  test("follow the configured branch and environment", () => {
    const { json } = synthBootstrap(
      bootstrapConfig({ github: { repository: "contoso/m", mainBranch: "release", deployEnvironment: "prod-eu" } }),
    );
    expect(subjectsOf(json, DEPLOY)).toEqual(["repo:contoso/m:environment:prod-eu"]);
    expect(subjectsOf(json, PLAN)).toEqual(["repo:contoso/m:pull_request", "repo:contoso/m:ref:refs/heads/release"]);
  });

  test("leave pull requests out when pullRequests is false: the plan identity serves the drift check only", () => {
    const { json } = synthBootstrap(
      bootstrapConfig({ github: { repository: "contoso/m", deployEnvironment: "production", pullRequests: false } }),
    );
    expect(subjectsOf(json, PLAN)).toEqual(["repo:contoso/m:ref:refs/heads/main"]);
    expect(subjectsOf(json, DEPLOY)).toEqual(["repo:contoso/m:environment:production"]);
  });

  test("admit pull requests only through their environment when pullRequestEnvironment is set (plans need approval)", () => {
    const { json } = synthBootstrap(
      bootstrapConfig({
        github: { repository: "contoso/m", deployEnvironment: "production", pullRequestEnvironment: "pr-plan" },
      }),
    );
    expect(subjectsOf(json, PLAN)).toEqual([
      "repo:contoso/m:environment:pr-plan",
      "repo:contoso/m:ref:refs/heads/main",
    ]);
    expect(subjectsOf(json, DEPLOY)).toEqual(["repo:contoso/m:environment:production"]);
  });

  test("refuse to admit nothing", () => {
    const stack = Testing.app({ stackTraces: false });
    expect(
      () => new GitHubFederatedCredentials(stack, "none", { applicationId: "x", repository: "contoso/m" }),
    ).toThrow(/branch, environment and pullRequests are all unset, but at least one must admit something/);
  });
});

describe("outputs", () => {
  test("give CI its variables: the deploy identity for the environment, the plan identity and tenant for the repository", () => {
    const app = (prefix: string) => one(json, "azuread_application", prefix).name;
    expect(json.output.ARM_DEPLOY_CLIENT_ID!.value).toBe(`\${azuread_application.${app(DEPLOY)}.client_id}`);
    expect(json.output.ARM_DEPLOY_CLIENT_ID!.description).toMatch(
      /of the "production" environment \(not of the repository\)/,
    );
    expect(json.output.ARM_PLAN_CLIENT_ID!.value).toBe(`\${azuread_application.${app(PLAN)}.client_id}`);
    expect(json.output.ARM_TENANT_ID!.value).toBe("${data.azuread_client_config.administrator.tenant_id}");
  });

  test("give the service principals' object ids and the permissions granted, and nothing sensitive", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "ARM_DEPLOY_CLIENT_ID",
      "ARM_PLAN_CLIENT_ID",
      "ARM_TENANT_ID",
      "ci_service_principal_object_id",
      "graph_permissions",
      "plan_graph_permissions",
      "plan_service_principal_object_id",
    ]);
    expect(json.output.graph_permissions!.value).toBe(
      "Application.ReadWrite.OwnedBy,AppRoleAssignment.ReadWrite.All,Application.Read.All",
    );
    expect(json.output.plan_graph_permissions!.value).toBe("Application.Read.All,Directory.Read.All");
    for (const output of Object.values(json.output)) expect(output.sensitive).toBeUndefined();
  });
});

describe("the Miradore policy checks", () => {
  /** The stack with the bootstrap's policy checks, changed by `tamper` first; the unsuppressed errors. */
  const findingsOf = (tamper: (stack: BootstrapStack) => void = () => {}) => {
    const app = Testing.app({ stackTraces: false });
    const stack = new BootstrapStack(app, "miradore-bootstrap-contoso", { config: bootstrapConfig() });
    tamper(stack);
    addBootstrapPolicyChecks(stack, () => {});
    Testing.synth(stack, true);
    return stack.node
      .findAll()
      .flatMap((node) =>
        node.node.metadata
          .filter((m) => m.type === AnnotationMetadataEntryType.ERROR)
          .map((m) => `${node.node.path}: ${String(m.data)}`),
      );
  };
  /** Gives the plan identity a write permission behind the constructs' back (an escape-hatch override, a stray grant). */
  const writePermissionOnPlan = (stack: BootstrapStack) => {
    stack.plan.app.application.addOverride("required_resource_access", [
      {
        resource_app_id: MICROSOFT_GRAPH_APP_ID,
        resource_access: [APPLICATION_READ_ALL, APP_ROLE_ASSIGNMENT_READ_WRITE_ALL].map((r) => ({
          id: r.id,
          type: "Role",
        })),
      },
    ]);
    new AppRoleAssignment(stack.plan, "stray", {
      appRoleId: APPLICATION_READ_WRITE_OWNED_BY.id,
      principalObjectId: stack.plan.app.servicePrincipal.objectId,
      resourceObjectId: stack.plan.consent.graphServicePrincipal.objectId,
    });
  };

  test("pass the stack as it is", () => {
    expect(findingsOf()).toEqual([]);
  });

  test("stop a write permission on the plan identity, requested or granted, though the deployer may hold it", () => {
    const errors = findingsOf(writePermissionOnPlan);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `/plan/app/registration: \\[MIR-GRAPH-1\\] .*requests Microsoft Graph app role "${APP_ROLE_ASSIGNMENT_READ_WRITE_ALL.id}", outside the allowlist \\(Application\\.Read\\.All, Directory\\.Read\\.All\\)`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `/plan/stray: \\[MIR-GRAPH-1\\] grants Microsoft Graph app role "${APPLICATION_READ_WRITE_OWNED_BY.id}", outside the allowlist \\(Application\\.Read\\.All, Directory\\.Read\\.All\\)`,
        ),
      ),
    ]);
  });

  test("stop synthesis of such a stack before anything is written", () => {
    // A fresh folder: the test must not depend on a build folder another test or command made.
    const outdir = join(mkdtempSync(join(tmpdir(), "miradore-bootstrap-policy-")), "never-written");
    expect(() =>
      synthesizeApp(outdir, (app) => {
        const stack = new BootstrapStack(app, "miradore-bootstrap-contoso", { config: bootstrapConfig() });
        writePermissionOnPlan(stack);
        addBootstrapPolicyChecks(stack, () => {});
      }),
    ).toThrow(PolicyViolationError);
    expect(existsSync(join(outdir, "stacks", "miradore-bootstrap-contoso", "cdk.tf.json"))).toBe(false);
  });

  test("reject the stack under Miradore's own allowlist, so a permission outside the list cannot slip through", () => {
    const app = Testing.app({ stackTraces: false });
    const stack = new BootstrapStack(app, "miradore-bootstrap-contoso", { config: bootstrapConfig() });
    const checks = new MiradorePolicyChecks({ log: () => {} });
    Aspects.of(stack).add(checks);
    Testing.synth(stack, true);
    const findings = checks.findings.filter((f) => f.level === "error" && !f.suppressedBy);
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(["MIR-GRAPH-1"]));
    for (const role of DEPLOYER_GRAPH_APP_ROLES) expect(findings.map((f) => f.detail).join("\n")).toContain(role.id);
  });

  test("a plan identity constructed with a write permission is refused outright", () => {
    const app = Testing.app({ stackTraces: false });
    expect(
      () =>
        new PlanIdentity(app, "plan", {
          displayName: "x",
          ownerObjectIds: [ADMIN],
          repository: "contoso/m",
          mainBranch: "main",
          graphAppRoles: [APPLICATION_READ_ALL, APPLICATION_READ_WRITE_OWNED_BY],
        }),
    ).toThrow(
      /graphAppRoles includes Application\.ReadWrite\.OwnedBy, but a plan identity may only hold read-only permissions \(Application\.Read\.All, Directory\.Read\.All\)/,
    );
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
    [
      "pull request plans behind an environment",
      bootstrapConfig({
        github: { repository: "contoso/m", deployEnvironment: "production", pullRequestEnvironment: "pr-plan" },
      }),
    ],
  ])("%s has no schema problems", (_, config) => {
    expect(validateTerraformJson(synthBootstrap(config).json, schemas)).toEqual([]);
  });
});
