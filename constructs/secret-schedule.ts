import { DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS } from "./entra-limits";
import { MAX_LIFETIME_DAYS } from "./terraform-limits";

/**
 * When client secrets are made, how long they live and how long an operator has to paste each new one into Miradore,
 * in days. One set of rules (below) judges it wherever it comes from: the configuration file, or a construct's props
 * in another app. With I = rotationIntervalDays, H = handoffDays, G = maxRunGapDays, L = lifetimeDays.
 */
export interface SecretSchedule {
  /** L: days each secret stays valid after it is made (its explicit `end_date`). */
  readonly lifetimeDays: number;
  /** I: days between two new secrets; each of the two slots rotates every 2 × I. */
  readonly rotationIntervalDays: number;
  /** H: days the operator has to paste a new secret into Miradore before the previous one may go. */
  readonly handoffDays: number;
  /** G: the longest the scheduled pipeline may go without a successful run. */
  readonly maxRunGapDays: number;
  /** The tenant's cap on secret lifetime (an app management policy may set less than the portal's 24 months). */
  readonly tenantMaxLifetimeDays: number;
}

/** The schedule a site gets when it sets nothing. */
export const DEFAULT_SECRET_SCHEDULE: SecretSchedule = {
  lifetimeDays: 180,
  rotationIntervalDays: 60,
  handoffDays: 21,
  maxRunGapDays: 35,
  tenantMaxLifetimeDays: DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS,
};

/** What each setting means, as messages name it. */
export const SECRET_SCHEDULE_MEANINGS: Readonly<Record<keyof SecretSchedule, string>> = {
  lifetimeDays: "how long each client secret stays valid",
  rotationIntervalDays: "days between two new client secrets",
  handoffDays: "days the operator has to paste a new secret into Miradore",
  maxRunGapDays: "the longest time the scheduled pipeline may go without a successful run",
  tenantMaxLifetimeDays: "the longest secret lifetime the tenant allows",
};

/** A broken rule: the setting to blame and what it must be ("<setting> is <value>, but <expected>"). */
export interface ScheduleProblem {
  readonly field: keyof SecretSchedule;
  readonly expected: string;
}

/** Why `value` cannot be a number of days meaning `what`, or undefined when it can. */
export function wholeDaysProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) return `must be a whole number of days (${what})`;
  if (value < 1) return `must be at least 1 day (${what})`;
  if (value > MAX_LIFETIME_DAYS) {
    return `must be at most ${MAX_LIFETIME_DAYS} days, about 292 years, the longest time Terraform's timeadd() can add to a date (${what})`;
  }
  return undefined;
}

/** Why `value` cannot be the schedule's `field`, or undefined when it can. */
export function dayCountProblem(field: keyof SecretSchedule, value: unknown): string | undefined {
  return wholeDaysProblem(value, SECRET_SCHEDULE_MEANINGS[field]);
}

/**
 * Every rule a schedule breaks: each value a day count, then the relations that keep Miradore connected through
 * every rotation (see rotating-client-secret.ts and the simulator in rotation/ that checks them):
 * - a new secret appears about every I days: slot B is timed from slot A's due time, while A keeps the drift of late
 *   runs, so consecutive secrets are I ± G apart; a secret is deleted when its own slot rotates again, which is
 *   never less than I - G after its successor appeared, so the operator's handoff must fit: H + G ≤ I;
 * - the previous secret must outlive its successor's handoff; the worst case is the first deploy, where both slots'
 *   secrets are made together and the next one comes 2I later: 2I + H + G ≤ L;
 * - L never exceeds what the tenant allows.
 * Relations are only judged once every value is a day count.
 */
export function secretScheduleProblems(schedule: SecretSchedule): ScheduleProblem[] {
  const fields = Object.keys(SECRET_SCHEDULE_MEANINGS) as (keyof SecretSchedule)[];
  const counts = fields.flatMap((field) => {
    const expected = dayCountProblem(field, schedule[field]);
    return expected === undefined ? [] : [{ field, expected }];
  });
  if (counts.length > 0) return counts;

  const {
    lifetimeDays: L,
    rotationIntervalDays: I,
    handoffDays: H,
    maxRunGapDays: G,
    tenantMaxLifetimeDays,
  } = schedule;
  const problems: ScheduleProblem[] = [];
  if (L > tenantMaxLifetimeDays) {
    problems.push({
      field: "lifetimeDays",
      expected: `must be at most ${tenantMaxLifetimeDays} (the tenant's maximum secret lifetime, secret.tenantMaxLifetimeDays)`,
    });
  }
  if (I > L) {
    problems.push({ field: "rotationIntervalDays", expected: `must be at most the secret lifetime (${L} days)` });
  } else if (2 * I + H + G > L) {
    problems.push({
      field: "rotationIntervalDays",
      expected:
        `must satisfy 2 × rotationIntervalDays + handoffDays (${H}) + maxRunGapDays (${G}) ≤ lifetimeDays (${L}), ` +
        `so at most ${Math.floor((L - H - G) / 2)}: a secret must stay valid until its successor has been handed off`,
    });
  }
  if (H + G > I) {
    problems.push({
      field: "handoffDays",
      expected:
        `must satisfy handoffDays + maxRunGapDays (${G}) ≤ rotationIntervalDays (${I}), so at most ${Math.max(0, I - G)}: ` +
        "the previous secret is deleted one interval after its successor appears",
    });
  }
  return problems;
}

/** The problems as one sentence each, "<field> is <value>, but <expected>", for a construct's error. */
export function describeScheduleProblems(schedule: SecretSchedule, problems: readonly ScheduleProblem[]): string[] {
  return problems.map(({ field, expected }) => `${field} is ${JSON.stringify(schedule[field])}, but ${expected}`);
}
