// The stacks `npm run synth` builds from the example configuration, judged by real Terraform against the provider
// doubles: every stack validates, plans and applies; a second plan is empty; objects deleted in the portal come back;
// rotation replaces the due secret; destroy empties the directory; the secret is sensitive wherever it appears; and
// Terraform itself rejects broken JSON (a misspelled argument, a reference to a missing attribute).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
  stateResources,
  synthesizedStacks,
  type PlanJson,
  type StateJson,
} from "../test-support/terraform-harness";
import { createdObjectCount } from "../test-support/provider-doubles/fake-entra/directory-store";
import { secretOccurrences } from "../test-support/terraform/sensitive-values";

const START = new Date("2026-03-01T09:00:00Z");
const LIMIT_MS = 60_000;

describeWithTerraform("the synthesized example under Terraform", () => {
  let outDir: string;
  let stacks: Record<string, string>;
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), "example-synth-"));
    execFileSync("npm", ["run", "--silent", "synth"], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outDir },
      stdio: "pipe",
    });
    stacks = synthesizedStacks(outDir);
  }, LIMIT_MS);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  beforeEach(async () => {
    doubles = await ProviderDoubles.start({ now: START });
  });
  afterEach(async () => {
    workspace?.remove();
    await doubles.stop();
  });

  const onlyStack = (): string => {
    const dirs = Object.values(stacks);
    expect(dirs).toHaveLength(1);
    return dirs[0]!;
  };

  /** The tenant the stack's azuread provider block points at. */
  const stackTenant = (): string => workspace.readConfig().provider.azuread[0].tenant_id as string;

  async function applied(stackDir: string = onlyStack()): Promise<void> {
    workspace = TerraformWorkspace.create(doubles, stackDir);
    await workspace.init();
    await workspace.plan();
    await workspace.apply();
  }

  test("synthesizes at least one stack", () => {
    expect(Object.keys(stacks).length).toBeGreaterThan(0);
  });

  test(
    "every stack validates, plans, applies, and then plans no changes",
    async () => {
      for (const [name, dir] of Object.entries(stacks)) {
        workspace = TerraformWorkspace.create(doubles, dir);
        await workspace.init();
        expect({ name, ...(await workspace.validate()) }).toMatchObject({ name, valid: true, error_count: 0 });
        const plan = await workspace.plan();
        expect(effectiveChanges(plan).every((c) => c.change.actions.join() === "create")).toBe(true);
        await workspace.apply();
        expect({ name, changes: effectiveChanges(await workspace.plan()) }).toEqual({ name, changes: [] });
        const outputs = await workspace.outputs();
        expect(outputs.client_secret!.sensitive).toBe(true);
        expect(outputs.tenant_id!.value).toBe(stackTenant());
        workspace.remove();
      }
    },
    LIMIT_MS,
  );

  test(
    "re-creates the service principal and its admin consent after they are deleted in the portal",
    async () => {
      await applied();
      doubles.changeTenant((doc) => {
        for (const sp of Object.values(doc.servicePrincipals).filter((s) => !s.builtIn)) {
          delete doc.servicePrincipals[sp.objectId];
          doc.appRoleAssignments = doc.appRoleAssignments.filter((a) => a.principalId !== sp.objectId);
        }
      }, stackTenant());
      const changes = effectiveChanges(await workspace.plan());
      expect(changes.map((c) => [c.type, c.change.actions.join()]).sort()).toEqual([
        ["azuread_app_role_assignment", "create"],
        ["azuread_app_role_assignment", "create"],
        ["azuread_service_principal", "create"],
      ]);
      await workspace.apply();
      expect(doubles.tenant(stackTenant()).appRoleAssignments).toHaveLength(2);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "replaces slot A's secret, and only it, once the clock passes its rotation date",
    async () => {
      await applied();
      const before = stateResources(await workspace.state());
      const rotationA = Object.values(before).find((r) => r.type === "time_rotating" && r.address.includes("slot-a"))!;
      doubles.setClock(new Date(new Date(rotationA.values.rotation_rfc3339 as string).getTime() + 60_000));
      const changes = effectiveChanges(await workspace.plan());
      const passwordChanges = changes.filter((c) => c.type === "azuread_application_password");
      expect(passwordChanges.map((c) => [c.address.includes("slot-a"), c.change.actions.join()])).toEqual([
        [true, "create,delete"],
      ]);
      await workspace.apply();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "marks the client secret sensitive wherever plan or state JSON carries it",
    async () => {
      await applied();
      const secretsIn = (state: StateJson) =>
        new Set(
          Object.values(stateResources(state))
            .filter((r) => r.type === "azuread_application_password")
            .map((r) => r.values.value as string),
        );
      const state = await workspace.state();
      const secrets = secretsIn(state);
      expect(secrets.size).toBe(2);

      const documents: Record<string, StateJson | PlanJson> = { state, "no-op plan": await workspace.plan() };
      const rotationA = Object.values(stateResources(state)).find(
        (r) => r.type === "time_rotating" && r.address.includes("slot-a"),
      )!;
      doubles.setClock(new Date(new Date(rotationA.values.rotation_rfc3339 as string).getTime() + 60_000));
      documents["rotation plan"] = await workspace.plan();
      documents["destroy plan"] = await workspace.plan(["-destroy"]);

      for (const [name, document] of Object.entries(documents)) {
        const occurrences = secretOccurrences(document, secrets);
        expect({ name, found: occurrences.length > 0 }).toEqual({ name, found: true });
        expect({ name, unmarked: occurrences.filter((o) => !o.sensitive).map((o) => o.path) }).toEqual({
          name,
          unmarked: [],
        });
      }
    },
    LIMIT_MS,
  );

  test(
    "destroy leaves the fake directory empty",
    async () => {
      await applied();
      expect(createdObjectCount(doubles.tenant(stackTenant()))).toBeGreaterThan(0);
      await workspace.destroy();
      expect(createdObjectCount(doubles.tenant(stackTenant()))).toBe(0);
    },
    LIMIT_MS,
  );

  test(
    "terraform validate rejects a misspelled argument",
    async () => {
      workspace = TerraformWorkspace.create(doubles, onlyStack());
      const config = workspace.readConfig();
      const app = Object.values(config.resource.azuread_application as Record<string, Record<string, unknown>>)[0]!;
      app.display_nam = app.display_name;
      delete app.display_name;
      workspace.writeConfig(config);
      await workspace.init();
      const result = await workspace.validate();
      expect(result.valid).toBe(false);
      expect(result.diagnostics.map((d) => d.summary)).toEqual(
        expect.arrayContaining(["Extraneous JSON object property", "Missing required argument"]),
      );
    },
    LIMIT_MS,
  );

  test(
    "terraform validate rejects a reference to an attribute the resource does not have",
    async () => {
      workspace = TerraformWorkspace.create(doubles, onlyStack());
      const config = workspace.readConfig();
      config.output.client_id.value = (config.output.client_id.value as string).replace(".client_id}", ".client_idd}");
      workspace.writeConfig(config);
      await workspace.init();
      const result = await workspace.validate();
      expect(result.valid).toBe(false);
      expect(result.diagnostics.map((d) => d.summary)).toContain("Unsupported attribute");
    },
    LIMIT_MS,
  );
});
