// One pull-request comment for a shard's plan reviews, instead of one per stack, when many stacks change at once (a
// change to `defaults` touches every site). A thousand comments would bury the pull request and run into GitHub's
// limit on content creation (its secondary rate limits: "Best practices for using the REST API"). The comment leads
// with a table: each changed stack's summary line and what the apply guard says about it (nothing that could cut
// Miradore off is ever left out). The full reviews follow, folded, as far as GitHub's 65,536 characters allow; the
// rest go to the job summary. Its marker names the shard; a hidden list of its stacks lets a later run mark an
// older layout's comment out of date.
import { code, plural } from "../plan-review/markdown";
import { GITHUB_COMMENT_MAX_CHARS } from "../plan-review/render-plan-review";

/** Above this many changed stacks in a shard, ci:comment --shard posts one comment for the shard. */
export const COMBINE_ABOVE_DEFAULT = 5;

const MARKER_PREFIX = "<!-- miradore-plan-review-shard:";
/** Characters of a stack's guard findings shown in its table row; the full text is in its review. */
const MAX_GUARD_CELL_CHARS = 400;
/** Room the table leaves for the lines after it. */
const TABLE_RESERVE_CHARS = 1000;

export interface StackReview {
  readonly stack: string;
  /** The review's Markdown (tools/plan-review), marker first. */
  readonly body: string;
  readonly changes: boolean;
}

export function shardReviewMarker(shard: string): string {
  return `${MARKER_PREFIX}${shard} -->`;
}

export function isShardReview(body: string | undefined): boolean {
  return body?.startsWith(MARKER_PREFIX) === true;
}

/** The stacks a shard comment covers (its hidden list), empty when it has none. */
export function stacksOfShardReview(body: string): string[] {
  return /^<!-- stacks: ([\w.,-]*) -->$/m.exec(body)?.[1]?.split(",").filter(Boolean) ?? [];
}

/** What an older layout's shard comment becomes: its marker, and that it is out of date. The same from every job. */
export function outdatedShardReview(body: string): string {
  return `${body.split("\n", 1)[0]}\n_This combined plan review is out of date: the shards changed, and its stacks are reviewed in newer comments._\n`;
}

/** A review's summary line and the apply guard's findings, as the review renders them (tools/plan-review). */
export function reviewHeadline(body: string): { summary: string; guard: string[] } {
  const lines = body.split("\n");
  const heading = lines.findIndex((line) => line.startsWith("### "));
  const guard = lines.slice(1, Math.max(1, heading)).filter((line) => line.startsWith("> "));
  const summary = lines.slice(heading + 1).find((line) => /^\*\*.*\*\*$/.test(line)) ?? "";
  return { summary: summary.replace(/^\*\*|\*\*$/g, ""), guard: guard.map((line) => line.slice(2)) };
}

/**
 * The shard's comment (`stacks`: every stack the shard planned, `reviews`: those planned to the end), and the reviews
 * that did not fit in it, for the job summary.
 */
export function renderShardReview(
  shard: string,
  stacks: readonly string[],
  reviews: readonly StackReview[],
  runUrl?: string,
): { body: string; leftOut: StackReview[] } {
  const changed = reviews.filter((review) => review.changes);
  const head = [
    shardReviewMarker(shard),
    `<!-- stacks: ${stacks.join(",")} -->`,
    `### Terraform plans of ${code(shard)}: ${plural(changed.length, "stack")} of ${stacks.length} change`,
    "",
  ];
  if (changed.length > 0) {
    head.push("| Stack | Plan | Apply guard |", "|---|---|---|");
    let rows = 0;
    for (const review of changed) {
      const { summary, guard } = reviewHeadline(review.body);
      const findings = guard.join(" ").replaceAll("|", "\\|");
      const cell =
        findings.length > MAX_GUARD_CELL_CHARS
          ? `${findings.slice(0, MAX_GUARD_CELL_CHARS)}… (see its review)`
          : findings;
      const row = `| ${code(review.stack)} | ${summary} | ${cell || "nothing to report"} |`;
      // A shard of hundreds of changed stacks (only in fleets of tens of thousands) keeps room for the line below.
      if (head.join("\n").length + row.length > GITHUB_COMMENT_MAX_CHARS - TABLE_RESERVE_CHARS) break;
      head.push(row);
      rows++;
    }
    if (rows < changed.length)
      head.push("", `_${plural(changed.length - rows, "more changed stack")} in the plan job's summary._`);
    head.push("");
  }
  const where = runUrl ? `the plan job's summary in [this run](${runUrl})` : "the plan job's summary";
  const footer = (count: number) =>
    count === 0 ? "" : `_${plural(count, "more review")} did not fit in one comment: ${where}._\n`;
  let body = `${head.join("\n")}\n`;
  const leftOut: StackReview[] = [];
  for (const review of changed) {
    const folded = `<details><summary>${code(review.stack)}</summary>\n\n${review.body.split("\n").slice(1).join("\n")}\n</details>\n\n`;
    // Room for this block and the longest footer that could follow it.
    if (leftOut.length === 0 && body.length + folded.length + footer(changed.length).length <= GITHUB_COMMENT_MAX_CHARS)
      body += folded;
    else leftOut.push(review);
  }
  return { body: body + footer(leftOut.length), leftOut };
}
