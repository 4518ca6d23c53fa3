import { daysToMinutes, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { refreshTimeRotating, type TimeRotatingState } from "./time-rotating-model";

/** One slot in Terraform state: its `time_rotating` and its password (number, and the rotation id it was made for). */
interface SlotState {
  rotation?: TimeRotatingState;
  secret?: { readonly number: number; readonly rotationBase: Minute; readonly createdAt: Minute };
}

/**
 * Replays the two-slot design of constructs/rotating-client-secret.ts over `runs` (pipeline runs, first deploy first).
 *
 * Per run: refresh drops each `time_rotating` that is due; apply recreates slot A's (`rotation_days = 2I`), then slot
 * B's (`rotation_rfc3339 = A.rotation_rfc3339 + I`, evaluated only on creation because of `ignore_changes`); each
 * slot whose rotation id changed gets a new password (`end_date = base + L`) before the old one is destroyed
 * (`create_before_destroy`: deposed objects go last in the apply). The outputs' current secret is the slot whose
 * rotation is later.
 */
export function simulateTwoSlots(settings: RotationSettings, runs: readonly Minute[], ledger: SecretLedger): void {
  const interval = daysToMinutes(settings.rotationIntervalDays);
  const lifetime = daysToMinutes(settings.lifetimeDays);
  const a: SlotState = {};
  const b: SlotState = {};
  const currentOf = () => ((b.rotation?.rotatesAt ?? -Infinity) > (a.rotation?.rotatesAt ?? -Infinity) ? b : a);

  for (const now of runs) {
    // What the outputs said before this run: refresh may drop both schedules, and with them the ordering.
    const before = currentOf().secret?.number;
    a.rotation = refreshTimeRotating(a.rotation, now);
    b.rotation = refreshTimeRotating(b.rotation, now);

    if (a.rotation === undefined) {
      a.rotation = { base: now, rotatesAt: now + 2 * interval };
      ledger.rotationCreated(now, "A", a.rotation.rotatesAt);
    }
    if (b.rotation === undefined) {
      b.rotation = { base: now, rotatesAt: a.rotation.rotatesAt + interval };
      ledger.rotationCreated(now, "B", b.rotation.rotatesAt);
    }

    const deposed: { slot: "A" | "B"; number: number }[] = [];
    for (const [name, slot] of [
      ["A", a],
      ["B", b],
    ] as const) {
      const base = slot.rotation!.base;
      if (slot.secret?.rotationBase === base) continue;
      if (slot.secret !== undefined) deposed.push({ slot: name, number: slot.secret.number });
      slot.secret = {
        number: ledger.secretCreated(now, name, base + lifetime, before),
        rotationBase: base,
        createdAt: now,
      };
    }
    for (const old of deposed) ledger.secretDeleted(now, old.slot, old.number);

    const current = currentOf().secret!;
    ledger.announceCurrent(current.number, current.createdAt);
  }
}
