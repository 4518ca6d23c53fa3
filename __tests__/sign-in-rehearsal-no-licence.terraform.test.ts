// Sign-in logs rehearsal (test-support/sign-in-rehearsal/): a year of daily runs through Terraform and the doubles in
// a tenant without an Entra ID P1/P2 licence (Graph answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant)
// and an operator who pastes on day 3. The notice says once that the logs cannot be read and goes by the handoff
// dates, as without sign-in logs; nothing Miradore uses is deleted.
import { describeWithTerraform } from "../test-support/terraform-harness";
import { YEAR_LIMIT_MS, yearOfRuns } from "../test-support/sign-in-rehearsal/year-of-runs";

describeWithTerraform("sign-in logs: a tenant without the licence", () => {
  test(
    "the notice says so once and goes by the handoff dates every day",
    async () => {
      const year = await yearOfRuns(
        {
          name: "no licence",
          act: (view) =>
            view.currentAgeDays === 3 && view.miradoreKeyId !== view.currentKeyId ? "paste-current" : undefined,
        },
        false,
      );
      expect(year.problems).toEqual([]);
      expect(year.days[1]!.notice).toContain("no Microsoft Entra ID P1 or P2 licence");
      expect(year.days.filter((d) => d.result === "held")).toEqual([]);
      console.log(`sign-in rehearsal (no licence): ${year.days.length} daily runs in ${year.seconds.toFixed(1)} s`);
    },
    YEAR_LIMIT_MS,
  );
});
