import type { Minute } from "./minutes";
import { handoffDelay, type OperatorModel } from "./operator-model";
import type { RotationDesign, SimulationResult } from "./rotation-events";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { simulateSinglePassword } from "./single-password-design";
import { currentSlotOf, simulateTwoSlots, type TwoSlotStart, type TwoSlotState } from "./two-slot-design";
import { daysToMinutes } from "./minutes";

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

  /**
   * Whether the pipeline's apply guard holds a due rotation that would delete a secret Miradore may still use.
   * @default true - as tools/secret-guard/ does; false replays the pipeline as it was before the guard
   */
  readonly guard?: boolean;

  /** Secrets that exist before the first run (two-slot design only). @default - none: the first run deploys */
  readonly start?: TwoSlotStart;
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
  if (design === "two-slot") simulateTwoSlots(settings, runs, ledger, options.start, options.guard ?? true);
  else
    simulateSinglePassword(settings, runs, ledger, options.singlePasswordRotationDays ?? settings.rotationIntervalDays);
  return { design, settings, runs, events: ledger.events() };
}

/** Settings in force for a stretch of runs: a live site whose settings are edited between two runs. */
export interface SettingsSegment {
  readonly settings: RotationSettings;
  readonly runs: readonly Minute[];
}

/**
 * Replays the two-slot design through edits of the settings: each segment's runs under its settings, from where the
 * previous segment left the secrets (existing secrets keep their dates and rotations, as Terraform keeps them). The
 * run that changes handoffDays keeps the later of the old and new deadline, as the apply guard does.
 */
export function simulateEdits(
  segments: readonly SettingsSegment[],
  options: Pick<SimulateOptions, "operator" | "guard"> = {},
): SimulationResult {
  const operator = options.operator ?? "last-moment";
  const ledger = new SecretLedger(handoffDelay(operator, segments[0]!.settings));
  let state: TwoSlotState | undefined;
  let previous: RotationSettings | undefined;
  for (const { settings, runs } of segments) {
    ledger.handoffDelay = handoffDelay(operator, settings);
    const current = state && currentSlotOf(state);
    const created = current && state![current].secret!.createdAt;
    const start: TwoSlotStart | undefined = state && {
      state,
      inLedger: true,
      handoffDeadline:
        created === undefined
          ? undefined
          : created + daysToMinutes(Math.max(settings.handoffDays, previous?.handoffDays ?? 0)),
    };
    state = simulateTwoSlots(settings, runs, ledger, start, options.guard ?? true);
    previous = settings;
  }
  return {
    design: "two-slot",
    settings: segments.at(-1)!.settings,
    runs: segments.flatMap((segment) => segment.runs),
    events: ledger.events(),
  };
}
