// Renders a Terraform plan as the Markdown of a pull-request comment: marker, summary, identity-critical changes
// first, then the rest by action, then outputs, deferred changes and drift. Values are shown only masked.
import {
  describeActionReason,
  describeDeferredReason,
  isReplacement,
  KIND_GROUP_HEADINGS,
  KIND_VERBS,
} from "./action-words";
import { BudgetedDocument, type BudgetedBlock } from "./budgeted-document";
import { ATTRIBUTES_EXPLAINED_BY_FINDINGS, identityFindings } from "./identity-findings";
import { code, escapeMarkdown, plural, shown } from "./markdown";
import { field, formatMasked, Hidden, maskValue, type Masked } from "./masked-value";
import { parsePlan } from "./parse-plan";
import { PlanReviewOptionsError } from "./plan-review-errors";
import type { OutputChange, Plan } from "./plan-schema";
import { countChanges, NO_CHANGES_LINE, summaryLine } from "./plan-summary";
import { minuteOf } from "../../rotation/minutes";
import { guardPlan, type GuardFinding } from "../secret-guard/secret-guard";
import { toPlannedChange, type PlannedChange } from "./planned-change";

export interface PlanReviewOptions {
  /**
   * The stack the plan belongs to: named in the heading and in the hidden marker that lets a workflow find and
   * update its comment. Letters, digits, ".", "_" and "-" only.
   */
  readonly stack: string;

  /**
   * Most changes (resources, outputs, deferred and drifted objects) listed before the rest are only counted.
   * @default 100
   */
  readonly maxChanges?: number;

  /**
   * Most characters in the review.
   * @default 65536 - GitHub's limit for the body of a pull-request comment
   */
  readonly maxChars?: number;

  /**
   * When the plan is judged by the apply guard (whether a handoff is still pending).
   * @default - the current time
   */
  readonly now?: Date;
}

export const GITHUB_COMMENT_MAX_CHARS = 65536;
const DEFAULT_MAX_CHANGES = 100;
/** Below this, the fixed part of a review (marker, heading, summary, notes) may not fit. */
const MIN_MAX_CHARS = 1000;
/** Changed attributes listed per resource; the rest are counted. */
const MAX_ATTRIBUTES_PER_CHANGE = 8;
/** Characters of one value shown before it is cut with "…". */
const MAX_VALUE_CHARS = 80;

/** The first line of every review: a workflow finds its earlier comment for the stack by it. */
export function planReviewMarker(stack: string): string {
  return `<!-- miradore-plan-review:${stack} -->`;
}

/**
 * Renders `plan` (the text of `terraform show -json <planfile>`, or that JSON already parsed) as Markdown.
 * @throws PlanInputError when `plan` is not a Terraform plan
 * @throws PlanReviewOptionsError when an option is out of range
 */
