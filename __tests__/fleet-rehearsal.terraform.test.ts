// A service provider's fleet through Terraform and the provider doubles (test-support/fleet-rehearsal/): ten sites in
// ten customer tenants, one CI identity, a simulated quarter of daily runs as rotation.yml runs them (ci:stacks picks
// the due stacks from the fleet record, ci:shard applies them 4 at a time in shards of 4, ci:fleet-record, the
// notice). One customer removes the CI app from its tenant on day 30 and consents again on day 44. The same
// rehearsal over 1000 sites and tenants is `npm run rehearse:fleet` (about an hour; README, "Many sites"); the same
// due selection over 1000 sites, without Terraform, is fleet-rehearsal.test.ts.
import { failedOn, noticeBlock } from "../test-support/fleet-rehearsal/quarter-checks";
import { rehearseFleetQuarter, type FleetQuarter } from "../test-support/fleet-rehearsal/fleet-quarter";
import { describeWithTerraform } from "../test-support/terraform-harness";

const SITES = 10;
const DAYS = 91;
const LIMIT_MS = 600_000;

describeWithTerraform(
  "a fleet of customer tenants with one CI identity, a quarter of sharded runs through Terraform",
  () => {
    let quarter: FleetQuarter;

    beforeAll(async () => {
      quarter = await rehearseFleetQuarter({ sites: SITES, days: DAYS, shardSize: 4, parallel: 4 });
    }, LIMIT_MS);

    test.each([
      ["every rotation at the first run after it falls due", 20],
      ["every new secret in that day's notice", 20],
      ["the revoking tenant and its consent link named on each day its stack failed", 7],
      ["every stack run at least every 7 days", SITES],
    ])("%s (at least %d seen), and no problem", (name, least) => {
      const result = quarter.checks[name]!;
      expect(result.problems).toEqual([]);
      expect(result.count).toBeGreaterThanOrEqual(least);
    });

    test("the revoked stack fails from its first run after the revocation until the consent is back, and only it", () => {
      const { stack, tenantId, fromDay, toDay } = quarter.revoking;
      const failing = quarter.days.filter((d) => failedOn(d, stack)).map((d) => d.day);
      // Not due every day: the revocation is found at the stack's next run (its sweep, at most 7 days later); from
      // then on a failed stack is due every day.
      expect(failing[0]).toBeGreaterThanOrEqual(fromDay);
      expect(failing[0]).toBeLessThanOrEqual(fromDay + 7);
      expect(failing).toEqual(Array.from({ length: toDay - failing[0]! }, (_, i) => failing[0]! + i));
      for (const d of quarter.days.filter((day) => failing.includes(day.day))) {
        expect(d.shardCodes.filter((code) => code !== 0)).toEqual([1]);
        expect(d.summary).toMatch(new RegExp(`\\| \`${stack}\` \\| failed \\| .*tenant ${tenantId}`));
        expect(noticeBlock(d.notice, stack)).toMatch(
          /From its last state: the current secret `[0-9a-f-]{36}` was made/,
        );
        // The other stacks of its shard ran.
        for (const other of d.due.filter((s) => s !== stack))
          expect(d.summary).toMatch(new RegExp(`\\| \`${other}\` \\| (applied|unchanged) \\|`));
      }
      const back = quarter.days[toDay]!;
      expect(back.due).toContain(stack);
      expect(back.record.stacks[stack]?.lastResult).not.toBe("failed");
    });

    test("stacks with nothing due are left alone: most stacks on most days", () => {
      expect(quarter.days[0]!.due).toHaveLength(SITES);
      const run = quarter.days.slice(1).reduce((sum, d) => sum + d.due.length, 0);
      expect(run).toBeLessThan(SITES * (DAYS - 1) * 0.5);
    });
  },
);
