// A single open issue per concern (secret handoff, drift), found by its label and the hidden marker in its body:
// opened or updated while there is something to do, closed when there is not.
import { type GitHubApi, GitHubApiError } from "./github-api";

export interface TrackingIssueKind {
  readonly label: string;
  readonly labelColor: string;
  readonly labelDescription: string;
  readonly title: string;
}

export const TRACKING_ISSUES = {
  "secret-rotation": {
    label: "miradore-secret-rotation",
    labelColor: "d93f0b",
    labelDescription: "Miradore client secret: a handoff is due or a secret expires soon",
    title: "Miradore client secret: operator action needed",
  },
  drift: {
    label: "miradore-drift",
    labelColor: "fbca04",
    labelDescription: "Miradore app registration changed outside Terraform",
    title: "Miradore: changes made outside Terraform",
  },
} as const satisfies Record<string, TrackingIssueKind>;

export type TrackingIssueKey = keyof typeof TRACKING_ISSUES;

/** The hidden first line of the issue body. */
export function trackingMarker(key: TrackingIssueKey): string {
  return `<!-- miradore-tracking-issue:${key} -->`;
}

interface Issue {
  readonly number: number;
  readonly body?: string | null;
  readonly pull_request?: unknown;
}

export type IssueOutcome = "opened" | "updated" | "unchanged" | "closed" | "nothing-open";

/**
 * `open`: makes sure exactly one issue of the kind is open, with `body` (adding the marker), creating label and issue
 * the first time. `closed`: updates each open one's body (so it says why it was closed) and closes it; nothing to do
 * when none is open.
 *
 * Two runs at once converge on one issue. The workflows keep them apart (a concurrency group per kind), and this code
 * does not rely on that: two runs that both found nothing both create an issue, so after creating, each lists again
 * and keeps the oldest open one (the lowest number; GitHub numbers issues in the order they are made). A run closes
 * its own issue, with a comment pointing at the one kept, when an older one exists, and any other newer duplicate it
 * sees. The oldest issue is never closed this way, and every newer one is seen by the run that made it, because that
 * run lists after the oldest was made: exactly one stays open.
 */
export async function syncTrackingIssue(
  api: GitHubApi,
  key: TrackingIssueKey,
  state: "open" | "closed",
  body: string,
): Promise<IssueOutcome> {
  const kind = TRACKING_ISSUES[key];
  const marker = trackingMarker(key);
  const fullBody = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const repo = `/repos/${api.repository}`;
  const openIssues = async (): Promise<Issue[]> =>
    (await api.list<Issue>(`${repo}/issues?state=open&labels=${encodeURIComponent(kind.label)}`))
      .filter((issue) => issue.pull_request === undefined && issue.body?.startsWith(marker))
      .sort((a, b) => a.number - b.number);

  let open = await openIssues();
  if (state === "closed") {
    if (open.length === 0) return "nothing-open";
    for (const issue of open) {
      await api.request("PATCH", `${repo}/issues/${issue.number}`, {
        body: fullBody,
        state: "closed",
        state_reason: "completed",
      });
    }
    return "closed";
  }

  let created: Issue | undefined;
  if (open.length === 0) {
    await ensureLabel(api, kind);
    created = await api.request<Issue>("POST", `${repo}/issues`, {
      title: kind.title,
      body: fullBody,
      labels: [kind.label],
    });
    // Another run may have opened one meanwhile: look again.
    open = await openIssues();
    if (!open.some((issue) => issue.number === created!.number))
      open = [...open, created].sort((a, b) => a.number - b.number);
  }
  const [kept, ...duplicates] = open as [Issue, ...Issue[]];
  for (const duplicate of duplicates) {
    await api.request("POST", `${repo}/issues/${duplicate.number}/comments`, {
      body: `Duplicate of #${kept.number}: two runs opened this issue at the same time; #${kept.number} stays open and is kept up to date.`,
    });
    await api.request("PATCH", `${repo}/issues/${duplicate.number}`, { state: "closed", state_reason: "not_planned" });
  }
  if (created?.number === kept.number) return "opened";
  if (kept.body === fullBody) return "unchanged";
  await api.request("PATCH", `${repo}/issues/${kept.number}`, { body: fullBody });
  return "updated";
}

/** Creates the kind's label unless it exists; a run that creates it at the same moment (GitHub answers 422) is fine. */
async function ensureLabel(api: GitHubApi, kind: TrackingIssueKind): Promise<void> {
  const exists = async () =>
    (await api.list<{ name: string }>(`/repos/${api.repository}/labels`)).some((l) => l.name === kind.label);
  if (await exists()) return;
  try {
    await api.request("POST", `/repos/${api.repository}/labels`, {
      name: kind.label,
      color: kind.labelColor,
      description: kind.labelDescription,
    });
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 422 && (await exists()))) throw error;
  }
}
