// ci:comment: posts a stack's plan review on the pull request, or updates the one posted before (same marker). With
// --reviews-dir (a shard's plans, from ci:shard-plan): every stack planned there, each its own comment. With --shard
// as well: when more than --combine-above stacks of the shard change, one comment for the shard instead
// (shard-review-comment.ts); comments posted before in either form are updated, so none is left showing an old plan.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { oneOf, parseCommandArgs, readTextFile, required, wholeNumber } from "../command-args";
import { gitHubApi, type GitHubApi } from "../github-api";
import { appendStepSummary } from "../github-output";
import { type IssueComment, listPullRequestComments, upsertPullRequestComment } from "../pr-comment";
import { runUrl } from "../run-url";
import {
  COMBINE_ABOVE_DEFAULT,
  isShardReview,
  outdatedShardReview,
  renderShardReview,
  shardReviewMarker,
  stacksOfShardReview,
  type StackReview,
} from "../shard-review-comment";
import { CHECKED_SUFFIX, type CheckedStack } from "../checked-stacks";

export async function commentCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("comment", argv, {
    pr: { type: "string" },
    "body-file": { type: "string" },
    "has-changes": { type: "string" },
    "reviews-dir": { type: "string" },
    shard: { type: "string" },
    "combine-above": { type: "string" },
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
  const shard = values.shard;
  if (shard !== undefined && (values["reviews-dir"] === undefined || !/^[\w.-]+$/.test(shard)))
    throw new PipelineError(
      `comment: --shard is ${JSON.stringify(shard)}, but must be a shard's name (letters, digits, ".", "_", "-") and come with --reviews-dir`,
    );
  const combineAbove = wholeNumber(
    "comment",
    "combine-above",
    values["combine-above"] ?? String(COMBINE_ABOVE_DEFAULT),
    0,
  );
  const combine = shard !== undefined && reviews.filter((review) => review.changes).length > combineAbove;
  const api = gitHubApi(context);
  // A shard's stacks: the comments are listed once, not once per stack (each stack's marker is its own).
  const listed =
    values["reviews-dir"] === undefined || reviews.length === 0
      ? undefined
      : await listPullRequestComments(api, Number(prText));
  const bodies = reviews.map((review) => ({ ...review, body: readTextFile(context, review.bodyFile, "comment body") }));
  for (const review of bodies) {
    // Combined: a stack's own comment from an earlier push is still brought up to date, but none is added.
    const outcome = await upsertPullRequestComment(
      api,
      Number(prText),
      review.body,
      review.changes && !combine,
      listed,
    );
    context.stdout(
      `pull request #${prText}: ${review.stack === undefined ? "" : `${review.stack}: `}plan review comment ${outcome}${outcome === "skipped" ? (combine ? " (in the shard's comment)" : " (no changes and no earlier comment)") : ""}\n`,
    );
  }
  if (shard !== undefined) {
    const stackReviews = bodies.map((review) => ({ stack: review.stack!, body: review.body, changes: review.changes }));
    await postShardReview(context, api, Number(prText), shard, stackReviews, combine, listed ?? []);
  }
  return 0;
}

/**
 * The shard's comment: posted when `combine`, else only updated if an earlier push posted it. Shard comments of an
 * earlier layout (other shard names) that cover any of these stacks are marked out of date.
 */
async function postShardReview(
  context: CommandContext,
  api: GitHubApi,
  pr: number,
  shard: string,
  reviews: readonly StackReview[],
  combine: boolean,
  listed: readonly IssueComment[],
): Promise<void> {
  const stacks = reviews.map((review) => review.stack);
  const { body, leftOut } = renderShardReview(shard, stacks, reviews, runUrl(context));
  const outcome = await upsertPullRequestComment(api, pr, body, combine, listed);
  context.stdout(`pull request #${pr}: ${shard}: combined plan review comment ${outcome}\n`);
  if (outcome !== "skipped" && leftOut.length > 0)
    appendStepSummary(context, leftOut.map((review) => review.body.split("\n").slice(1).join("\n")).join("\n\n"));
  const ours = new Set(stacks);
  for (const comment of listed) {
    if (comment.user?.type !== "Bot" || !isShardReview(comment.body)) continue;
    if (comment.body!.startsWith(shardReviewMarker(shard))) continue;
    if (!stacksOfShardReview(comment.body!).some((stack) => ours.has(stack))) continue;
    // Marked once: the out-of-date text lists no stacks, so no later run finds it again.
    const outdated = outdatedShardReview(comment.body!);
    await api.request("PATCH", `/repos/${api.repository}/issues/comments/${comment.id}`, { body: outdated });
    context.stdout(`pull request #${pr}: an older combined plan review (comment ${comment.id}) marked out of date\n`);
  }
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
