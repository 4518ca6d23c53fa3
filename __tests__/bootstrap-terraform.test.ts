// `npm run bootstrap:synth` end to end, then the synthesized stack under real Terraform against the provider doubles:
// it validates, plans exactly the deploying identity, applies, grants nothing beyond the listed permissions, and a
// second plan is empty.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEPLOYER_GRAPH_APP_ROLES } from "../constructs/bootstrap/deployer-graph-permissions";
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
    "validates, plans only creations of the deploying identity, applies, then plans no changes",
    async () => {
      expect(await workspace.validate()).toMatchObject({ valid: true, error_count: 0 });
      const plan = await workspace.plan();
      const created = effectiveChanges(plan)
        .map((c) => `${c.type} ${c.change.actions.join()}`)
        .sort();
      expect(created).toEqual([
        ...Array(3).fill("azuread_app_role_assignment create"),
        "azuread_application create",
        ...Array(3).fill("azuread_application_federated_identity_credential create"),
        "azuread_service_principal create",
      ]);
      await workspace.apply();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  // Reads the directory the apply above left behind.
  test(
    "leaves the CI service principal holding exactly the listed Graph permissions, and outputs what CI needs",
    async () => {
      const tenantId = workspace.readConfig().provider.azuread[0].tenant_id as string;
      const tenant = doubles.tenant(tenantId);
      const ci = Object.values(tenant.servicePrincipals).find((sp) => !sp.builtIn)!;
      const graph = Object.values(tenant.servicePrincipals).find((sp) => sp.builtIn)!;
      const granted = tenant.appRoleAssignments.filter((a) => a.principalId === ci.objectId);
      expect(granted.map((a) => a.appRoleId).sort()).toEqual(DEPLOYER_GRAPH_APP_ROLES.map((r) => r.id).sort());
      expect(granted.every((a) => a.resourceId === graph.objectId)).toBe(true);
      expect(tenant.appRoleAssignments).toHaveLength(granted.length);

      const app = Object.values(tenant.applications)[0]!;
      expect(app.passwordCredentials).toEqual([]);
      expect(app.federatedIdentityCredentials.map((c) => c.subject).sort()).toEqual([
        "repo:contoso/miradore-entra:environment:production",
        "repo:contoso/miradore-entra:pull_request",
        "repo:contoso/miradore-entra:ref:refs/heads/main",
      ]);

      const outputs = await workspace.outputs();
      expect(outputs.ARM_CLIENT_ID).toMatchObject({ value: app.appId, sensitive: false });
      expect(outputs.ARM_TENANT_ID).toMatchObject({ value: tenantId, sensitive: false });
      expect(outputs.ci_service_principal_object_id!.value).toBe(ci.objectId);
    },
    LIMIT_MS,
  );
});
