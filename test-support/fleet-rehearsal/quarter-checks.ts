// What a quarter of sharded daily runs (sharded-daily-runs.ts) must show, as pure checks over the days it kept: each
// returns what went wrong (empty: nothing) and what it counted, so a test asserts on them and the long rehearsal
// (npm run rehearse:fleet) prints them.
import type { FleetRecord } from "../../tools/pipeline/fleet-record";
import type { RehearsalDay } from "./sharded-daily-runs";

export interface CheckResult {
  /** One line per violation, naming the day and the stack. */
  readonly problems: readonly string[];
  /** What the check saw happen (rotations, notices, …): a check that saw nothing proves nothing. */
  readonly count: number;
}

const outputsOf = (record: FleetRecord, stack: string) => record.stacks[stack]?.outputs ?? {};
const startOf = (record: FleetRecord, stack: string) => String(outputsOf(record, stack).client_secret_start_date);

/** Whether the stack's run failed on that day. */
export function failedOn(day: RehearsalDay, stack: string): boolean {
  const entry = day.record.stacks[stack];
  return entry?.lastResult === "failed" && entry.lastRunAt === day.now;
}

/** The notice's block about one stack ("### `<stack>`…" up to the next block), or "". */
export function noticeBlock(notice: string, stack: string): string {
  return notice.split("\n### ").find((block) => block.startsWith(`\`${stack}\``)) ?? "";
}

/**
 * Every rotation happens at the first run after it falls due, and none happens early. A run that failed changes
 * nothing, and a held rotation waits for its handoff (the guard's rule, tested elsewhere); a rotation that fell due
 * while a stack was failing happens on the first day it applies again.
 */
export function rotationsOnTime(days: readonly RehearsalDay[], stacks: readonly string[]): CheckResult {
  const problems: string[] = [];
  let count = 0;
  for (const d of days.slice(1)) {
    for (const stack of stacks) {
      if (failedOn(d, stack) || d.record.stacks[stack]?.lastResult === "held") continue;
      const before = outputsOf(d.recordBefore, stack);
      const wasDue = Date.parse(String(before.next_rotation_date)) < Date.parse(d.now);
      if (wasDue) count++;
      const expected = Date.parse(wasDue ? d.now : String(before.client_secret_start_date));
      const actual = Date.parse(startOf(d.record, stack));
      if (actual !== expected)
        problems.push(
          `day ${d.day}, ${stack}: the current secret was made ${startOf(d.record, stack)}, ` +
            (wasDue ? `but its rotation was due (${String(before.next_rotation_date)})` : "but no rotation was due"),
        );
    }
  }
  return { problems, count };
}

/** Every new secret is in that day's notice, with its key id and the instruction to paste it. */
export function handoffsNoticed(days: readonly RehearsalDay[], stacks: readonly string[]): CheckResult {
  const problems: string[] = [];
  let count = 0;
  for (const d of days.slice(1)) {
    for (const stack of stacks) {
      if (startOf(d.record, stack) === startOf(d.recordBefore, stack)) continue;
      count++;
      const keyId = String(outputsOf(d.record, stack).client_secret_key_id);
      const block = noticeBlock(d.notice, stack);
      if (!block.includes(keyId) || !block.includes("paste"))
        problems.push(`day ${d.day}, ${stack}: the notice does not ask to paste the new secret ${keyId}`);
    }
  }
  return { problems, count };
}

/** Every held rotation is in that day's notice. */
export function holdsNoticed(days: readonly RehearsalDay[], stacks: readonly string[]): CheckResult {
  const problems: string[] = [];
  let count = 0;
  for (const d of days)
    for (const stack of stacks) {
      if (d.record.stacks[stack]?.lastResult !== "held") continue;
      count++;
      if (!d.notice.includes(`### \`${stack}\`: a rotation is held`))
        problems.push(`day ${d.day}, ${stack}: the rotation is held, but the notice does not say so`);
    }
  return { problems, count };
}

/**
 * On every day a stack failed, the notice says the pipeline could not apply it and contains each of `expected`
 * (for a revoked consent: the tenant and its consent link); no other stack is reported as failing.
 */
export function failuresNamed(
  days: readonly RehearsalDay[],
  stacks: readonly string[],
  failing: string,
  expected: readonly string[],
): CheckResult {
  const problems: string[] = [];
  let count = 0;
  for (const d of days) {
    for (const stack of stacks) {
      const reported = d.notice.includes(`### \`${stack}\`: the pipeline could not apply it`);
      if (!failedOn(d, stack)) {
        if (reported) problems.push(`day ${d.day}, ${stack}: the notice reports a failure, but its run did not fail`);
        continue;
      }
      if (stack !== failing) {
        problems.push(`day ${d.day}, ${stack}: failed (${d.record.stacks[stack]?.lastReasons?.join("; ")})`);
        continue;
      }
      count++;
      const block = noticeBlock(d.notice, stack);
      const missing = expected.filter((text) => !block.includes(text));
      if (!reported || missing.length > 0)
        problems.push(`day ${d.day}, ${stack}: the notice does not name ${missing.join(" and ") || "the failure"}`);
    }
  }
  return { problems, count };
}

/** Every stack is in a run at least every `sweepDays` days (the sweep), from the first day on. */
export function sweptWithin(days: readonly RehearsalDay[], stacks: readonly string[], sweepDays: number): CheckResult {
  const problems: string[] = [];
  const applied = new Map<string, number>();
  for (const d of days) {
    for (const stack of d.due) applied.set(stack, d.day);
    for (const stack of stacks) {
      const last = applied.get(stack);
      if (last === undefined || d.day - last === sweepDays + 1)
        problems.push(`day ${d.day}, ${stack}: not run since ${last === undefined ? "ever" : `day ${last}`}`);
    }
  }
  return { problems, count: applied.size };
}
