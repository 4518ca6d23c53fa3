import type { Minute } from "./minutes";
import type { RotationEvent, SlotName } from "./rotation-events";

/** One secret's life as the event log tells it: for tables and charts. */
export interface SecretLifetime {
  readonly number: number;
  readonly slot: SlotName;
  readonly createdAt: Minute;
  readonly endAt: Minute;
  /** When Terraform deleted it; undefined while it still exists at the end of the log. */
  readonly deletedAt?: Minute;
  /** When Miradore started and stopped using it (stop undefined: still in use at the end of the log). */
  readonly inUse?: { readonly from: Minute; readonly to?: Minute };
}

/** Every secret in the log, in creation order, with its deletion and the time Miradore used it. */
export function secretLifetimes(events: readonly RotationEvent[]): SecretLifetime[] {
  const secrets = new Map<number, { -readonly [K in keyof SecretLifetime]: SecretLifetime[K] }>();
  let inUse: number | undefined;
  for (const event of events) {
    if (event.kind === "secret-created") {
      secrets.set(event.secret, { number: event.secret, slot: event.slot, createdAt: event.at, endAt: event.endAt });
    } else if (event.kind === "secret-deleted") {
      secrets.get(event.secret)!.deletedAt = event.at;
    } else if (event.kind === "handoff") {
      const previous = inUse === undefined ? undefined : secrets.get(inUse);
      if (previous?.inUse !== undefined) previous.inUse = { from: previous.inUse.from, to: event.at };
      secrets.get(event.secret)!.inUse = { from: event.at };
      inUse = event.secret;
    }
  }
  return [...secrets.values()];
}
