// Sign-in logs rehearsal (test-support/sign-in-rehearsal/): a year of daily runs through Terraform and the doubles,
// an operator who sets Miradore up once and never pastes a new secret. After the handoff deadline the notice
// escalates, the rotation that would delete the secret Miradore still uses is held past its date (the guard sees
// the sign-ins), and only once that secret has expired (Miradore's sign-ins fail) does the rotation go ahead.
import { SIGNED_IN_WITH, STILL_USED } from "../tools/sign-in-logs/still-used";
import { describeWithTerraform } from "../test-support/terraform-harness";
import { YEAR_LIMIT_MS, yearOfRuns } from "../test-support/sign-in-rehearsal/year-of-runs";

describeWithTerraform("sign-in logs: an operator who never pastes", () => {
  test(
    "the secret Miradore uses is held until it expires, and the notice escalates every day",
    async () => {
      const year = await yearOfRuns({ name: "never", act: () => undefined }, true);
      expect(year.problems).toEqual([]);
      // Held because the logs show Miradore on the secret the rotation deletes, after its handoff deadline.
      const held = year.days.filter((d) => d.result === "held" && d.reasons.some((r) => r.includes(SIGNED_IN_WITH)));
      expect(held.length).toBeGreaterThan(30);
      for (const day of held) expect(day.notice).toContain(`### \`miradore-rehearsal\`: ${STILL_USED}`);
      // Held while Miradore signed in with it; the secret went only after it expired and Miradore's sign-ins failed.
      const first = year.days[0]!;
      const gone = year.days.find((d) => d.day > 0 && !d.miradore.existsAfter)!;
      expect(gone).toBeDefined();
      expect(gone.miradore.validBefore).toBe(false);
      expect(gone.visibleAttempt?.ok).toBe(false);
      expect(held[0]!.day).toBeLessThan(gone.day);
      expect(first.miradore.keyId).toBeUndefined(); // set up after the first run
      console.log(
        `sign-in rehearsal (never pastes): ${year.days.length} daily runs in ${year.seconds.toFixed(1)} s; held on ${held.length} days, from day ${held[0]!.day}; Miradore's secret deleted on day ${gone.day}, after it expired`,
      );
    },
    YEAR_LIMIT_MS,
  );
});