export function renderPlanReview(plan: unknown, options: PlanReviewOptions): string {
  const { stack, maxChanges, maxChars, now } = checkedOptions(options);
  const parsed = parsePlan(plan);
  const guard = guardPlan(parsed, { now: minuteOf(now.toISOString()), stack });
  const changes = (parsed.resource_changes ?? []).map(toPlannedChange);
  const listed = changes.filter(
    (c) => c.kind !== "no-op" || c.previousAddress !== undefined || c.importing !== undefined,
  );
  const outputs = Object.entries(parsed.output_changes ?? {}).filter(([, change]) => change.actions !== "no-op");
  const deferred = parsed.deferred_changes ?? [];
  const drift = (parsed.resource_drift ?? []).map(toPlannedChange);
  const invocations = parsed.action_invocations ?? [];

  const doc = new BudgetedDocument(maxChars, maxChanges);
  doc.addFixed(planReviewMarker(stack));
  // What the apply guard finds comes first: whether this plan would cut Miradore off.
  for (const finding of guard.findings) doc.addFixed(guardLine(finding));
  const version = parsed.terraform_version ? ` (Terraform ${parsed.terraform_version})` : "";
  doc.addFixed(`### Terraform plan for ${code(stack)}${version}`);
  const nothingToDo = [listed, outputs, deferred, drift, invocations].every((list) => list.length === 0);
  doc.addFixed(`**${nothingToDo ? NO_CHANGES_LINE : summaryLine(countChanges(changes), invocations.length)}**`);
  if (parsed.errored) {
    doc.addFixed("> **Terraform reported errors while planning**: this plan is not complete and must not be applied.");
  } else if (parsed.complete === false) {
    doc.addFixed(
      "> This plan is incomplete: some changes are deferred, so another plan and apply will follow this one.",
    );
  }

  const critical: BudgetedBlock[] = [];
  const rest = new Map<string, BudgetedBlock[]>();
  const endangered = new Map(guard.findings.filter((f) => f.address).map((f) => [f.address!, f]));
  for (const change of listed) {
    const danger = endangered.get(change.address);
    const findings = danger ? [endangeredSecretLine(danger)] : identityFindings(change);
    if (findings.length > 0) {
      critical.push({ render: () => changeBlock(change, findings), critical: true });
    } else {
      const group = rest.get(change.kind) ?? [];
      group.push({ render: () => changeBlock(change, []) });
      rest.set(change.kind, group);
    }
  }
  doc.addSection(`#### Identity-critical changes (${critical.length})`, critical);
  for (const [kind, heading] of Object.entries(KIND_GROUP_HEADINGS)) {
    const blocks = rest.get(kind) ?? [];
    doc.addSection(`#### ${heading} (${blocks.length})`, blocks);
  }
  doc.addSection(
    `#### Actions to invoke (${invocations.length})`,
    invocations.map(({ address }) => ({ render: () => `- ${code(address)} will be invoked` })),
  );
  doc.addSection(
    `#### Outputs (${outputs.length})`,
    outputs.map(([name, change]) => ({ render: () => outputBlock(name, change, isDeclaredSensitive(parsed, name)) })),
  );
  doc.addSection(
    `#### Deferred to a later plan (${deferred.length})`,
    deferred.map(({ reason, resource_change }) => ({
      render: () =>
        `- ${code(resource_change.address)} would be ${KIND_VERBS[resource_change.change.actions]}, deferred because ${describeDeferredReason(reason)}`,
    })),
  );
  doc.addSection(
    `#### Changed outside Terraform (${drift.length})`,
    drift.map((change) => ({
      render: () =>
        `- ${code(change.address)} was ${change.kind === "delete" ? "deleted" : "changed"} outside Terraform`,
    })),
  );
  return doc.toString();
}

/** A guard finding as the review's lead: a quote block, marked by how serious it is. */
function guardLine(finding: GuardFinding): string {
  const mark = { refuse: "⛔ **Refused on apply.**", hold: "⏸️ **Held on apply.**", notice: "⚠️" }[finding.severity];
  return `> ${mark} **${escapeMarkdown(finding.headline)}** ${escapeMarkdown(finding.detail)}`;
}

/** The bullet of a password the guard protects: never "created before deleted", which would reassure. */
function endangeredSecretLine(finding: GuardFinding): string {
  return finding.severity === "hold"
    ? "Its slot's rotation is held on apply: this secret is not deleted in this run (see the top of this review)."
    : `**${escapeMarkdown(finding.headline)}** (see the top of this review).`;
}

