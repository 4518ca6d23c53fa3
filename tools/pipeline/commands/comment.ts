// ci:comment: posts a stack's plan review on the pull request, or updates the one posted before (same marker). With
// --reviews-dir (a shard's plans, from ci:shard-plan): every stack planned there, each its own comment.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { oneOf, parseCommandArgs, readTextFile, required } from "../command-args";
import { gitHubApi } from "../github-api";
import { listPullRequestComments, upsertPullRequestComment } from "../pr-comment";
import { CHECKED_SUFFIX, type CheckedStack } from "../checked-stacks";

export async function commentCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("comment", argv, {
    pr: { type: "string" },
    "body-file": { type: "string" },
    "has-changes": { type: "string" },
    "reviews-dir": { type: "string" },
  });
  const prText = required("comment", "pr", values.pr);
  if (!/^[1-9]\d*$/.test(prText))
    throw new PipelineError(`comment: --pr is ${JSON.stringify(prText)}, but must be a pull request number`);
  const reviews =
    values["reviews-dir"] === undefined
      ? [
          {
            stack: undefined,
            bodyFile: required("comment", "body-file", values["body-file"]),
            changes:
              oneOf("comment", "has-changes", required("comment", "has-changes", values["has-changes"]), [
                "true",
                "false",
              ] as const) === "true",
          },
        ]
      : shardReviews(context, resolve(context.cwd, values["reviews-dir"]));
  const api = gitHubApi(context);
  // A shard's stacks: the comments are listed once, not once per stack (each stack's marker is its own).
  const listed =
    values["reviews-dir"] === undefined || reviews.length === 0
      ? undefined
      : await listPullRequestComments(api, Number(prText));
  for (const review of reviews) {
    const body = readTextFile(context, review.bodyFile, "comment body");
    const outcome = await upsertPullRequestComment(api, Number(prText), body, review.changes, listed);
    context.stdout(
      `pull request #${prText}: ${review.stack === undefined ? "" : `${review.stack}: `}plan review comment ${outcome}${outcome === "skipped" ? " (no changes and no earlier comment)" : ""}\n`,
    );
  }
  return 0;
}

/** The reviews of the stacks ci:shard-plan planned to the end (`<stack>.checked.json` beside `<stack>.md`). */
function shardReviews(context: CommandContext, dir: string) {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(CHECKED_SUFFIX));
  } catch (error) {
    // No folder: no stack of the shard was planned (each failure is in the plan step's log).
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new PipelineError(`comment: cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  return files.sort().map((file) => {
    let checked: CheckedStack;
    try {
      checked = JSON.parse(readTextFile(context, join(dir, file), "plan note")) as CheckedStack;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new PipelineError(`comment: ${join(dir, file)} is not JSON: ${error.message}`);
    }
    const stack = file.slice(0, -CHECKED_SUFFIX.length);
    return { stack, bodyFile: join(dir, `${stack}.md`), changes: checked.changes === true };
  });
}
