import type { Minute } from "../../rotation/minutes";
import type { SimulationResult } from "../../rotation/rotation-events";
import { secretLifetimes } from "../../rotation/secret-lifetimes";

/** How long the secret a new one replaces stays usable after the new one is made. */
export interface HandoffMargin {
  readonly secret: number;
  readonly replaces: number;
  readonly createdAt: Minute;
  /** When the replaced secret stops working: deleted or past its end date, whichever comes first. */
  readonly replacedGoneAt: Minute;
  /** `replacedGoneAt - createdAt`: the operator's real handoff window, which must be at least handoffDays. */
  readonly minutes: number;
}

/** One margin per secret that replaced another, from an event log (the model's or one observed through Terraform). */
export function handoffMargins(result: SimulationResult): HandoffMargin[] {
  const lifetimes = new Map(secretLifetimes(result.events).map((secret) => [secret.number, secret]));
  return result.events.flatMap((event) => {
    if (event.kind !== "secret-created" || event.replaces === undefined) return [];
    const replaced = lifetimes.get(event.replaces)!;
    const replacedGoneAt = Math.min(replaced.deletedAt ?? Infinity, replaced.endAt);
    return [
      {
        secret: event.secret,
        replaces: event.replaces,
        createdAt: event.at,
        replacedGoneAt,
        minutes: replacedGoneAt - event.at,
      },
    ];
  });
}
