import { daysToMinutes, type Minute } from "../../rotation/minutes";
import type { RotationSettings } from "../../rotation/rotation-settings";
import { simulate } from "../../rotation/simulate";

/**
 * The two-slot schedule's worst case within maxRunGapDays (G): every rotation of `lateSlot` happens G days after it
 * falls due and every rotation of the other slot one minute after. A run lands exactly on each due time (not yet
 * due: time_rotating rotates strictly after), the gaps in between are G long, and the due times are read from the
 * pure model as the runs are laid. With `lateSlot` "A", each of A's new secrets gets only I - G (+ 1 minute) before
 * the secret it replaces is deleted: handoffDays exactly when I = H + G. With "B", B's new secrets get the least.
 */
export function lateRotationRuns(
  settings: RotationSettings,
  first: Minute,
  until: Minute,
  lateSlot: "A" | "B",
): Minute[] {
  const gap = daysToMinutes(settings.maxRunGapDays);
  const runs = [first];
  for (;;) {
    const pending = { A: Infinity, B: Infinity };
    for (const event of simulate(settings, runs).events) {
      if (event.kind === "rotation-created" && (event.slot === "A" || event.slot === "B"))
        pending[event.slot] = event.rotatesAt;
    }
    const slot = pending.A <= pending.B ? "A" : "B";
    const due = pending[slot];
    let last = runs.at(-1)!;
    while (last + gap < due) runs.push((last += gap));
    if (last < due) runs.push(due);
    const rotation = due + (slot === lateSlot ? gap : 1);
    if (rotation > until) return runs.filter((run) => run <= until);
    runs.push(rotation);
  }
}
