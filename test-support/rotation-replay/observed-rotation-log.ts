import { formatMinute, type Minute } from "../../rotation/minutes";
import type { RotationDesign, RotationEvent, SimulationResult } from "../../rotation/rotation-events";
import type { RotationSettings } from "../../rotation/rotation-settings";
import type { DirectoryPassword, ObservedRun } from "./pipeline-replay";

/** What Terraform did, as the pure model's event log, and the real key id behind each secret number. */
export interface ObservedRotationLog {
  readonly result: SimulationResult;
  /** `keyIds[n - 1]` is the directory key id of secret number n. */
  readonly keyIds: readonly string[];
}

/**
 * Writes a replay as the simulator's event log (rotation/rotation-events.ts), so the model's invariant check runs on
 * what Terraform actually did and the two logs can be compared event by event:
 * - a password that appears in the directory is "secret-created" at its start date, with its end date, replacing the
 *   secret the outputs called current before the run; passwords made in one run are numbered in slot order (A, B);
 * - a password that disappears is "secret-deleted" at the run;
 * - the operator follows the outputs (worst case): when `client_secret_key_id` names a new secret, Miradore moves to
 *   it at `handoff_deadline`; the first deploy's secret is pasted at once.
 * - a slot whose due rotation the apply guard held is "rotation-held" at the run.
 * `time_rotating` renewals are not observed (the directory does not show them), so the log has no "rotation-created".
 */
export function observedRotationLog(
  runs: readonly ObservedRun[],
  settings: RotationSettings,
  design: RotationDesign,
): ObservedRotationLog {
  const keyIds: string[] = [];
  const numbers = new Map<string, number>();
  const events: RotationEvent[] = [];
  let before: readonly DirectoryPassword[] = [];
  let announced: string | undefined;
  const numberOf = (keyId: string, at: Minute): number => {
    const number = numbers.get(keyId);
    if (number === undefined) {
      throw new Error(
        `the outputs after the run at ${formatMinute(at)} name key id ${keyId}, which the directory never held`,
      );
    }
    return number;
  };
  const bySlot = (x: { slot: string }, y: { slot: string }) => x.slot.localeCompare(y.slot);

  for (const run of runs) {
    for (const slot of run.held) events.push({ kind: "rotation-held", at: run.at, slot });
    const replaces = announced === undefined ? undefined : numberOf(announced, run.at);
    const existed = new Set(before.map((p) => p.keyId));
    for (const password of run.passwords.filter((p) => !existed.has(p.keyId)).sort(bySlot)) {
      keyIds.push(password.keyId);
      numbers.set(password.keyId, keyIds.length);
      const { startAt: at, slot, endAt } = password;
      events.push({ kind: "secret-created", at, slot, secret: keyIds.length, endAt, replaces });
    }
    const after = new Set(run.passwords.map((p) => p.keyId));
    for (const gone of before.filter((p) => !after.has(p.keyId)).sort(bySlot)) {
      events.push({ kind: "secret-deleted", at: run.at, slot: gone.slot, secret: numberOf(gone.keyId, run.at) });
    }
    if (run.current.keyId !== announced) {
      const at = announced === undefined ? run.at : run.current.handoffDeadline;
      events.push({ kind: "handoff", at, secret: numberOf(run.current.keyId, run.at) });
      announced = run.current.keyId;
    }
    before = run.passwords;
  }
  // Handoffs lie in the future when announced: merge them in by time, keeping each minute's order (as the model does).
  const ordered = events.map((event, index) => ({ event, index }));
  ordered.sort((x, y) => x.event.at - y.event.at || x.index - y.index);
  return {
    result: { design, settings, runs: runs.map((run) => run.at), events: ordered.map(({ event }) => event) },
    keyIds,
  };
}
