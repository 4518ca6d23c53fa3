import { describeShape, OutputsInputError, type StackOutputs } from "./terraform-outputs-file";

/** The stack outputs the check reads (constructs/miradore-stack.ts); none of them is sensitive. */
export const EXPIRY_OUTPUTS = {
  currentStart: "client_secret_start_date",
  currentEnd: "client_secret_end_date",
  previousEnd: "previous_client_secret_end_date",
  handoffDeadline: "handoff_deadline",
  nextRotation: "next_rotation_date",
  keyId: "client_secret_key_id",
} as const;

/** Exit codes a pipeline can act on; the worst stack decides. */
export const EXPIRY_EXIT_CODES = { ok: 0, handoffPending: 10, expiring: 20, badInput: 2 } as const;

/** @default 14 days: warn while there is still time for a pipeline run and a handoff. */
export const DEFAULT_WARN_DAYS = 14;

export type ExpiryVerdict = "ok" | "handoff-pending" | "expiring";

/** A moment and how far away it is (negative: in the past). */
export interface DatedEvent {
  readonly date: string;
  readonly daysFromNow: number;
}

/** One stack's secret status; holds dates and a key id only, never a secret. */
export interface ExpiryStatus {
  readonly stack: string;
  readonly verdict: ExpiryVerdict;
  readonly exitCode: number;
  /** Why the verdict is "expiring", one sentence each; empty otherwise. */
  readonly warnings: readonly string[];
  readonly current: { readonly keyId?: string; readonly start: DatedEvent; readonly end: DatedEvent };
  readonly previous: { readonly end: DatedEvent };
  readonly handoff: { readonly pending: boolean; readonly deadline: DatedEvent };
  readonly nextRotation: DatedEvent;
}

