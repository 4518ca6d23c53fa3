// Sign-in logs rehearsal (test-support/sign-in-rehearsal/): a year of daily runs through Terraform and the doubles,
// an operator who pastes each new secret three days after it appears. The handoff closes itself as soon as the logs
// show Miradore on the new secret, days before its deadline, and no rotation is ever held.
import { describeWithTerraform } from "../test-support/terraform-harness";
import { newSecretDays, YEAR_LIMIT_MS, yearOfRuns } from "../test-support/sign-in-rehearsal/year-of-runs";

describeWithTerraform("sign-in logs: an operator who pastes on day 3", () => {
  test(
    "the notice is right every day, and each handoff closes itself when the switch shows in the logs",
    async () => {
      const year = await yearOfRuns(
        {
          name: "day 3",
          act: (view) =>
            view.currentAgeDays === 3 && view.miradoreKeyId !== view.currentKeyId ? "paste-current" : undefined,
        },
        true,
      );
      expect(year.problems).toEqual([]);
      const rotations = newSecretDays(year.days);
      expect(rotations.length).toBeGreaterThanOrEqual(5);
      // Closed before the deadline: by the observed switch (pasted after day 3's run, signed in on day 4, logged
      // after the day 4 run), on day 5 of every handoff whose day 5 falls in the year.
      for (const rotation of rotations.filter((r) => r.day + 5 < year.days.length)) {
        const day5 = year.days[rotation.day + 5]!;
        expect({ day: day5.day, state: day5.noticeState }).toEqual({ day: day5.day, state: "closed" });
        expect(day5.at.getTime()).toBeLessThan(Date.parse(day5.outputs.handoffDeadline));
        const day4 = year.days[rotation.day + 4]!;
        expect({ day: day4.day, state: day4.noticeState }).toEqual({ day: day4.day, state: "open" });
      }
      expect(year.days.filter((d) => d.result === "held")).toEqual([]);
      console.log(`sign-in rehearsal (day 3): ${year.days.length} daily runs in ${year.seconds.toFixed(1)} s`);
    },
    YEAR_LIMIT_MS,
  );
});
