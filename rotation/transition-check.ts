import { firstViolation, type InvariantViolation } from "./invariant-check";
import { daysToMinutes, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { runsEvery } from "./run-patterns";
import { SecretLedger } from "./secret-ledger";
import { simulate } from "./simulate";
import { simulateTwoSlots, type TwoSlotStart } from "./two-slot-design";
import { lagCombinations, runsWithLags } from "./worst-case-runs";

/** Due rotations whose lateness is varied (prompt or maxRunGapDays late) in every combination. */
const VARIED_ROTATIONS = 4;

/**
 * Whether the secrets that exist at `now` (`start`) keep Miradore connected once the pipeline runs under `settings`
 * from `now` on: the first invariant violation under the worst runs the settings allow (every combination of prompt
 * and maxRunGapDays-late runs for the next rotations, and daily runs), or undefined. Existing secrets keep their dates
 * and scheduled rotations (Terraform ignores changes to them); new ones follow `settings`; the apply guard holds a
 * rotation that would delete a secret Miradore may still use. The operator pastes each secret at the last moment.
 */
export function transitionViolation(
  settings: RotationSettings,
  start: TwoSlotStart,
  now: Minute,
): InvariantViolation | undefined {
  const until = transitionHorizon(settings, start, now);
  const runSets = [
    runsEvery(now, until, 1),
    ...lagCombinations(settings, VARIED_ROTATIONS).map((lag) => runsWithLags(settings, now, until, lag, start)),
  ];
  for (const runs of runSets) {
    const violation = firstViolation(simulate(settings, runs, { start }), {
      step: "changes-only",
      lifetimeCheckedFrom: now,
    });
    if (violation) return violation;
  }
  return undefined;
}

/** Long enough for every existing secret to be gone and each slot to have rotated twice under the new settings. */
function transitionHorizon(settings: RotationSettings, start: TwoSlotStart, now: Minute): Minute {
  const ends = [start.state.A, start.state.B].map((slot) => slot.secret?.endAt ?? now);
  const rotations = [start.state.A, start.state.B].map((slot) => slot.rotation?.rotatesAt ?? now);
  const cycle = daysToMinutes(4 * settings.rotationIntervalDays + settings.handoffDays + 2 * settings.maxRunGapDays);
  return Math.max(now, ...ends, ...rotations) + cycle;
}

/**
 * Where the schedule stands at `at` if the pipeline keeps running daily under `settings` from `now` (the last run is
 * at `at`): for asking whether a change of settings becomes safe later.
 */
export function stateAfterDailyRuns(
  settings: RotationSettings,
  start: TwoSlotStart,
  now: Minute,
  at: Minute,
): TwoSlotStart {
  const runs = runsEvery(now, at, 1);
  const state = simulateTwoSlots(settings, runs, new SecretLedger(daysToMinutes(settings.handoffDays)), start);
  return { state };
}
