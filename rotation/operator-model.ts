import { daysToMinutes, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";

/**
 * When the operator pastes a new secret into Miradore (there is no API for it):
 * - "last-moment": exactly `handoffDays` after the secret was made, the worst case the schedule must survive;
 * - "immediately": the minute it was made.
 * Either way the first deploy's secret is pasted at once: Miradore cannot connect before it.
 */
export type OperatorModel = "last-moment" | "immediately";

export const OPERATOR_MODELS: readonly OperatorModel[] = ["last-moment", "immediately"];

/** Minutes between a secret's creation and the operator's handoff to it. */
export function handoffDelay(model: OperatorModel, settings: RotationSettings): Minute {
  return model === "last-moment" ? daysToMinutes(settings.handoffDays) : 0;
}
