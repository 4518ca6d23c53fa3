import { daysToMinutes, MINUTES_PER_DAY, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { simulate } from "./simulate";
import type { TwoSlotName, TwoSlotStart } from "./two-slot-design";

/** How late the run after the k-th due rotation (0 = the first due after `first`) comes, in minutes after it falls due. */
export type RotationLag = (k: number, slot: TwoSlotName) => Minute;

/**
 * Pipeline runs from `first` through `until` that keep to maxRunGapDays (G) and meet every due rotation of the
 * two-slot design `lag` minutes late: a run lands exactly on each due time (not yet due: `time_rotating` rotates
 * strictly after), runs G apart fill the time in between, and the due times are read from the model as the runs are
 * laid. While a rotation is held (its secret is still protected), runs come daily until the hold lifts.
 */
export function runsWithLags(
  settings: RotationSettings,
  first: Minute,
  until: Minute,
  lag: RotationLag,
  start?: TwoSlotStart,
): Minute[] {
  const gap = daysToMinutes(settings.maxRunGapDays);
  const runs = [first];
  for (let k = 0; ; k++) {
    const last = runs.at(-1)!;
    const { slot, due } = nextDue(settings, runs, start);
    if (due <= last) {
      // Held: the rotation waits for a handoff to end; the daily schedule retries.
      if (last + MINUTES_PER_DAY > until) return runs;
      runs.push(last + MINUTES_PER_DAY);
      k--;
      continue;
    }
    let fill = last;
    while (fill + gap < due) runs.push((fill += gap));
    if (fill < due) runs.push(due);
    const rotation = due + Math.max(1, Math.min(gap, lag(k, slot)));
    if (rotation > until) return runs.filter((run) => run <= until);
    runs.push(rotation);
  }
}

/** The slot whose rotation falls due next after the runs so far, and when (as the state holds it). */
function nextDue(
  settings: RotationSettings,
  runs: readonly Minute[],
  start?: TwoSlotStart,
): { slot: TwoSlotName; due: Minute } {
  const pending: Record<TwoSlotName, Minute> = {
    A: start?.state.A.rotation?.rotatesAt ?? Infinity,
    B: start?.state.B.rotation?.rotatesAt ?? Infinity,
  };
  for (const event of simulate(settings, runs, { start }).events) {
    if (event.kind === "rotation-created" && (event.slot === "A" || event.slot === "B")) {
      pending[event.slot] = event.rotatesAt;
    }
  }
  return pending.A <= pending.B ? { slot: "A", due: pending.A } : { slot: "B", due: pending.B };
}

/** Every combination of prompt (one minute) and maxRunGapDays-late runs for the next `count` due rotations. */
export function lagCombinations(settings: RotationSettings, count: number): RotationLag[] {
  const late = daysToMinutes(settings.maxRunGapDays);
  return Array.from({ length: 2 ** count }, (_, mask) => (k: number) => (k < count && mask & (1 << k) ? late : 1));
}
