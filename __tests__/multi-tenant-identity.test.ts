// A service provider's fleet (issue 16): the bootstrap's multi-tenant mode keeps both trust boundaries (the plan
// identity read-only, the deploy identity for the deploy environment only) while enabling the apps for other
// tenants; onboarding a customer tenant gives the admin consent links and a stack with exactly the bootstrap's Graph
// permissions; a site may bring CI apps of its own.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnnotationMetadataEntryType, Testing } from "cdktf";
import { addBootstrapPolicyChecks } from "../app/bootstrap/bootstrap-policy-checks";
import { BootstrapStack } from "../app/bootstrap/bootstrap-stack";
import { DEPLOYER_GRAPH_APP_ROLES } from "../app/bootstrap/deployer-graph-permissions";
import { PLAN_GRAPH_APP_ROLES } from "../app/bootstrap/plan-graph-permissions";
import { adminConsentUrl } from "../app/onboarding/admin-consent-url";
import { CustomerTenantStack } from "../app/onboarding/customer-tenant-stack";
import { onboardingInstructions } from "../app/onboarding/onboarding-instructions";
import { parseBootstrapConfig } from "../config/load-bootstrap-config";
import { ConfigError } from "../config/config-error";
import { buildForTest } from "../test-support/build-for-test";
import type { StackJson } from "../test-support/synth-site";
import { AUDIT_LOG_READ_ALL } from "../constructs";

const HOME_TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const CUSTOMER_TENANT = "9e8d7c6b-5a49-4837-a625-1b2c3d4e5f60";
const ADMIN = "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
const DEPLOY_CLIENT = "aaaaaaaa-1111-4222-8333-444444444444";
const PLAN_CLIENT = "bbbbbbbb-1111-4222-8333-444444444444";

function fleetBootstrap(multiTenant: unknown = true) {
  return parseBootstrapConfig(
    JSON.stringify({
      name: "provider",
      tenantId: HOME_TENANT,
      ownerObjectIds: [ADMIN],
      github: { repository: "contoso/miradore-entra", deployEnvironment: "production" },
      multiTenant,
    }),
    "bootstrap.config.yaml",
  );
}

function synth(multiTenant: boolean) {
  const app = Testing.app({ stackTraces: false });
  const stack = new BootstrapStack(app, "miradore-bootstrap-provider", { config: fleetBootstrap(multiTenant) });
  addBootstrapPolicyChecks(stack, () => {});
  const json = JSON.parse(Testing.synth(stack, true)) as StackJson;
  const errors = stack.node
    .findAll()
    .flatMap((node) => node.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR));
  return { json, errors };
}

const subjectsByApp = (json: StackJson) => {
  const apps = json.resource.azuread_application as Record<string, { display_name: string }>;
  const credentials = Object.values(
    json.resource.azuread_application_federated_identity_credential as Record<string, Record<string, string>>,
  );
  return Object.fromEntries(
    Object.entries(apps).map(([name, app]) => [
      app.display_name,
      credentials
        .filter((c) => c.application_id === `\${azuread_application.${name}.id}`)
        .map((c) => c.subject)
        .sort(),
    ]),
  );
};

