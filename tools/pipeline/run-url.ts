// The link to the current workflow run, from the variables GitHub Actions sets; undefined outside Actions.
import type { CommandContext } from "./command-context";

export function runUrl(context: CommandContext): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = context.env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
}
