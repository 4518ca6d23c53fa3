// The apply guard on plans Terraform writes through the provider doubles: it refuses every plan that would take away
// the secret Miradore uses (an edit that replaces it, a `-replace`, a move to another tenant, a destroy) unless the run
// is a forced revoke, holds a scheduled rotation that would, and lets the scheduled rotation's own plans through. The
// plan review leads with the same finding, in words an operator cannot misread.
import { daysToMinutes, minuteOf } from "../rotation/minutes";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { parsePlan } from "../tools/plan-review/parse-plan";
import { renderPlanReview } from "../tools/plan-review/render-plan-review";
import { guardPlan, type GuardMode, type GuardVerdict } from "../tools/secret-guard/secret-guard";
import { EXAMPLE_TENANT_ID, site, synthSite, type StackJson } from "../test-support/synth-site";
import {
  describeWithTerraform,
  ProviderDoubles,
  TerraformWorkspace,
  type PlanJson,
} from "../test-support/terraform-harness";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const T0 = new Date("2026-03-02T08:00:00Z");
const at = (days: number) => new Date(T0.getTime() + daysToMinutes(days) * 60_000);
const LIMIT_MS = 180_000;
const STACK = "miradore-test";

const stackJson = (settings: Record<string, unknown> = {}) => synthSite(site(settings)).json as unknown as StackJson;
const withoutBackend = (json: StackJson) => {
  const copy = structuredClone(json) as unknown as { terraform: { backend?: unknown } };
  delete copy.terraform.backend;
  return copy as unknown as Record<string, unknown>;
};
/** The construct as it was before settings were ignored: a changed lifetime replaces both passwords. */
const withoutIgnoreChanges = (json: StackJson) => {
  const copy = structuredClone(json);
  for (const password of Object.values(copy.resource.azuread_application_password!))
    delete password.lifecycle.ignore_changes;
  return copy;
};

describeWithTerraform("the apply guard on plans Terraform writes", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;
  const deployed = stackJson();

  const judge = (plan: PlanJson, now: Date, mode: GuardMode = "scheduled"): GuardVerdict =>
    guardPlan(parsePlan(plan), { now: minuteOf(now.toISOString()), mode, stack: STACK });
  beforeAll(async () => {
    doubles = await ProviderDoubles.start({ now: T0 });
    workspace = TerraformWorkspace.create(doubles, deployed as unknown as Record<string, unknown>);
    await workspace.init();
    await workspace.plan();
    await workspace.apply();
  }, LIMIT_MS);

  afterAll(async () => {
    workspace?.remove();
    await doubles?.stop();
  });

  test(
    "refuses an edit that replaces the secrets (the construct before settings were ignored, lifetime 180 → 200)",
    async () => {
      doubles.setClock(at(30));
      workspace.writeConfig(withoutBackend(withoutIgnoreChanges(stackJson({ secret: { lifetimeDays: 200 } }))));
      const verdict = judge(await workspace.plan(), at(30));
      expect(verdict.refused).toBe(true);
      expect(verdict.findings.map((f) => [f.severity, f.headline])).toEqual([
        [
          "refuse",
          expect.stringMatching(
            /^Miradore will be disconnected until the new secret is pasted: this plan replaces the current client secret \(key id [0-9a-f-]{36}, slot B\), because a changed argument cannot be updated in place/,
          ),
        ],
      ]);
      expect(verdict.findings[0]!.detail).toMatch(/Either wait: .*; or revoke on purpose \(Actions → rotation/);
      workspace.writeConfig(withoutBackend(deployed));
    },
    LIMIT_MS,
  );

  test(
    "the same edit with the shipped construct replaces nothing",
    async () => {
      workspace.writeConfig(withoutBackend(stackJson({ secret: { lifetimeDays: 200 } })));
      const plan = await workspace.plan();
      expect(judge(plan, at(30))).toEqual({ findings: [], refused: false, hold: undefined });
      expect(
        (plan.resource_changes ?? [])
          .filter((c) => c.type === "azuread_application_password")
          .map((c) => c.change.actions),
      ).toEqual([["no-op"], ["no-op"]]);
      workspace.writeConfig(withoutBackend(deployed));
    },
    LIMIT_MS,
  );

  test(
    "refuses a `-replace` of the current secret, and lets a forced revoke through on purpose",
    async () => {
      const current = Object.keys(deployed.resource.azuread_application_password!).find((name) =>
        name.includes("slot-b"),
      )!;
      const plan = await workspace.plan([`-replace=azuread_application_password.${current}`]);
      const refused = judge(plan, at(30));
      expect(refused.refused).toBe(true);
      expect(refused.findings[0]!.headline).toMatch(
        /replaces the current client secret .* because the plan was made with -replace for it\.$/,
      );
      const revoke = judge(plan, at(30), "revoke");
      expect(revoke.refused).toBe(false);
      expect(revoke.findings[0]!.headline).toMatch(
        /^Miradore will be disconnected until the new secret is pasted: this forced revoke deletes the current client secret/,
      );
    },
    LIMIT_MS,
  );

  test(
    "refuses a move to another tenant, naming both",
    async () => {
      const moved = withoutBackend(deployed) as { provider: { azuread: { tenant_id: string }[] } };
      moved.provider.azuread[0]!.tenant_id = "99999999-9999-4999-8999-999999999999";
      workspace.writeConfig(moved as unknown as Record<string, unknown>);
      const verdict = judge(await workspace.plan(), at(30));
      expect(verdict.refused).toBe(true);
      expect(verdict.findings.map((f) => f.headline)).toContainEqual(
        expect.stringMatching(
          /the stack moves from tenant [0-9a-f-]{36} to tenant 99999999-9999-4999-8999-999999999999/,
        ),
      );
      workspace.writeConfig(withoutBackend(deployed));
    },
    LIMIT_MS,
  );

  test(
    "refuses a destroy: Miradore would be disconnected",
    async () => {
      const verdict = judge(await workspace.plan(["-destroy"]), at(30));
      expect(verdict.refused).toBe(true);
      expect(verdict.findings[0]!.headline).toMatch(
        /^Miradore will be disconnected: this plan deletes the current client secret/,
      );
    },
    LIMIT_MS,
  );

  test(
    "lets the scheduled rotation's own plan through once the handoff is over",
    async () => {
      doubles.setClock(at(121));
      const verdict = judge(await workspace.plan(), at(121));
      expect(verdict).toEqual({ findings: [], refused: false, hold: undefined });
    },
    LIMIT_MS,
  );

  test(
    "the plan review of a refused plan says so first and never calls it created before deleted",
    async () => {
      doubles.setClock(at(30));
      workspace.writeConfig(withoutBackend(withoutIgnoreChanges(stackJson({ secret: { lifetimeDays: 200 } }))));
      const review = renderPlanReview(await workspace.plan(), { stack: STACK, now: at(30) });
      const lines = review.split("\n");
      expect(lines[0]).toBe(`<!-- miradore-plan-review:${STACK} -->`);
      expect(lines[2]).toMatch(
        /^> ⛔ \*\*Refused on apply\.\*\* \*\*Miradore will be disconnected until the new secret is pasted: this plan replaces the current client secret/,
      );
      // The previous secret (its handoff long over) is an ordinary replacement; the current one is the guard's finding.
      const bullets = review.split("\n- `").filter((b) => b.startsWith("azuread_application_password."));
      const current = bullets.find((b) => b.includes("slot-b"))!;
      expect(current).toContain("**Miradore will be disconnected until the new secret is pasted");
      expect(current).not.toMatch(/created before the old one is deleted/);
      expect(bullets.find((b) => b.includes("slot-a"))).toMatch(/the new one is created before the old one is deleted/);
      workspace.writeConfig(withoutBackend(deployed));
    },
    LIMIT_MS,
  );
});