const DAY_MS = 86_400_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds of an RFC 3339 time, or undefined when `text` is not one. */
export function parseRfc3339(text: unknown): number | undefined {
  if (typeof text !== "string" || !RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Works out one stack's status at `nowMs`:
 * - "expiring" (exit 20) when the current secret expires within `warnDays` (or has expired), or when a handoff is
 *   pending and the previous secret, which Miradore may still be using, stops working within `warnDays`: at its end
 *   date or at the next rotation, whose run deletes it, whichever comes first;
 * - "handoff-pending" (exit 10) when now is between the current secret's start and the handoff deadline: the operator
 *   must paste the current secret into Miradore (only the sign-in logs, `observed`, can tell that it was done);
 * - "ok" (exit 0) otherwise.
 * Throws {@link OutputsInputError} naming the stack and output when one is missing, sensitive or not a time.
 */
export function expiryStatus(
  outputs: StackOutputs,
  nowMs: number,
  warnDays: number,
  observed: ObservedUse = { handoffDone: false, warnings: [] },
): ExpiryStatus {
  const at = (name: string): DatedEvent => {
    const where = `stack "${outputs.stack}": output ${name}`;
    if (outputs.sensitive.has(name)) {
      throw new OutputsInputError(
        `${where} is marked sensitive, but must be a plain date (the check never reads sensitive outputs)`,
      );
    }
    if (!outputs.values.has(name))
      throw new OutputsInputError(`${where} is missing, but is needed (is the stack deployed?)`);
    const value = outputs.values.get(name);
    const ms = parseRfc3339(value);
    if (ms === undefined) {
      throw new OutputsInputError(
        `${where} is ${describeDate(value)}, but must be an RFC 3339 time such as 2025-03-01T06:00:00Z`,
      );
    }
    return { date: new Date(ms).toISOString(), daysFromNow: Math.round(((ms - nowMs) / DAY_MS) * 100) / 100 };
  };
  const start = at(EXPIRY_OUTPUTS.currentStart);
  const end = at(EXPIRY_OUTPUTS.currentEnd);
  const previousEnd = at(EXPIRY_OUTPUTS.previousEnd);
  const deadline = at(EXPIRY_OUTPUTS.handoffDeadline);
  const nextRotation = at(EXPIRY_OUTPUTS.nextRotation);
  const keyIdValue = outputs.values.get(EXPIRY_OUTPUTS.keyId);
  const keyId = typeof keyIdValue === "string" && /^[0-9a-f-]{36}$/i.test(keyIdValue) ? keyIdValue : undefined;

  const pending = !observed.handoffDone && start.daysFromNow <= 0 && deadline.daysFromNow > 0;
  const warnings: string[] = [...observed.warnings];
  if (end.daysFromNow <= 0)
    warnings.push("the current secret has expired: Miradore cannot connect; run the pipeline now");
  else if (end.daysFromNow <= warnDays) {
    warnings.push(`the current secret expires within ${warnDays} days: check that the scheduled pipeline runs`);
  }
  // The previous secret stops working at its end date or, usually sooner, when the next rotation's run deletes it.
  const previousStops = previousEnd.daysFromNow <= nextRotation.daysFromNow ? previousEnd : nextRotation;
  if (pending && previousStops.daysFromNow <= warnDays) {
    const why = previousStops === nextRotation ? "the next rotation deletes it" : "it expires";
    warnings.push(
      previousStops.daysFromNow <= 0
        ? "the previous secret may be gone while the handoff is pending: if Miradore still uses it, it is disconnected"
        : `the previous secret, which Miradore may still use, stops working within ${warnDays} days (${why}): ` +
            "paste the current secret now",
    );
  }
  const verdict: ExpiryVerdict = warnings.length > 0 ? "expiring" : pending ? "handoff-pending" : "ok";
  const exitCode = {
    ok: EXPIRY_EXIT_CODES.ok,
    "handoff-pending": EXPIRY_EXIT_CODES.handoffPending,
    expiring: EXPIRY_EXIT_CODES.expiring,
  }[verdict];
  return {
    stack: outputs.stack,
    verdict,
    exitCode,
    warnings,
    current: { ...(keyId === undefined ? {} : { keyId }), start, end },
    previous: { end: previousEnd },
    handoff: { pending, deadline },
    nextRotation,
  };
}

/**
 * What Entra's sign-in logs add (tools/sign-in-logs/observed-status.ts): the handoff is over once Miradore signs in
 * with the current secret, and what they show wrong (failing sign-ins, the previous secret past its deadline, an
 * unknown key) makes the verdict "expiring".
 */
export interface ObservedUse {
  readonly handoffDone: boolean;
  readonly warnings: readonly string[];
}

/** The exit code for several stacks: the most urgent one's. */
export const overallExitCode = (statuses: readonly ExpiryStatus[]): number =>
  Math.max(EXPIRY_EXIT_CODES.ok, ...statuses.map((status) => status.exitCode));

/** A person's report: one block per stack, dates and day counts only. */
export function formatExpiryReport(statuses: readonly ExpiryStatus[], nowMs: number, warnDays: number): string {
  const when = (event: DatedEvent) => {
    const days = Math.abs(event.daysFromNow).toFixed(1);
    const distance = event.daysFromNow >= 0 ? `in ${days} days` : `${days} days ago`;
    return `${event.date.slice(0, 16).replace("T", " ")} UTC (${distance})`;
  };
  const label = { ok: "OK", "handoff-pending": "HANDOFF PENDING", expiring: "EXPIRING" };
  const lines = [`Secret expiry check at ${new Date(nowMs).toISOString()} (warn within ${warnDays} days)`];
  for (const status of statuses) {
    lines.push(
      "",
      `${status.stack}: ${label[status.verdict]} (exit ${status.exitCode})`,
      `  current secret${status.current.keyId ? ` (key id ${status.current.keyId})` : ""}: expires ${when(
        status.current.end,
      )}, started ${when(status.current.start)}`,
      `  previous secret: expires ${when(status.previous.end)}`,
      status.handoff.pending
        ? `  handoff: PENDING, paste the current secret into Miradore by ${when(status.handoff.deadline)}`
        : `  handoff: none pending (the last deadline was ${when(status.handoff.deadline)})`,
      `  next rotation: ${status.nextRotation.daysFromNow >= 0 ? "due after" : "OVERDUE since"} ${when(
        status.nextRotation,
      )}` + (status.nextRotation.daysFromNow < 0 ? ": it happens at the next pipeline run" : ""),
      ...status.warnings.map((warning) => `  ! ${warning}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A value in an error message: only quoted when it is made of date characters, so a misplaced secret never shows. */
function describeDate(value: unknown): string {
  if (typeof value === "string")
    return /^[0-9TZtz:+.\- ]{1,40}$/.test(value) ? JSON.stringify(value) : `a text of ${value.length} characters`;
  return describeShape(value);
}
