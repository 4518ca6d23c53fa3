import type { Minute } from "./minutes";
import { handoffDelay, type OperatorModel } from "./operator-model";
import type { RotationDesign, SimulationResult } from "./rotation-events";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { simulateSinglePassword } from "./single-password-design";
import { simulateTwoSlots } from "./two-slot-design";

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /**
   * The design to replay.
   * @default "two-slot" - what constructs/rotating-client-secret.ts builds
   */
  readonly design?: RotationDesign;

  /**
   * When the operator pastes each new secret into Miradore.
   * @default "last-moment" - handoffDays after the secret was made (worst case)
   */
  readonly operator?: OperatorModel;

  /**
   * `rotation_days` of the single-password design's `time_rotating`.
   * @default - settings.rotationIntervalDays
   */
  readonly singlePasswordRotationDays?: number;
}

/**
 * Replays a rotation design over pipeline runs (minutes, ascending; the first is the first deploy) and returns the
 * event log: secrets made and deleted, `time_rotating`s recreated, the operator's handoffs. Pure and deterministic.
 */
export function simulate(
  settings: RotationSettings,
  runs: readonly Minute[],
  options: SimulateOptions = {},
): SimulationResult {
  if (runs.length === 0) throw new Error("simulate: runs is empty, but needs at least the first deploy");
  for (let i = 1; i < runs.length; i++) {
    if (!(runs[i]! > runs[i - 1]!)) {
      throw new Error(
        `simulate: runs[${i}] is ${runs[i]}, but runs must be strictly ascending (runs[${i - 1}] is ${runs[i - 1]})`,
      );
    }
  }
  const design = options.design ?? "two-slot";
  const ledger = new SecretLedger(handoffDelay(options.operator ?? "last-moment", settings));
  if (design === "two-slot") simulateTwoSlots(settings, runs, ledger);
  else
    simulateSinglePassword(settings, runs, ledger, options.singlePasswordRotationDays ?? settings.rotationIntervalDays);
  return { design, settings, runs, events: ledger.events() };
}
