import type { Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";

/** Which password a secret belongs to: a slot of the two-slot design, or the documented single password. */
export type SlotName = "A" | "B" | "single";

/** A `time_rotating` was (re)created: its base is `at`, and it falls due after `rotatesAt`. */
export interface RotationCreated {
  readonly kind: "rotation-created";
  readonly at: Minute;
  readonly slot: SlotName;
  readonly rotatesAt: Minute;
}

/**
 * A due `time_rotating` was held: its rotation would delete a secret Miradore may still use (the current one, or the
 * previous one during a handoff), so the apply guard applied the run without it.
 */
export interface RotationHeld {
  readonly kind: "rotation-held";
  readonly at: Minute;
  readonly slot: SlotName;
}

/** A new `azuread_application_password`: secret number `secret`, valid until its `end_date`. */
export interface SecretCreated {
  readonly kind: "secret-created";
  readonly at: Minute;
  readonly slot: SlotName;
  /** Secrets are numbered 1, 2, 3… in the order they are made. */
  readonly secret: number;
  readonly endAt: Minute;
  /** The secret the outputs called current just before this one was made; absent on the first deploy. */
  readonly replaces?: number;
}

/** An `azuread_application_password` destroyed by Terraform. */
export interface SecretDeleted {
  readonly kind: "secret-deleted";
  readonly at: Minute;
  readonly slot: SlotName;
  readonly secret: number;
}

/** The operator pasted secret number `secret` into Miradore's console. */
export interface OperatorHandoff {
  readonly kind: "handoff";
  readonly at: Minute;
  readonly secret: number;
}

export type RotationEvent = RotationCreated | RotationHeld | SecretCreated | SecretDeleted | OperatorHandoff;

/** Which rotation design a simulation ran. */
export type RotationDesign = "two-slot" | "single-password";

/** What a simulation produced: the event log, in time order (events of one minute in the order they happened). */
export interface SimulationResult {
  readonly design: RotationDesign;
  readonly settings: RotationSettings;
  /** The pipeline runs, first deploy first. */
  readonly runs: readonly Minute[];
  readonly events: readonly RotationEvent[];
}
