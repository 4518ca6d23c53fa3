// One comment per stack on a pull request, found again by the hidden marker the plan review starts with
// (`<!-- miradore-plan-review:<stack> -->`), so every push updates it instead of adding another.
import { PipelineError } from "./command-context";
import type { GitHubApi } from "./github-api";

export interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly user?: { readonly type?: string };
}

export type CommentOutcome = "created" | "updated" | "unchanged" | "skipped";

/** The marker on the first line of `body`: the comment's identity. */
export function commentMarker(body: string): string {
  const first = body.split("\n", 1)[0]!.trim();
  if (!/^<!--\s*[\w.:-]+\s*-->$/.test(first)) {
    throw new PipelineError(
      `the comment body's first line is ${JSON.stringify(first.slice(0, 80))}, but must be a hidden marker such as <!-- miradore-plan-review:<stack> --> (plan-review writes it)`,
    );
  }
  return first;
}

/**
 * Creates or updates the comment carrying `body`'s marker on pull request `pr`. With `createIfMissing` false (the
 * plan changes nothing), an existing comment is still updated, so an outdated review never stays visible, but no new
 * comment is added: a fleet of unchanged stacks makes no noise.
 */
export async function upsertPullRequestComment(
  api: GitHubApi,
  pr: number,
  body: string,
  createIfMissing: boolean,
  /** The pull request's comments, listed once for many stacks of different markers (ci:comment --reviews-dir). */
  listed?: readonly IssueComment[],
): Promise<CommentOutcome> {
  const marker = commentMarker(body);
  const comments = listed ?? (await listPullRequestComments(api, pr));
  // Only the bot's own comments: a person quoting a review must not have their comment overwritten.
  const first = comments.find((c) => c.user?.type === "Bot" && c.body?.startsWith(marker));
  if (!first) {
    if (!createIfMissing) return "skipped";
    await api.request("POST", `/repos/${api.repository}/issues/${pr}/comments`, { body });
    return "created";
  }
  if (first.body === body) return "unchanged";
  await api.request("PATCH", `/repos/${api.repository}/issues/comments/${first.id}`, { body });
  return "updated";
}

/** Every comment on pull request `pr`. */
export function listPullRequestComments(api: GitHubApi, pr: number): Promise<IssueComment[]> {
  return api.list<IssueComment>(`/repos/${api.repository}/issues/${pr}/comments`);
}
