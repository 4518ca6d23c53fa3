// The body of the single "drift" issue: per stack, the plan review (plan-review's Markdown, values masked) when its
// refresh found changes made outside Terraform, and the credentials and grants Terraform does not manage
// (unmanaged-credentials.ts), cut to fit GitHub's issue body limit.
import { trackingMarker } from "./tracking-issue";

/** GitHub rejects issue bodies longer than this. */
export const GITHUB_ISSUE_BODY_MAX_CHARS = 65536;
/** Room kept for the heading, the list of cut stacks and the closing lines. */
const RESERVED_CHARS = 6000;
/** Stacks named in the list of those cut; the rest are counted. */
const MAX_NAMED_CUT_STACKS = 100;

export interface StackDrift {
  readonly stack: string;
  /** plan-review Markdown of the refresh-only plan, when it found changes. */
  readonly review?: string;
  /** The unmanaged credentials section, when there are any (or a listing could not be made). */
  readonly credentials?: string;
}

export interface DriftReport {
  readonly state: "open" | "closed";
  readonly markdown: string;
}

export function renderDriftReport(
  drifted: readonly StackDrift[],
  checkedStacks: number,
  checkedAt: string,
  runUrl?: string,
): DriftReport {
  const run = runUrl ? ` by [this run](${runUrl})` : "";
  const lines = [trackingMarker("drift")];
  if (drifted.length === 0) {
    lines.push(
      "## Miradore: no changes outside Terraform",
      "",
      `Checked ${checkedAt.slice(0, 16).replace("T", " ")} UTC${run}: ${checkedStacks} ${checkedStacks === 1 ? "stack matches" : "stacks match"} Terraform state. Closed automatically.`,
    );
    return { state: "closed", markdown: `${lines.join("\n")}\n` };
  }
  lines.push(
    `## Miradore: ${drifted.length} ${drifted.length === 1 ? "stack was" : "stacks were"} changed outside Terraform`,
    "",
    `Found${run} by a refresh-only plan and a listing of every credential and grant through Microsoft Graph: someone ` +
      "changed the app registration, its consent or its secrets directly (portal, Graph or another tool), or added a " +
      "credential or grant Terraform does not manage. Decide per change: keep it by making the same change in the " +
      "configuration and merging it, or undo it by letting the next apply restore what the configuration says; remove " +
      "credentials and grants you do not recognise. This issue closes itself when no drift is left.",
  );
  let budget = GITHUB_ISSUE_BODY_MAX_CHARS - RESERVED_CHARS - lines.join("\n").length;
  const cut: string[] = [];
  for (const { stack, review, credentials } of [...drifted].sort((a, b) => a.stack.localeCompare(b.stack))) {
    const parts = [review, credentials].filter((p): p is string => p !== undefined && p.trim() !== "");
    const block = `\n<details open><summary>${stack}</summary>\n\n${parts.map((p) => p.trim()).join("\n\n")}\n\n</details>`;
    if (block.length > budget) {
      cut.push(stack);
      continue;
    }
    budget -= block.length;
    lines.push(block);
  }
  if (cut.length > 0) {
    const named = cut
      .slice(0, MAX_NAMED_CUT_STACKS)
      .map((s) => `\`${s}\``)
      .join(", ");
    const more = cut.length > MAX_NAMED_CUT_STACKS ? ` and ${cut.length - MAX_NAMED_CUT_STACKS} more` : "";
    lines.push("", `Also drifted, not shown for length (see the run's artifacts): ${named}${more}`);
  }
  return { state: "open", markdown: `${lines.join("\n")}\n` };
}
