// The apply guard with Entra's sign-in logs, on plans Terraform writes through the provider doubles: a previous secret
// that Miradore still signs in with is protected after its handoff deadline like one whose handoff is pending: its
// slot's scheduled rotation is held, and a `keep` rotation that would delete it is refused, until the logs show
// Miradore on the newest secret. Without the logs (or once Miradore switched), the dates decide as before.
import { daysToMinutes, minuteOf } from "../rotation/minutes";
import { parsePlan } from "../tools/plan-review/parse-plan";
import { guardPlan, type GuardMode, type GuardOptions } from "../tools/secret-guard/secret-guard";
import { SIGNED_IN_WITH, STILL_USED } from "../tools/sign-in-logs/still-used";
import { site, synthSite } from "../test-support/synth-site";
import {
  describeWithTerraform,
  ProviderDoubles,
  TerraformWorkspace,
  type PlanJson,
} from "../test-support/terraform-harness";

const T0 = new Date("2026-03-02T08:00:00Z");
const at = (days: number) => new Date(T0.getTime() + daysToMinutes(days) * 60_000);
const LIMIT_MS = 180_000;

describeWithTerraform("the apply guard with sign-in logs", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;
  const json = synthSite(site()).json;
  const slotA = Object.keys(json.resource.time_rotating!).find((name) => name.includes("slot-a"))!;
  let previousKeyId: string;

  const judge = (plan: PlanJson, now: Date, mode: GuardMode, inUse?: GuardOptions["inUse"]) =>
    guardPlan(parsePlan(plan), { now: minuteOf(now.toISOString()), mode, stack: "miradore-test", inUse });
  /** Miradore signed in with the previous secret yesterday, by the logs. */
  const onPrevious: GuardOptions["inUse"] = (keyId) => (keyId === previousKeyId ? "2026-03-31T05:00:00Z" : undefined);

  beforeAll(async () => {
    doubles = await ProviderDoubles.start({ now: T0 });
    const config = structuredClone(json) as unknown as { terraform: { backend?: unknown } };
    delete config.terraform.backend;
    workspace = TerraformWorkspace.create(doubles, config as unknown as Record<string, unknown>);
    await workspace.init();
    await workspace.plan();
    await workspace.apply();
    previousKeyId = String((await workspace.outputs()).previous_client_secret_key_id!.value);
  }, LIMIT_MS);

  afterAll(async () => {
    workspace?.remove();
    await doubles?.stop();
  });

  test(
    "refuses a keep rotation that deletes the previous secret while Miradore signs in with it, after its deadline",
    async () => {
      doubles.setClock(at(30));
      const plan = await workspace.plan([`-replace=time_rotating.${slotA}`]);
      expect(judge(plan, at(30), "keep").refused).toBe(false);
      const refused = judge(plan, at(30), "keep", onPrevious);
      expect(refused.refused).toBe(true);
      expect(refused.findings[0]!.headline).toContain(`the previous client secret (key id ${previousKeyId}, slot A)`);
      expect(refused.findings[0]!.detail).toContain(
        `${STILL_USED}: Entra's sign-in logs show Miradore signing in with it on 2026-03-31 05:00 UTC`,
      );
      expect(refused.findings[0]!.detail).toContain(
        "Either wait: paste the newest secret into Miradore and run it again once the sign-in logs show Miradore using it",
      );
    },
    LIMIT_MS,
  );

  test(
    "holds the scheduled rotation of the previous secret while Miradore signs in with it, and lets it go once it switched",
    async () => {
      doubles.setClock(at(121));
      const plan = await workspace.plan();
      const held = judge(plan, at(121), "scheduled", onPrevious);
      expect(held.refused).toBe(false);
      expect(held.hold?.held).toEqual([`time_rotating.${slotA}`]);
      expect(held.findings.map((f) => [f.severity, f.headline])).toEqual([
        [
          "hold",
          `Slot A's scheduled rotation is held: it would delete the previous client secret (key id ${previousKeyId}, slot A), ${SIGNED_IN_WITH}.`,
        ],
      ]);
      // Miradore switched (the logs show the newest secret since): the dates decide, and the handoff is long over.
      expect(judge(plan, at(121), "scheduled", () => undefined)).toEqual({
        findings: [],
        refused: false,
        hold: undefined,
      });
    },
    LIMIT_MS,
  );
});