describe("the bootstrap's multi-tenant mode", () => {
  const single = synth(false);
  const fleet = synth(true);

  test("enables both CI apps for other organizations, and passes the policy checks with the reason recorded", () => {
    const audiences = Object.values(
      fleet.json.resource.azuread_application as Record<string, Record<string, unknown>>,
    ).map((app) => app.sign_in_audience);
    expect(audiences).toEqual(["AzureADMultipleOrgs", "AzureADMultipleOrgs"]);
    expect(fleet.errors).toEqual([]);
  });

  test("keeps every trust boundary: the same federated credentials and the same Graph permissions as single tenant", () => {
    expect(subjectsByApp(fleet.json)).toEqual(subjectsByApp(single.json));
    expect(subjectsByApp(fleet.json)["Miradore deployment (GitHub Actions)"]).toEqual([
      "repo:contoso/miradore-entra:environment:production",
    ]);
    const access = (json: StackJson) =>
      Object.values(json.resource.azuread_application as Record<string, Record<string, unknown>>).map(
        (app) => app.required_resource_access,
      );
    expect(access(fleet.json)).toEqual(access(single.json));
  });

  test("is off by default: single tenant, as before", () => {
    const audiences = Object.values(
      single.json.resource.azuread_application as Record<string, Record<string, unknown>>,
    ).map((app) => app.sign_in_audience);
    expect(audiences).toEqual(["AzureADMyOrg", "AzureADMyOrg"]);
  });

  test("refuses a multiTenant that is not a boolean, naming the field and the value", () => {
    expect(() => fleetBootstrap("yes")).toThrow(ConfigError);
    expect(() => fleetBootstrap("yes")).toThrow(/multiTenant is "yes", but must be true or false/);
  });
});

describe("onboarding a customer tenant", () => {
  test("the admin consent link is Entra's v1 endpoint for the tenant and the app, and nothing else", () => {
    expect(adminConsentUrl(CUSTOMER_TENANT, DEPLOY_CLIENT)).toBe(
      `https://login.microsoftonline.com/${CUSTOMER_TENANT}/adminconsent?client_id=${DEPLOY_CLIENT}`,
    );
  });

  test("a tenant or client id that is not a GUID gets no link (nothing from a person is put into a URL)", () => {
    expect(() => adminConsentUrl("contoso.com/evil?x=", DEPLOY_CLIENT)).toThrow(
      /the tenant id is "contoso.com\/evil\?x=", but must be a GUID/,
    );
    expect(() => adminConsentUrl(CUSTOMER_TENANT, "app")).toThrow(/the client id is "app", but must be a GUID/);
  });

  test("the instructions give both links, each with exactly its identity's permissions, and the Terraform way", () => {
    const text = onboardingInstructions(
      { tenantId: CUSTOMER_TENANT, deployClientId: DEPLOY_CLIENT, planClientId: PLAN_CLIENT },
      "cdktf.out.onboard/stacks/x",
    );
    expect(text).toContain(`Onboarding customer tenant ${CUSTOMER_TENANT}`);
    expect(text).toContain(adminConsentUrl(CUSTOMER_TENANT, DEPLOY_CLIENT));
    expect(text).toContain(adminConsentUrl(CUSTOMER_TENANT, PLAN_CLIENT));
    expect(text).toContain(
      "permissions (Microsoft Graph, application): Application.ReadWrite.OwnedBy, AppRoleAssignment.ReadWrite.All and Application.Read.All",
    );
    expect(text).toContain("permissions (Microsoft Graph, application): Application.Read.All and Directory.Read.All");
    expect(text).toContain("cdktf.out.onboard/stacks/x");
  });

  test("the per-tenant stack: a service principal for each CI app, granted exactly the bootstrap's permissions", () => {
    const app = Testing.app({ stackTraces: false });
    const stack = new CustomerTenantStack(app, "customer", {
      tenantId: CUSTOMER_TENANT,
      deployClientId: DEPLOY_CLIENT,
      planClientId: PLAN_CLIENT,
    });
    const json = JSON.parse(Testing.synth(stack)) as StackJson;
    expect(json.provider.azuread).toEqual([{ tenant_id: CUSTOMER_TENANT }]);
    const principals = Object.entries(
      json.resource.azuread_service_principal as Record<string, Record<string, unknown>>,
    );
    expect(principals.map(([, sp]) => [sp.client_id, sp.use_existing])).toEqual([
      [DEPLOY_CLIENT, true],
      [PLAN_CLIENT, true],
    ]);
    const granted = (identity: string) => {
      const [principal] = principals.find(([name]) => name.startsWith(identity))!;
      return Object.values(json.resource.azuread_app_role_assignment as Record<string, Record<string, string>>)
        .filter((a) => a.principal_object_id === `\${azuread_service_principal.${principal}.object_id}`)
        .map((a) => a.app_role_id)
        .sort();
    };
    expect(granted("deploy")).toEqual(DEPLOYER_GRAPH_APP_ROLES.map((r) => r.id).sort());
    expect(granted("plan")).toEqual(PLAN_GRAPH_APP_ROLES.map((r) => r.id).sort());
  });

  test("with the bootstrap's signInLogs, the deploy identity is also granted AuditLog.Read.All, and told so", () => {
    const props = { tenantId: CUSTOMER_TENANT, deployClientId: DEPLOY_CLIENT, planClientId: PLAN_CLIENT };
    const json = JSON.parse(
      Testing.synth(
        new CustomerTenantStack(Testing.app({ stackTraces: false }), "customer", { ...props, signInLogs: true }),
      ),
    ) as StackJson;
    const roles = Object.values(
      json.resource.azuread_app_role_assignment as Record<string, Record<string, string>>,
    ).map((a) => a.app_role_id);
    expect(roles).toContain(AUDIT_LOG_READ_ALL.id);
    expect(roles).toHaveLength(DEPLOYER_GRAPH_APP_ROLES.length + 1 + PLAN_GRAPH_APP_ROLES.length);
    expect(onboardingInstructions({ ...props, signInLogs: true }, "x")).toContain(
      "permissions (Microsoft Graph, application): Application.ReadWrite.OwnedBy, AppRoleAssignment.ReadWrite.All, Application.Read.All and AuditLog.Read.All",
    );
  });

  test("the per-tenant stack refuses a client id that is not a GUID", () => {
    const app = Testing.app({ stackTraces: false });
    expect(
      () =>
        new CustomerTenantStack(app, "customer", {
          tenantId: CUSTOMER_TENANT,
          deployClientId: "x",
          planClientId: PLAN_CLIENT,
        }),
    ).toThrow(/customer: deployClientId is "x", but must be a GUID/);
  });
});

