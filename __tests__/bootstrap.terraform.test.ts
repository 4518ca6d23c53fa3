// `npm run bootstrap:synth` end to end, then the synthesized stack under real Terraform against the provider doubles:
// it validates, plans exactly the two CI identities, applies, grants the deploy identity nothing beyond the listed
// permissions and the plan identity nothing outside the policy's read-only set, and a second plan is empty.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEPLOYER_GRAPH_APP_ROLES } from "../app/bootstrap/deployer-graph-permissions";
import { PLAN_GRAPH_APP_ROLES } from "../app/bootstrap/plan-graph-permissions";
import { READ_ONLY_GRAPH_APP_ROLES } from "../constructs";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
  synthesizedStacks,
} from "../test-support/terraform-harness";

const LIMIT_MS = 60_000;

function synth(env: Record<string, string>) {
  return spawnSync("npm", ["run", "--silent", "bootstrap:synth"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("npm run bootstrap:synth", () => {
  let outDir: string;
  beforeAll(() => {
    outDir = join(mkdtempSync(join(tmpdir(), "bootstrap-synth-")), "out");
  });
  afterAll(() => rmSync(join(outDir, ".."), { recursive: true, force: true }));

  test(
    "writes one stack, named after the configuration, from the example file",
    () => {
      const result = synth({ CDKTF_OUTDIR: outDir });
      expect(result.status).toBe(0);
      expect(Object.keys(synthesizedStacks(outDir))).toEqual(["miradore-bootstrap-example"]);
    },
    LIMIT_MS,
  );

  test(
    "fails with the configuration error, and writes nothing, when the file is bad",
    () => {
      const bad = join(outDir, "..", "bad.yaml");
      writeFileSync(bad, "name: example\ntenantId: contoso\n");
      const badOut = join(outDir, "..", "bad-out");
      const result = synth({ CDKTF_OUTDIR: badOut, MIRADORE_BOOTSTRAP_CONFIG: bad });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('config error: tenantId is "contoso", but must be a GUID');
      expect(existsSync(badOut)).toBe(false);
    },
    LIMIT_MS,
  );
});

describeWithTerraform("the bootstrap stack under Terraform (provider doubles)", () => {
  let outDir: string;
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "bootstrap-tf-"));
    execFileSync("npm", ["run", "--silent", "bootstrap:synth"], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outDir },
      stdio: "pipe",
    });
    doubles = await ProviderDoubles.start();
    workspace = TerraformWorkspace.create(doubles, Object.values(synthesizedStacks(outDir))[0]!);
    await workspace.init();
  }, LIMIT_MS);
  afterAll(async () => {
    workspace?.remove();
    await doubles?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  test(
    "validates, plans only creations of the two CI identities, applies, then plans no changes",
    async () => {
      expect(await workspace.validate()).toMatchObject({ valid: true, error_count: 0 });
      const plan = await workspace.plan();
      const created = effectiveChanges(plan)
        .map((c) => `${c.type} ${c.change.actions.join()}`)
        .sort();
      expect(created).toEqual([
        ...Array(5).fill("azuread_app_role_assignment create"),
        ...Array(2).fill("azuread_application create"),
        ...Array(3).fill("azuread_application_federated_identity_credential create"),
        ...Array(2).fill("azuread_service_principal create"),
      ]);
      await workspace.apply();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  // Reads the directory the apply above left behind.
  test(
    "leaves each CI service principal holding exactly its Graph permissions, the plan identity's all read-only",
    async () => {
      const tenantId = workspace.readConfig().provider.azuread[0].tenant_id as string;
      const tenant = doubles.tenant(tenantId);
      const outputs = await workspace.outputs();
      const byClientId = (clientId: unknown) => {
        const app = Object.values(tenant.applications).find((a) => a.appId === clientId)!;
        const sp = Object.values(tenant.servicePrincipals).find((s) => s.appId === clientId)!;
        const granted = tenant.appRoleAssignments.filter((a) => a.principalId === sp.objectId);
        return { app, sp, granted };
      };
      const graph = Object.values(tenant.servicePrincipals).find((sp) => sp.builtIn)!;
      const deploy = byClientId(outputs.ARM_DEPLOY_CLIENT_ID!.value);
      const plan = byClientId(outputs.ARM_PLAN_CLIENT_ID!.value);
      expect(deploy.app.displayName).toBe("Miradore deployment (GitHub Actions)");
      expect(plan.app.displayName).toBe("Miradore plan (GitHub Actions)");

      expect(deploy.granted.map((a) => a.appRoleId).sort()).toEqual(DEPLOYER_GRAPH_APP_ROLES.map((r) => r.id).sort());
      expect(plan.granted.map((a) => a.appRoleId).sort()).toEqual(PLAN_GRAPH_APP_ROLES.map((r) => r.id).sort());
      const readOnly = new Set(READ_ONLY_GRAPH_APP_ROLES.map((r) => r.id));
      for (const grant of plan.granted) expect(readOnly.has(grant.appRoleId)).toBe(true);
      expect([...deploy.granted, ...plan.granted].every((a) => a.resourceId === graph.objectId)).toBe(true);
      expect(tenant.appRoleAssignments).toHaveLength(deploy.granted.length + plan.granted.length);

      // The deploy identity: only jobs in the production environment; the plan identity: pull requests and main.
      expect(deploy.app.federatedIdentityCredentials.map((c) => c.subject)).toEqual([
        "repo:contoso/miradore-entra:environment:production",
      ]);
      expect(plan.app.federatedIdentityCredentials.map((c) => c.subject).sort()).toEqual([
        "repo:contoso/miradore-entra:pull_request",
        "repo:contoso/miradore-entra:ref:refs/heads/main",
      ]);
      for (const { app } of [deploy, plan]) expect(app.passwordCredentials).toEqual([]);

      expect(outputs.ARM_DEPLOY_CLIENT_ID).toMatchObject({ sensitive: false });
      expect(outputs.ARM_PLAN_CLIENT_ID).toMatchObject({ sensitive: false });
      expect(outputs.ARM_TENANT_ID).toMatchObject({ value: tenantId, sensitive: false });
      expect(outputs.ci_service_principal_object_id!.value).toBe(deploy.sp.objectId);
      expect(outputs.plan_service_principal_object_id!.value).toBe(plan.sp.objectId);
    },
    LIMIT_MS,
  );
});
