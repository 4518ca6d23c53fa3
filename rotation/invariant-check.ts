import { daysToMinutes, formatMinute, MINUTES_PER_DAY, type Minute } from "./minutes";
import type { SimulationResult } from "./rotation-events";

/** The three properties every minute must have. */
export type InvariantName =
  /** (a) The secret Miradore uses exists and is valid: not deleted, not past its end date. */
  | "miradore-secret-valid"
  /** (b) For handoffDays after a secret is made, the secret it replaces stays usable (not deleted, not expired). */
  | "handoff-window"
  /** (c) No secret's end date is more than lifetimeDays after its creation. */
  | "lifetime";

/** The first minute at which an invariant fails, and why, in words. */
export interface InvariantViolation {
  readonly at: Minute;
  readonly invariant: InvariantName;
  readonly explanation: string;
}

/** A secret as the replay sees it. */
interface LiveSecret {
  readonly number: number;
  readonly createdAt: Minute;
  readonly endAt: Minute;
  readonly replaces: number | undefined;
  deletedAt: Minute | undefined;
}

/**
 * How {@link firstViolation} walks time:
 * - "every-minute": literally each minute;
 * - "changes-only": only the minutes at which some invariant's inputs can change: an event's minute, a secret's end
 *   date, the end of a handoff window. Every check below compares m with exactly those minutes, so between two of
 *   them every check gives the same answer as at the first: the first violation is the same minute either way (the
 *   tests replay both over the same logs, passing and failing). It is thousands of times faster.
 */
export type CheckStep = "every-minute" | "changes-only";

/** Options of {@link firstViolation}. */
export interface CheckOptions {
  /**
   * The last minute to check.
   * @default - the last run
   */
  readonly until?: Minute;

  /** @default "every-minute" */
  readonly step?: CheckStep;

  /**
   * (c) judges only secrets made at or after this minute: secrets that existed before a replay started were made
   * under the settings of their time. @default - every secret
   */
  readonly lifetimeCheckedFrom?: Minute;
}

/**
 * Replays the event log from the first run to `until` and returns the first minute at which an invariant fails, or
 * undefined. At minute m the world is the one after every event of m (a secret deleted at m is gone at m, a handoff
 * at m is done at m), and a secret is valid while m < end date.
 *
 * "Expires" in (b) includes deletion: a deleted secret is as unusable as an expired one, and deletion is exactly what
 * the single-password design gets wrong.
 */
export function firstViolation(result: SimulationResult, options: CheckOptions = {}): InvariantViolation | undefined {
  const { events, runs, settings } = result;
  const handoff = daysToMinutes(settings.handoffDays);
  const lifetime = daysToMinutes(settings.lifetimeDays);
  const lifetimeCheckedFrom = options.lifetimeCheckedFrom ?? -Infinity;
  const until = options.until ?? runs[runs.length - 1]!;
  const secrets = new Map<number, LiveSecret>();
  const existing: LiveSecret[] = [];
  const inHandoffWindow: LiveSecret[] = [];
  let inUse: LiveSecret | undefined;
  let next = 0;
  // Read once per event, not once per minute: events have several shapes, which makes property reads slow.
  let nextEventAt = events.length > 0 ? events[0]!.at : Infinity;
  const at = formatMinute;
  const everyMinute = (options.step ?? "every-minute") === "every-minute";
  const nextChange = (m: Minute): Minute => {
    let soonest = nextEventAt;
    const consider = (minute: Minute) => {
      if (minute > m && minute < soonest) soonest = minute;
    };
    for (const secret of existing) consider(secret.endAt);
    if (inUse !== undefined) consider(inUse.endAt);
    for (const secret of inHandoffWindow) consider(secret.createdAt + handoff);
    return Math.min(soonest, until + 1);
  };

  for (let m = runs[0]!; m <= until; m = everyMinute ? m + 1 : nextChange(m)) {
    // Events before the first run (secrets that existed when a replay started) count from the first minute.
    while (nextEventAt <= m) {
      const event = events[next++]!;
      nextEventAt = next < events.length ? events[next]!.at : Infinity;
      switch (event.kind) {
        case "secret-created": {
          const secret: LiveSecret = {
            number: event.secret,
            createdAt: event.at,
            endAt: event.endAt,
            replaces: event.replaces,
            deletedAt: undefined,
          };
          secrets.set(secret.number, secret);
          existing.push(secret);
          if (secret.replaces !== undefined) inHandoffWindow.push(secret);
          break;
        }
        case "secret-deleted": {
          const secret = secrets.get(event.secret)!;
          secret.deletedAt = m;
          existing.splice(existing.indexOf(secret), 1);
          break;
        }
        case "handoff":
          inUse = secrets.get(event.secret);
          break;
        case "rotation-created":
        case "rotation-held":
          break;
      }
    }

    // (a)
    if (inUse === undefined) {
      return { at: m, invariant: "miradore-secret-valid", explanation: `at ${at(m)} Miradore has no secret at all` };
    }
    if (inUse.deletedAt !== undefined) {
      return {
        at: m,
        invariant: "miradore-secret-valid",
        explanation:
          `at ${at(m)} Miradore uses secret #${inUse.number}, ` + `but Terraform deleted it at ${at(inUse.deletedAt)}`,
      };
    }
    if (m >= inUse.endAt) {
      return {
        at: m,
        invariant: "miradore-secret-valid",
        explanation: `at ${at(m)} Miradore uses secret #${inUse.number}, but it expired at ${at(inUse.endAt)}`,
      };
    }

    // (b)
    for (let i = inHandoffWindow.length - 1; i >= 0; i--) {
      if (m >= inHandoffWindow[i]!.createdAt + handoff) inHandoffWindow.splice(i, 1);
    }
    for (let i = 0; i < inHandoffWindow.length; i++) {
      const secret = inHandoffWindow[i]!;
      const previous = secrets.get(secret.replaces!)!;
      const lost =
        previous.deletedAt !== undefined
          ? `deleted at ${at(previous.deletedAt)}`
          : m >= previous.endAt
            ? `expired at ${at(previous.endAt)}`
            : undefined;
      if (lost !== undefined) {
        return {
          at: m,
          invariant: "handoff-window",
          explanation:
            `at ${at(m)} secret #${secret.number} (made ${at(secret.createdAt)}) is in its ` +
            `${settings.handoffDays}-day handoff window until ${at(secret.createdAt + handoff)}, ` +
            `but the secret it replaces, #${previous.number}, was ${lost}`,
        };
      }
    }

    // (c)
    for (let i = 0; i < existing.length; i++) {
      const secret = existing[i]!;
      if (secret.createdAt >= lifetimeCheckedFrom && secret.endAt - secret.createdAt > lifetime) {
        return {
          at: m,
          invariant: "lifetime",
          explanation:
            `secret #${secret.number} was made ${at(secret.createdAt)} with end date ${at(secret.endAt)}: ` +
            `${((secret.endAt - secret.createdAt) / MINUTES_PER_DAY).toFixed(2)} days, ` +
            `more than lifetimeDays (${settings.lifetimeDays})`,
        };
      }
    }
  }
  return undefined;
}