function checkedOptions(options: PlanReviewOptions): Required<PlanReviewOptions> {
  const { stack, maxChanges = DEFAULT_MAX_CHANGES, maxChars = GITHUB_COMMENT_MAX_CHARS, now = new Date() } = options;
  // The name goes into an HTML comment and a heading: nothing there may end the comment or start markup.
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(stack)) {
    throw new PlanReviewOptionsError(
      `stack is ${JSON.stringify(stack)}, but must be 1 to 100 letters, digits, ".", "_" or "-"`,
    );
  }
  if (!Number.isInteger(maxChanges) || maxChanges < 1) {
    throw new PlanReviewOptionsError(`maxChanges is ${maxChanges}, but must be a whole number of at least 1`);
  }
  if (!Number.isInteger(maxChars) || maxChars < MIN_MAX_CHARS || maxChars > GITHUB_COMMENT_MAX_CHARS) {
    throw new PlanReviewOptionsError(
      `maxChars is ${maxChars}, but must be a whole number from ${MIN_MAX_CHARS} to ${GITHUB_COMMENT_MAX_CHARS} (GitHub's comment limit)`,
    );
  }
  if (Number.isNaN(now.getTime())) throw new PlanReviewOptionsError("now is not a date");
  return { stack, maxChanges, maxChars, now };
}

function changeBlock(change: PlannedChange, findings: readonly string[]): string {
  const deposed = change.deposed ? ` (deposed object ${code(change.deposed)})` : "";
  const verb = change.kind === "no-op" ? "" : ` will be **${KIND_VERBS[change.kind]}**`;
  const details = [
    ...(change.actionReason ? [`Because ${describeActionReason(change.actionReason)}.`] : []),
    ...(change.previousAddress ? [`Moved from ${code(change.previousAddress)}.`] : []),
    ...(change.importing ? [importLine(change.importing)] : []),
    ...(change.replacePaths.length > 0 ? [`Replacement forced by ${change.replacePaths.map(code).join(", ")}.`] : []),
    ...findings,
    ...(change.kind === "update" || isReplacement(change.kind) ? attributeLines(change, findings.length > 0) : []),
  ];
  return [`- ${code(change.address)}${deposed}${verb}`, ...details.map((line) => `  - ${line}`)].join("\n");
}

function importLine(importing: NonNullable<PlannedChange["importing"]>): string {
  if (importing.id !== undefined) {
    return `Imports the existing object with id ${code(importing.id)}.`;
  }
  if (importing.identity !== undefined) {
    return `Imports the existing object with identity ${code(formatMasked(importing.identity, MAX_VALUE_CHARS))}.`;
  }
  return "Imports an existing object (its id is known after apply).";
}

function attributeLines(change: PlannedChange, hasFindings: boolean): string[] {
  const changed = hasFindings
    ? change.changedAttributes.filter((name) => !ATTRIBUTES_EXPLAINED_BY_FINDINGS.has(name))
    : change.changedAttributes;
  const shownAttributes = changed.slice(0, MAX_ATTRIBUTES_PER_CHANGE);
  const more = changed.length - shownAttributes.length;
  return [
    ...shownAttributes.map(
      (name) => `${code(name)}: ${valueText(field(change.before, name))} → ${valueText(field(change.after, name))}`,
    ),
    ...(more > 0 ? [`… and ${plural(more, "more changed attribute")}.`] : []),
  ];
}

function valueText(value: Masked | undefined): string {
  return value instanceof Hidden || value === undefined || value === null
    ? shown(value)
    : code(formatMasked(value, MAX_VALUE_CHARS));
}

function outputBlock(name: string, change: OutputChange, declaredSensitive: boolean): string {
  const sensitive = (marks: unknown) => (declaredSensitive ? true : marks);
  const before = maskValue(change.before, sensitive(change.before_sensitive), undefined);
  const after = maskValue(change.after, sensitive(change.after_sensitive), change.after_unknown);
  switch (change.actions) {
    case "create":
      return `- ${code(name)} will be set to ${valueText(after)}`;
    case "delete":
      return `- ${code(name)} will be removed (was ${valueText(before)})`;
    default:
      return `- ${code(name)} will change from ${valueText(before)} to ${valueText(after)}`;
  }
}

/** Plans before format 0.2 mark a secret output only in its declaration, not in output_changes. */
function isDeclaredSensitive(plan: Plan, name: string): boolean {
  return (
    plan.planned_values.outputs?.[name]?.sensitive === true ||
    plan.configuration?.root_module?.outputs?.[name]?.sensitive === true
  );
}
