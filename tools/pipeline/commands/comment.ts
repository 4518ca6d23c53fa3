// ci:comment: posts a stack's plan review on the pull request, or updates the one posted before (same marker).
import { type CommandContext, PipelineError } from "../command-context";
import { oneOf, parseCommandArgs, readTextFile, required } from "../command-args";
import { gitHubApi } from "../github-api";
import { upsertPullRequestComment } from "../pr-comment";

export async function commentCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("comment", argv, {
    pr: { type: "string" },
    "body-file": { type: "string" },
    "has-changes": { type: "string" },
  });
  const prText = required("comment", "pr", values.pr);
  if (!/^[1-9]\d*$/.test(prText))
    throw new PipelineError(`comment: --pr is ${JSON.stringify(prText)}, but must be a pull request number`);
  const hasChanges = oneOf("comment", "has-changes", required("comment", "has-changes", values["has-changes"]), [
    "true",
    "false",
  ] as const);
  const body = readTextFile(context, required("comment", "body-file", values["body-file"]), "comment body");
  const outcome = await upsertPullRequestComment(gitHubApi(context), Number(prText), body, hasChanges === "true");
  context.stdout(
    `pull request #${prText}: plan review comment ${outcome}${outcome === "skipped" ? " (no changes and no earlier comment)" : ""}\n`,
  );
  return 0;
}