describeWithTerraform("ci:apply with the guard, end to end", () => {
  let doubles: ProviderDoubles;
  let work: string;
  const out: string[] = [];
  const err: string[] = [];

  const context = (): CommandContext => ({
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MIRADORE_"))),
      ...doubles.env(),
      MIRADORE_RETRY_BASE_MS: "0",
    },
    cwd: work,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    fetch: () => Promise.reject(new Error("no network")),
  });
  const outDir = () => join(work, "cdktf.out");
  const writeStack = (json: StackJson) => {
    const dir = join(outDir(), "stacks", STACK);
    mkdirSync(dir, { recursive: true });
    const copy = structuredClone(json) as unknown as { terraform: { backend?: unknown } };
    copy.terraform.backend = { local: { path: join(work, "terraform.tfstate") } };
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(copy));
    writeFileSync(
      join(outDir(), "manifest.json"),
      JSON.stringify({ stacks: { [STACK]: { workingDirectory: `stacks/${STACK}` } } }),
    );
  };
  const apply = (now: Date, extra: string[] = []) =>
    runPipeline(["apply", "--stack", STACK, "--out-dir", outDir(), "--now", now.toISOString(), ...extra], context());
  const keyIds = () =>
    Object.values(doubles.tenant(EXAMPLE_TENANT_ID).applications)
      .flatMap((app) => app.passwordCredentials.map((p) => p.keyId))
      .sort();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "apply-guard-"));
    doubles = await ProviderDoubles.start({ now: T0 });
    writeStack(stackJson());
    expect(await apply(T0)).toBe(0);
  }, LIMIT_MS);

  afterAll(async () => {
    await doubles?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test(
    "refuses an edit that would replace the secrets: exit 1, one message, the directory untouched",
    async () => {
      const before = keyIds();
      writeStack(withoutIgnoreChanges(stackJson({ secret: { lifetimeDays: 200 } })));
      err.length = 0;
      doubles.setClock(at(30));
      expect(await apply(at(30))).toBe(1);
      expect(err.join("")).toMatch(
        /^pipeline apply: stack miradore-test: the plan was not applied: Miradore will be disconnected until the new secret is pasted: this plan replaces the current client secret/m,
      );
      expect(keyIds()).toEqual(before);
      writeStack(stackJson());
    },
    LIMIT_MS,
  );

  test(
    "holds the current slot's rotation when both slots fall due in one run, and rotates it after the handoff",
    async () => {
      const before = keyIds();
      doubles.setClock(at(200));
      out.length = 0;
      const resultFile = join(work, "result.json");
      expect(await apply(at(200), ["--result-file", resultFile])).toBe(0);
      expect(out.join("")).toMatch(
        /miradore-test: held: Slot B's scheduled rotation is held: it would delete the current client secret/,
      );
      const after = keyIds();
      // Slot A's secret was replaced; slot B's (the one Miradore uses) is still there.
      expect(after.filter((k) => before.includes(k))).toHaveLength(1);
      expect(after).toHaveLength(2);
      expect(JSON.parse(readFileSync(resultFile, "utf8"))).toMatchObject({ stack: STACK, result: "held" });
      // After the new secret's handoff, the held rotation goes ahead.
      doubles.setClock(at(222));
      expect(await apply(at(222))).toBe(0);
      expect(keyIds().filter((k) => after.includes(k))).toHaveLength(1);
    },
    LIMIT_MS,
  );
});
