import { daysToMinutes, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { refreshTimeRotating, type TimeRotatingState } from "./time-rotating-model";

/**
 * Replays the provider's documented pattern: one `time_rotating` (`rotation_days = rotationDays`) whose id feeds one
 * password's `rotate_when_changed`. Even with `create_before_destroy`, the old password is destroyed in the same apply
 * that makes the new one (hashicorp/terraform-provider-azuread #1549, #1599), so Miradore loses its secret at once.
 */
export function simulateSinglePassword(
  settings: RotationSettings,
  runs: readonly Minute[],
  ledger: SecretLedger,
  rotationDays: number,
): void {
  const lifetime = daysToMinutes(settings.lifetimeDays);
  let rotation: TimeRotatingState | undefined;
  let secret: { readonly number: number; readonly rotationBase: Minute; readonly createdAt: Minute } | undefined;

  for (const now of runs) {
    rotation = refreshTimeRotating(rotation, now);
    if (rotation === undefined) {
      rotation = { base: now, rotatesAt: now + daysToMinutes(rotationDays) };
      ledger.rotationCreated(now, "single", rotation.rotatesAt);
    }
    if (secret?.rotationBase !== rotation.base) {
      const old = secret;
      const number = ledger.secretCreated(now, "single", rotation.base + lifetime, old?.number);
      secret = { number, rotationBase: rotation.base, createdAt: now };
      if (old !== undefined) ledger.secretDeleted(now, "single", old.number);
    }
    ledger.announceCurrent(secret.number, secret.createdAt);
  }
}
