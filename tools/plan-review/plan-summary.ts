// The summary line, counted the way Terraform counts ("Plan: 1 to add, 0 to change, 0 to destroy."), except that a
// replacement is its own count instead of one add plus one destroy: reviewers of secrets care which it is.
import type { PlannedChange } from "./planned-change";

export interface PlanCounts {
  readonly import: number;
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly forget: number;
}

/** Counts managed resources only, as Terraform does: reading a data source changes nothing. */
export function countChanges(changes: readonly PlannedChange[]): PlanCounts {
  const counts = { import: 0, add: 0, change: 0, replace: 0, destroy: 0, forget: 0 };
  for (const change of changes) {
    if (change.mode !== "managed") {
      continue;
    }
    if (change.importing) {
      counts.import += 1;
    }
    switch (change.kind) {
      case "create":
        counts.add += 1;
        break;
      case "update":
        counts.change += 1;
        break;
      case "delete":
        counts.destroy += 1;
        break;
      case "forget":
        counts.forget += 1;
        break;
      case "replace-destroy-first":
      case "replace-create-first":
      case "replace-forget-old":
        counts.replace += 1;
        break;
      case "no-op":
      case "read":
        break;
    }
  }
  return counts;
}

export const NO_CHANGES_LINE = "No changes. Your infrastructure matches the configuration.";

/**
 * "Plan: 3 to add, 1 to change, 1 to replace, 0 to destroy." ("to import" and "to forget" only when not 0),
 * followed by " Actions: 1 to invoke." when the apply invokes Terraform actions.
 */
export function summaryLine(counts: PlanCounts, actionInvocations = 0): string {
  const parts = [
    ...(counts.import > 0 ? [`${counts.import} to import`] : []),
    `${counts.add} to add`,
    `${counts.change} to change`,
    `${counts.replace} to replace`,
    `${counts.destroy} to destroy`,
    ...(counts.forget > 0 ? [`${counts.forget} to forget`] : []),
  ];
  const actions = actionInvocations > 0 ? ` Actions: ${actionInvocations} to invoke.` : "";
  return `Plan: ${parts.join(", ")}.${actions}`;
}
