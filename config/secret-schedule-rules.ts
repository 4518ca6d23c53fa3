import type { SecretConfig } from "./config-schema";

/** A broken relation between secret settings: the field to blame and what it must be. */
export interface ScheduleProblem {
  readonly field: keyof SecretConfig;
  readonly expected: string;
}

/**
 * The relations that keep Miradore connected through every rotation (see constructs/rotating-client-secret.ts and
 * the simulator that checks them). With I = rotationIntervalDays, H = handoffDays, G = maxRunGapDays, L = lifetime:
 * - a new secret appears about every I days: slot B is timed from slot A's due time, while A keeps the drift of late
 *   runs, so consecutive secrets are I ± G apart; a secret is deleted when its own slot rotates again, which is
 *   never less than I - G after its successor appeared, so the operator's handoff must fit: H + G ≤ I;
 * - the previous secret must outlive its successor's handoff; the worst case is the first deploy, where both slots'
 *   secrets are made together and the next one comes 2I later: 2I + H + G ≤ L;
 * - L never exceeds what the tenant allows.
 */
export function secretScheduleProblems(secret: SecretConfig): ScheduleProblem[] {
  const { lifetimeDays: L, rotationIntervalDays: I, handoffDays: H, maxRunGapDays: G, tenantMaxLifetimeDays } = secret;
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
