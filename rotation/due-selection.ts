// Which stacks the scheduled run must apply today, from what earlier runs recorded (non-sensitive outputs, the last
// result, when the configuration was last applied and which configuration that was). Pure: no clock, no files.
// The answer is never "skip" unless the record positively says nothing can be due before the next run: a missing,
// unreadable or old record means "apply", so a lost record costs runner minutes, never a rotation.
import { EXPIRY_OUTPUTS, parseRfc3339 } from "./expiry-status";

/** What the fleet record keeps of one stack (tools/pipeline/fleet-record.ts writes it). */
export interface StackRunRecord {
  /** The stack's non-sensitive outputs after its last run (dates and key ids). */
  readonly outputs?: Readonly<Record<string, unknown>>;
  /** How the last run that included this stack ended; "missing": the run expected it but it left no result. */
  readonly lastResult?: "applied" | "unchanged" | "held" | "failed" | "missing";
  /** When the stack's configuration was last applied (or planned without changes), RFC 3339. */
  readonly lastAppliedAt?: string;
  /** sha256 of the cdk.tf.json that was last applied. */
  readonly configHash?: string;
}

export interface DueSelectionOptions {
  readonly now: Date;
  /** When the next scheduled run is expected (the daily schedule: now + 1 day). */
  readonly nextRunAt: Date;
  /** Slack added to `nextRunAt`: a late or skipped run must not let a rotation slip. */
  readonly marginHours: number;
  /** Apply every stack at least this often whatever the record says (the sweep). */
  readonly sweepDays: number;
  /**
   * The stack's sweep day, 0 ≤ slot < sweepDays: the day (days since 1970 modulo sweepDays) it is swept, so a fleet
   * applied in full once (a first run, a lost record) spreads its sweeps over the days instead of all on one.
   * @default - none: swept when its last apply is sweepDays old
   */
  readonly sweepSlot?: number;
  /** sha256 of the stack's cdk.tf.json synthesized now. */
  readonly configHash: string;
  /**
   * Sign-in logs are on (README "Sign-in logs"): a stack whose handoff is pending is due every day, so the run reads
   * its logs and the notice closes the handoff as soon as Miradore signs in with the new secret.
   * @default false
   */
  readonly watchHandoffs?: boolean;
}

export type DueDecision = { readonly due: boolean; readonly reason: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Whether the stack must be applied in this run, and why (or why not). */
export function selectDue(record: StackRunRecord | undefined, options: DueSelectionOptions): DueDecision {
  const due = (reason: string): DueDecision => ({ due: true, reason });
  if (record === undefined) return due("no record of an earlier run");
  if (record.lastResult === undefined || record.lastResult === "missing")
    return due("the last run left no result for it");
  if (record.lastResult === "failed") return due("the last run failed");
  if (record.lastResult === "held") return due("a rotation is held until the handoff deadline");
  if (record.configHash !== options.configHash) return due("the configuration changed since the last apply");
  const now = options.now.getTime();
  const lastApplied = parseRfc3339(record.lastAppliedAt);
  if (lastApplied === undefined) return due("the record has no time of the last apply");
  if (lastApplied > now) return due("the record's last apply is in the future (a clock or record error)");
  if (now - lastApplied >= options.sweepDays * DAY_MS)
    return due(`not applied for ${options.sweepDays} days or more (the sweep)`);
  if (
    options.sweepSlot !== undefined &&
    Math.floor(now / DAY_MS) % options.sweepDays === options.sweepSlot &&
    now - lastApplied >= HOUR_MS
  )
    return due(`its day of the ${options.sweepDays}-day sweep`);
  const outputs = record.outputs ?? {};
  const horizon = options.nextRunAt.getTime() + options.marginHours * HOUR_MS;
  const nextRotation = parseRfc3339(outputs[EXPIRY_OUTPUTS.nextRotation]);
  if (nextRotation === undefined) return due(`the record has no readable ${EXPIRY_OUTPUTS.nextRotation}`);
  if (nextRotation <= horizon) return due(`a rotation is due ${isoMinute(nextRotation)}, before the next run`);
  const handoff = parseRfc3339(outputs[EXPIRY_OUTPUTS.handoffDeadline]);
  if (handoff === undefined) return due(`the record has no readable ${EXPIRY_OUTPUTS.handoffDeadline}`);
  // A handoff whose deadline passes before the next run ends the previous secret's protection: what waited for it
  // (a held rotation, the notice's state) changes, so the run reads the state again.
  if (handoff > lastApplied && handoff <= horizon)
    return due(`a handoff ends ${isoMinute(handoff)}, before the next run`);
  if (options.watchHandoffs && handoff > now)
    return due(`a handoff is pending until ${isoMinute(handoff)}: its sign-in logs show when Miradore switches`);
  const currentEnd = parseRfc3339(outputs[EXPIRY_OUTPUTS.currentEnd]);
  if (currentEnd === undefined) return due(`the record has no readable ${EXPIRY_OUTPUTS.currentEnd}`);
  if (currentEnd <= horizon) return due(`the current secret expires ${isoMinute(currentEnd)}, before the next run`);
  return { due: false, reason: `nothing due before ${isoMinute(horizon)}; next rotation ${isoMinute(nextRotation)}` };
}

const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
