// Configuration is data, proven through Terraform: stacks whose every free-text setting is full of Terraform template
// syntax are planned and applied against the provider doubles, and the planned values and the fake directory hold
// the text exactly as written. Before constructs/terraform-literal.ts, Terraform evaluated it: the planned display
// name was "Miradore X <this machine's host name> y".
import { readdirSync } from "node:fs";
import { TerraformStack, Testing } from "cdktf";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { bootstrapConfigSchema } from "../config/bootstrap-config-schema";
import { BootstrapStack } from "../app/bootstrap/bootstrap-stack";
import { MiradoreApplication, RotatingClientSecret, USER_READ_ALL } from "../constructs";
import {
  describeWithTerraform,
  ProviderDoubles,
  TerraformWorkspace,
  type PlanJson,
} from "../test-support/terraform-harness";
import { site, synthSite } from "../test-support/synth-site";

/** Every kind of template sequence, escapes already in the text, and a `$` and `%` at the end. */
const TEXT = 'Miradore ${upper("x")} ${file("/etc/hostname")} %{ if true }y%{ endif } $${z} %%{w} $';
const LIMIT_MS = 120_000;

const MIRADORE_TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const CONSTRUCTS_TENANT = "5e3a2d6f-9b4c-4d7e-8f0a-2b3c4d5e6f70";
const BOOTSTRAP_TENANT = "6f4b3e7a-0c5d-4e8f-9a1b-3c4d5e6f7a81";

/** `after` values of the planned creates of `type`. */
function planned(plan: PlanJson, type: string): Record<string, unknown>[] {
  return (plan.resource_changes ?? []).filter((c) => c.type === type).map((c) => c.change.after ?? {});
}

describeWithTerraform("free text reaches Entra exactly as written (Terraform, provider doubles)", () => {
  let doubles: ProviderDoubles;
  const workspaces: TerraformWorkspace[] = [];

  beforeAll(async () => {
    doubles = await ProviderDoubles.start();
  }, LIMIT_MS);
  afterAll(async () => {
    for (const w of workspaces) w.remove();
    await doubles?.stop();
  });

  async function planAndApply(json: Record<string, unknown>): Promise<PlanJson> {
    const workspace = TerraformWorkspace.create(doubles, json);
    workspaces.push(workspace);
    await workspace.init();
    const plan = await workspace.plan();
    await workspace.apply();
    return plan;
  }

  test(
    "the Miradore stack: the configured display name",
    async () => {
      const { json } = synthSite(site({ tenantId: MIRADORE_TENANT, displayName: TEXT }));
      const plan = await planAndApply(json as unknown as Record<string, unknown>);
      expect(planned(plan, "azuread_application").map((a) => a.display_name)).toEqual([TEXT]);
      const apps = Object.values(doubles.tenant(MIRADORE_TENANT).applications);
      expect(apps.map((a) => a.displayName)).toEqual([TEXT]);
    },
    LIMIT_MS,
  );

  test(
    "the constructs' own free-text props: the app's notes and the secrets' display name prefix",
    async () => {
      const app = Testing.app({ stackTraces: false });
      const stack = new TerraformStack(app, "constructs");
      new AzureadProvider(stack, "azuread", { tenantId: CONSTRUCTS_TENANT });
      new TimeProvider(stack, "time", {});
      const miradore = new MiradoreApplication(stack, "app", {
        displayName: TEXT,
        notes: TEXT,
        ownerObjectIds: [],
        graphAppRoles: [USER_READ_ALL],
      });
      new RotatingClientSecret(stack, "client-secret", {
        applicationId: miradore.application.id,
        lifetimeDays: 180,
        rotationIntervalDays: 60,
        displayNamePrefix: TEXT,
      });
      const plan = await planAndApply(JSON.parse(Testing.synth(stack)) as Record<string, unknown>);

      expect(planned(plan, "azuread_application").map((a) => a.notes)).toEqual([TEXT]);
      const slotNames = [`${TEXT} (slot A, managed by Terraform)`, `${TEXT} (slot B, managed by Terraform)`];
      expect(
        planned(plan, "azuread_application_password")
          .map((p) => p.display_name)
          .sort(),
      ).toEqual(slotNames);
      const [directoryApp] = Object.values(doubles.tenant(CONSTRUCTS_TENANT).applications);
      expect(directoryApp!.settings.notes).toBe(TEXT);
      expect(directoryApp!.passwordCredentials.map((c) => c.displayName).sort()).toEqual(slotNames);
    },
    LIMIT_MS,
  );

  test(
    "the bootstrap stack: display name, and the branch and environment in the federated credentials",
    async () => {
      const branch = 'main-${upper("x")}-%{ if true }y%{ endif }';
      const environment = 'production ${file("/etc/hostname")}';
      const config = bootstrapConfigSchema.parse({
        name: "contoso",
        tenantId: BOOTSTRAP_TENANT,
        displayName: TEXT,
        ownerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
        github: { repository: "contoso/miradore", mainBranch: branch, deployEnvironment: environment },
      });
      const json = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { config }))) as Record<
        string,
        any
      >;
      delete json.terraform.backend;
      const plan = await planAndApply(json);

      const subjects = [
        "repo:contoso/miradore:pull_request",
        `repo:contoso/miradore:environment:${environment}`,
        `repo:contoso/miradore:ref:refs/heads/${branch}`,
      ].sort();
      expect(planned(plan, "azuread_application").map((a) => a.display_name)).toEqual([
        TEXT,
        "Miradore plan (GitHub Actions)",
      ]);
      const credentials = planned(plan, "azuread_application_federated_identity_credential");
      expect(credentials.map((c) => c.subject).sort()).toEqual(subjects);
      expect(credentials.map((c) => c.description)).toContain(
        `GitHub Actions: jobs in the "${environment}" environment of contoso/miradore.`,
      );

      // The deploy identity trusts the environment only; the plan identity the pull requests and the main branch.
      const apps = Object.values(doubles.tenant(BOOTSTRAP_TENANT).applications);
      expect(apps.map((app) => app.displayName).sort()).toEqual([TEXT, "Miradore plan (GitHub Actions)"].sort());
      expect(apps.flatMap((app) => app.federatedIdentityCredentials.map((c) => c.subject)).sort()).toEqual(subjects);
    },
    LIMIT_MS,
  );

  test(
    "state backend settings are literal to Terraform, so the backend is written without escapes",
    async () => {
      // Backend blocks take no expressions: a `${` there names a file, it is not evaluated (why state-backend.ts
      // writes configuration text as it is, and escaping it would change the path).
      const workspace = TerraformWorkspace.create(doubles, {});
      workspaces.push(workspace);
      // TerraformWorkspace.create drops a backend; this one is written afterwards.
      workspace.writeConfig({
        terraform: { backend: { local: { path: 'state-${upper("a")}.tfstate' } } },
        output: { ok: { value: "1" } },
      });
      await workspace.init();
      await workspace.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
      expect(readdirSync(workspace.dir)).toContain('state-${upper("a")}.tfstate');
    },
    LIMIT_MS,
  );
});
