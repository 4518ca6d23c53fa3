// Sign-in logs rehearsal (test-support/sign-in-rehearsal/): a year of daily runs through Terraform and the doubles,
// an operator who pastes a wrong value three days after each new secret appears (one character off), and pastes the
// right one the day after the notice says Miradore's sign-ins fail. The notice says so every day it is true, the
// handoff stays open until the right secret shows in the logs, and nothing Miradore uses is deleted.
import { describeWithTerraform } from "../test-support/terraform-harness";
import { newSecretDays, YEAR_LIMIT_MS, yearOfRuns } from "../test-support/sign-in-rehearsal/year-of-runs";

describeWithTerraform("sign-in logs: an operator who pastes the wrong secret", () => {
  test(
    "the notice reports the failing sign-ins until the right secret is pasted, then closes itself",
    async () => {
      const year = await yearOfRuns(
        {
          name: "wrong secret",
          act: (view) => {
            if (view.notice.includes("Miradore's sign-ins fail")) return "paste-current";
            if (view.currentAgeDays === 3 && view.miradoreKeyId !== view.currentKeyId) return "paste-wrong";
            return undefined;
          },
        },
        true,
      );
      expect(year.problems).toEqual([]);
      const failing = year.days.filter((d) => d.notice.includes("Miradore's sign-ins fail"));
      const rotations = newSecretDays(year.days);
      expect(rotations.length).toBeGreaterThanOrEqual(5);
      // Every handoff in the year went wrong once, was seen failing in the logs, and ended with the right secret.
      for (const rotation of rotations.filter((r) => r.day + 8 < year.days.length)) {
        expect(failing.some((d) => d.day > rotation.day && d.day <= rotation.day + 6)).toBe(true);
        expect(year.days[rotation.day + 8]!.noticeState).toBe("closed");
      }
      expect(failing[0]!.notice).toContain("AADSTS7000215, an invalid client secret");
      console.log(`sign-in rehearsal (wrong secret): ${year.days.length} daily runs in ${year.seconds.toFixed(1)} s`);
    },
    YEAR_LIMIT_MS,
  );
});
