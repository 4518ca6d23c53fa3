import { daysToMinutes, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { refreshTimeRotating, type TimeRotatingState } from "./time-rotating-model";

/** A slot's password: its number in the ledger, the rotation id it was made for, and its dates. */
export interface SlotSecret {
  readonly number: number;
  /** The password's key id, when the replay starts from a real state (for messages). */
  readonly keyId?: string;
  readonly rotationBase: Minute;
  readonly createdAt: Minute;
  readonly endAt: Minute;
}

/** One slot in Terraform state: its `time_rotating` and its password. */
export interface SlotState {
  readonly rotation?: TimeRotatingState;
  readonly secret?: SlotSecret;
}

/** Both slots, as Terraform state holds them between runs. */
export interface TwoSlotState {
  readonly A: SlotState;
  readonly B: SlotState;
}

export type TwoSlotName = keyof TwoSlotState;
const SLOTS: readonly TwoSlotName[] = ["A", "B"];

/** The slot with the newest secret: the later-made one; on a tie (the first deploy makes both at once), B. */
export function currentSlotOf(state: TwoSlotState): TwoSlotName | undefined {
  const a = state.A.secret?.createdAt ?? -Infinity;
  const b = state.B.secret?.createdAt ?? -Infinity;
  if (a === -Infinity && b === -Infinity) return undefined;
  return a > b ? "A" : "B";
}

/**
 * The slots whose secret no scheduled rotation may delete at `now`: the current one always (Miradore uses it once it
 * is handed off), and the previous one until the current one's handoff deadline. A due rotation of a protected slot
 * is held: the pipeline applies without it (constructs/rotating-client-secret.ts, tools/secret-guard/).
 */
export function protectedSlots(state: TwoSlotState, now: Minute, handoffDeadline: Minute): Set<TwoSlotName> {
  const current = currentSlotOf(state);
  if (current === undefined) return new Set();
  const previous: TwoSlotName = current === "A" ? "B" : "A";
  return new Set(now < handoffDeadline && state[previous].secret ? [current, previous] : [current]);
}

/** Where a replay of the two-slot design starts: the first deploy (empty), or secrets that already exist. */
export interface TwoSlotStart {
  readonly state: TwoSlotState;
  /**
   * The current secret's handoff deadline in the first run, when it is not its creation plus handoffDays: the run
   * that changes handoffDays keeps the later of the old and the new deadline (as the apply guard does), and the
   * operator was told it. @default - the current secret's creation plus handoffDays
   */
  readonly handoffDeadline?: Minute;
  /**
   * The start's secrets are already in the ledger (a replay that goes on under changed settings), so they are not
   * entered again. @default false
   */
  readonly inLedger?: boolean;
}

/**
 * Replays the two-slot design of constructs/rotating-client-secret.ts over `runs` (pipeline runs, ascending) and
 * returns the state after the last one.
 *
 * Per run: refresh finds each `time_rotating` that is due. A due slot whose secret is protected (see protectedSlots)
 * is held: the run applies without refreshing it, so it stays due. Every other due rotation is re-created, slot A's
 * first (`rotation_days = 2I`), then slot B's (`rotation_rfc3339 = A.rotation_rfc3339 + I`, evaluated only on
 * creation because of `ignore_changes`; A's value as the state holds it, held or not). Each slot whose rotation id
 * changed gets a new password (`end_date = base + L`) before the old one is destroyed (`create_before_destroy`:
 * deposed objects go last in the apply). The outputs' current secret is the newest one.
 *
 * With `guard` false, nothing is held: the pipeline as it was before the apply guard (tools/secret-guard/).
 *
 * Settings apply when something is created: an existing rotation keeps its time and an existing password its end
 * date (`ignore_changes`), so a start state made under other settings replays as Terraform would run it.
 */
export function simulateTwoSlots(
  settings: RotationSettings,
  runs: readonly Minute[],
  ledger: SecretLedger,
  start?: TwoSlotStart,
  guard = true,
): TwoSlotState {
  const interval = daysToMinutes(settings.rotationIntervalDays);
  const lifetime = daysToMinutes(settings.lifetimeDays);
  const handoff = daysToMinutes(settings.handoffDays);
  const slots: { A: SlotState; B: SlotState } = { A: {}, B: {} };
  if (start) Object.assign(slots, start.inLedger ? start.state : registerStart(start, ledger, runs[0]!, handoff));
  const deadline = (now: Minute) => {
    const current = currentSlotOf(slots);
    const created = current === undefined ? -Infinity : slots[current].secret!.createdAt;
    const override = now === runs[0] ? start?.handoffDeadline : undefined;
    return Math.max(created + handoff, override ?? -Infinity);
  };

  for (const now of runs) {
    const before = currentSlotOf(slots);
    const beforeSecret = before && slots[before].secret!.number;
    const guarded = guard ? protectedSlots(slots, now, deadline(now)) : new Set<TwoSlotName>();
    for (const name of SLOTS) {
      const refreshed = refreshTimeRotating(slots[name].rotation, now);
      const due = slots[name].rotation !== undefined && refreshed === undefined;
      if (due && guarded.has(name)) ledger.rotationHeld(now, name);
      else slots[name] = { ...slots[name], rotation: refreshed };
    }

    if (slots.A.rotation === undefined) {
      slots.A = { ...slots.A, rotation: { base: now, rotatesAt: now + 2 * interval } };
      ledger.rotationCreated(now, "A", slots.A.rotation!.rotatesAt);
    }
    if (slots.B.rotation === undefined) {
      slots.B = { ...slots.B, rotation: { base: now, rotatesAt: slots.A.rotation!.rotatesAt + interval } };
      ledger.rotationCreated(now, "B", slots.B.rotation!.rotatesAt);
    }

    const deposed: { slot: TwoSlotName; number: number }[] = [];
    for (const name of SLOTS) {
      const { rotation, secret } = slots[name];
      if (secret?.rotationBase === rotation!.base) continue;
      if (secret !== undefined) deposed.push({ slot: name, number: secret.number });
      const endAt = rotation!.base + lifetime;
      const number = ledger.secretCreated(now, name, endAt, beforeSecret);
      slots[name] = { rotation, secret: { number, rotationBase: rotation!.base, createdAt: now, endAt } };
    }
    for (const old of deposed) ledger.secretDeleted(now, old.slot, old.number);

    const current = slots[currentSlotOf(slots)!].secret!;
    ledger.announceCurrent(current.number, current.createdAt);
  }
  return slots;
}

/** Enters a start state's secrets in the ledger and says which one Miradore uses: handed off, or still pending. */
function registerStart(start: TwoSlotStart, ledger: SecretLedger, firstRun: Minute, handoff: Minute): TwoSlotState {
  const current = currentSlotOf(start.state);
  if (current === undefined) return start.state;
  const previous: TwoSlotName = current === "A" ? "B" : "A";
  const renumbered: Record<TwoSlotName, SlotState> = { A: start.state.A, B: start.state.B };
  for (const name of [previous, current]) {
    const secret = start.state[name].secret;
    if (secret === undefined) continue;
    const number = ledger.secretCreated(secret.createdAt, name, secret.endAt, undefined);
    renumbered[name] = { ...start.state[name], secret: { ...secret, number } };
  }
  const currentSecret = renumbered[current].secret!;
  const deadline = start.handoffDeadline ?? currentSecret.createdAt + handoff;
  const previousSecret = renumbered[previous].secret;
  if (firstRun < deadline && previousSecret !== undefined) {
    ledger.handOff(previousSecret.number, previousSecret.createdAt);
    ledger.announceCurrent(currentSecret.number, currentSecret.createdAt, deadline);
  } else {
    ledger.handOff(currentSecret.number, currentSecret.createdAt);
  }
  return renumbered;
}
