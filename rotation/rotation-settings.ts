import type { SecretConfig } from "../config/config-schema";

/**
 * The secret settings the simulator needs, in days, named as in the configuration file:
 * L = lifetimeDays, I = rotationIntervalDays, H = handoffDays, G = maxRunGapDays.
 */
export type RotationSettings = Pick<
  SecretConfig,
  "lifetimeDays" | "rotationIntervalDays" | "handoffDays" | "maxRunGapDays"
>;
