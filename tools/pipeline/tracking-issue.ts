// A single open issue per concern (secret handoff, drift), found by its label and the hidden marker in its body:
// opened or updated while there is something to do, closed when there is not.
import type { GitHubApi } from "./github-api";

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
 * `open`: makes sure exactly this one issue is open with `body` (adding the marker), creating label and issue the
 * first time. `closed`: updates the open issue's body (so it says why it was closed) and closes it; nothing to do
 * when none is open.
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
  const open = await api.list<Issue>(`${repo}/issues?state=open&labels=${encodeURIComponent(kind.label)}`);
  const existing = open.find((issue) => issue.pull_request === undefined && issue.body?.startsWith(marker));

  if (state === "closed") {
    if (!existing) return "nothing-open";
    await api.request("PATCH", `${repo}/issues/${existing.number}`, {
      body: fullBody,
      state: "closed",
      state_reason: "completed",
    });
    return "closed";
  }
  if (existing) {
    if (existing.body === fullBody) return "unchanged";
    await api.request("PATCH", `${repo}/issues/${existing.number}`, { body: fullBody });
    return "updated";
  }
  await ensureLabel(api, kind);
  await api.request("POST", `${repo}/issues`, { title: kind.title, body: fullBody, labels: [kind.label] });
  return "opened";
}

async function ensureLabel(api: GitHubApi, kind: TrackingIssueKind): Promise<void> {
  const labels = await api.list<{ name: string }>(`/repos/${api.repository}/labels`);
  if (labels.some((l) => l.name === kind.label)) return;
  await api.request("POST", `/repos/${api.repository}/labels`, {
    name: kind.label,
    color: kind.labelColor,
    description: kind.labelDescription,
  });
}
