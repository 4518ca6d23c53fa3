// ci:fork-notice: says on the run why a pull request from a fork gets no Terraform plan. GitHub gives such runs no
// OIDC token and a read-only GITHUB_TOKEN, by design: code from a fork must never reach the tenant or the state.
import { type CommandContext } from "../command-context";
import { parseCommandArgs } from "../command-args";
import { annotate, appendStepSummary } from "../github-output";

export const FORK_NOTICE =
  "Terraform plans are skipped for pull requests from forks: GitHub gives them no OIDC token, so they cannot (and must not) " +
  "read the Entra tenant or the Terraform state. Tests and synthesis ran. A maintainer can push the branch to this repository " +
  "to get a plan review.";

export async function forkNoticeCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  parseCommandArgs("fork-notice", argv, {});
  annotate(context, "notice", "Plan skipped (fork)", FORK_NOTICE);
  appendStepSummary(context, `### Terraform plan skipped\n\n${FORK_NOTICE}`);
  return 0;
}