describe("npm run onboard", () => {
  const onboard = (args: readonly string[], env: Record<string, string> = {}) => {
    const script = buildForTest({ onboard: "tools/onboard.ts" }, { bundleDependencies: false }).script("onboard");
    const work = mkdtempSync(join(tmpdir(), "onboard-"));
    const result = spawnSync(process.execPath, [script, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: "utf8",
    });
    return { ...result, work };
  };

  test("prints both consent links and writes the per-tenant stack, client ids from the bootstrap's output names", () => {
    const run = onboard(["--tenant", CUSTOMER_TENANT], {
      ARM_DEPLOY_CLIENT_ID: DEPLOY_CLIENT,
      ARM_PLAN_CLIENT_ID: PLAN_CLIENT,
    });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain(adminConsentUrl(CUSTOMER_TENANT, DEPLOY_CLIENT));
    expect(run.stdout).toContain(adminConsentUrl(CUSTOMER_TENANT, PLAN_CLIENT));
    expect(
      existsSync(join(run.work, "cdktf.out.onboard", "stacks", `miradore-customer-${CUSTOMER_TENANT}`, "cdk.tf.json")),
    ).toBe(true);
  });

  test("a tenant that is not a GUID, or a missing client id, fails with one line and writes nothing", () => {
    const bad = onboard(["--tenant", "contoso.com"], {
      ARM_DEPLOY_CLIENT_ID: DEPLOY_CLIENT,
      ARM_PLAN_CLIENT_ID: PLAN_CLIENT,
    });
    expect([bad.status, bad.stderr.trim()]).toEqual([
      1,
      'onboard: --tenant is "contoso.com", but must be a GUID (the customer\'s directory (tenant) id) such as 4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f',
    ]);
    const missing = onboard(["--tenant", CUSTOMER_TENANT], { ARM_DEPLOY_CLIENT_ID: DEPLOY_CLIENT });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^onboard: --plan-client-id is missing and ARM_PLAN_CLIENT_ID is not set/);
    expect(existsSync(join(missing.work, "cdktf.out.onboard"))).toBe(false);
  });
});
