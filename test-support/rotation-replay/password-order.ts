import { formatMinute } from "../../rotation/minutes";
import type { ObservedRun } from "./pipeline-replay";

/**
 * Why a run could remove a password before its replacement exists; empty when it cannot:
 * - the plan replaces a password delete-first (`["delete","create"]`: no `create_before_destroy`);
 * - the plan deletes a password outright (a scheduled run never should);
 * - the apply log shows a password's old object being destroyed before its own new object was created.
 */
export function passwordOrderProblems(run: ObservedRun): string[] {
  const when = `run at ${formatMinute(run.at)}`;
  const problems: string[] = [];
  for (const { address, actions } of run.planned) {
    const plan = actions.join(",");
    if (plan === "delete,create") problems.push(`${when}: the plan replaces ${address} delete-first (${plan})`);
    if (plan === "delete") problems.push(`${when}: the plan deletes ${address} without replacing it`);
  }
  run.applied.forEach(({ step, address }, index) => {
    if (step !== "destroying") return;
    const ownCreation = run.applied.findIndex((s) => s.step === "created" && s.address === address);
    if (ownCreation > index)
      problems.push(`${when}: the apply destroyed the old ${address} before creating its new one`);
  });
  return problems;
}

/**
 * Passwords the apply log shows being destroyed before another password's creation completed. Stricter than
 * {@link passwordOrderProblems}: `create_before_destroy` only orders a resource's own create and destroy, so when
 * two passwords are replaced in one apply, Terraform may destroy one's old object while the other's new one is made.
 */
export function destroyedBeforeOtherCreations(run: ObservedRun): string[] {
  const problems: string[] = [];
  run.applied.forEach(({ step, address }, index) => {
    if (step !== "destroying") return;
    const later = run.applied
      .slice(index + 1)
      .filter((s) => s.step === "created" && s.address !== address)
      .at(-1);
    if (later !== undefined) {
      problems.push(
        `run at ${formatMinute(run.at)}: the apply destroyed the old ${address} before it finished creating ${
          later.address
        }`,
      );
    }
  });
  return problems;
}
