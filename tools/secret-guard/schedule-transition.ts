// A change of the secret schedule, judged against the secrets that exist (rotation/transition-check.ts), in words an
// operator can act on: what would go wrong and when, and how to make the change safely instead.
import { secretScheduleProblems } from "../../constructs";
import { formatMinute, MINUTES_PER_DAY, type Minute } from "../../rotation/minutes";
import type { RotationSettings } from "../../rotation/rotation-settings";
import { stateAfterDailyRuns, transitionViolation } from "../../rotation/transition-check";
import { currentSlotOf, type TwoSlotStart, type TwoSlotState } from "../../rotation/two-slot-design";
import { daysToMinutes } from "../../rotation/minutes";

/**
 * Where the change starts from: the secrets that exist, and the current one's handoff deadline, which the run that
 * changes handoffDays keeps at the later of the old and the new (as the apply guard does).
 */
function startOf(state: TwoSlotState, before: RotationSettings, after: RotationSettings): TwoSlotStart {
  const current = currentSlotOf(state);
  const created = current === undefined ? undefined : state[current].secret?.createdAt;
  const handoffDays = Math.max(before.handoffDays, after.handoffDays);
  return { state, handoffDeadline: created === undefined ? undefined : created + daysToMinutes(handoffDays) };
}

/** Why `after` cannot take over from `before` for the secrets in `state` at `now`; undefined when it can. */
export function transitionProblem(
  before: RotationSettings,
  after: RotationSettings,
  state: TwoSlotState,
  now: Minute,
): string | undefined {
  const start = startOf(state, before, after);
  const violation = transitionViolation(after, start, now);
  if (!violation) return undefined;
  const explanation = withKeyIds(violation.explanation, start).replace(/^at \d{4}-\d\d-\d\d \d\d:\d\d /, "");
  return `Under the new schedule, at ${formatMinute(violation.at)} UTC, ${explanation}`;
}

/**
 * What to do instead: when the change becomes safe if the old schedule runs on a while (the first day found by
 * replaying it daily), and, for a change of one setting, the nearest value that is safe now.
 */
export function transitionAdvice(
  before: RotationSettings,
  after: RotationSettings,
  state: TwoSlotState,
  now: Minute,
): string {
  const advice = [
    `Keep the old schedule for now (set the setting${changedFields(before, after).length > 1 ? "s" : ""} back)`,
  ];
  const later = firstSafeDay(before, after, state, now);
  if (later !== undefined) advice.push(`the change is safe from ${formatMinute(later).slice(0, 10)} on`);
  const nearest = nearestSafeValue(before, after, state, now);
  if (nearest) advice.push(`or change it now only as far as secret.${nearest.field}: ${nearest.value}`);
  return `${advice.join("; ")}.`;
}

function changedFields(before: RotationSettings, after: RotationSettings): (keyof RotationSettings)[] {
  return (Object.keys(after) as (keyof RotationSettings)[]).filter((field) => before[field] !== after[field]);
}

/** The first day (checked weekly, then to the day) from which the change is safe if `before` keeps running daily. */
function firstSafeDay(
  before: RotationSettings,
  after: RotationSettings,
  state: TwoSlotState,
  now: Minute,
): Minute | undefined {
  const horizonDays = 2 * Math.max(before.rotationIntervalDays, after.rotationIntervalDays) + before.maxRunGapDays;
  const safeAt = (days: number) => {
    const at = now + days * MINUTES_PER_DAY;
    const later = stateAfterDailyRuns(before, startOf(state, before, before), now, at).state;
    return transitionViolation(after, startOf(later, before, after), at) === undefined;
  };
  let week = 7;
  while (week <= horizonDays + 7 && !safeAt(week)) week += 7;
  if (week > horizonDays + 7) return undefined;
  let days = week - 6;
  while (days < week && !safeAt(days)) days++;
  return now + days * MINUTES_PER_DAY;
}

/** For a change of one setting, the value closest to the new one that is safe now and keeps the schedule's rules. */
function nearestSafeValue(
  before: RotationSettings,
  after: RotationSettings,
  state: TwoSlotState,
  now: Minute,
): { field: keyof RotationSettings; value: number } | undefined {
  const fields = changedFields(before, after);
  if (fields.length !== 1) return undefined;
  const field = fields[0]!;
  const safe = (value: number) => {
    const candidate = { ...after, [field]: value };
    // The tenant's maximum is not in the plan; the configuration held the new value to it already.
    const rules = secretScheduleProblems({ ...candidate, tenantMaxLifetimeDays: candidate.lifetimeDays });
    return rules.length === 0 && transitionViolation(candidate, startOf(state, before, candidate), now) === undefined;
  };
  // Binary search between the old value (safe: it is the schedule in force) and the new one.
  let good = before[field];
  let bad = after[field];
  if (!safe(good)) return undefined;
  while (Math.abs(bad - good) > 1) {
    const middle = Math.round((good + bad) / 2);
    if (safe(middle)) good = middle;
    else bad = middle;
  }
  return good === before[field] ? undefined : { field, value: good };
}

/** The model numbers secrets that exist at the start in order, previous first: name them by their key ids instead. */
function withKeyIds(explanation: string, start: TwoSlotStart): string {
  const current = currentSlotOf(start.state);
  if (current === undefined) return explanation;
  const previous = current === "A" ? "B" : "A";
  const keyIds = [start.state[previous].secret, start.state[current].secret]
    .filter((secret) => secret !== undefined)
    .map((secret) => secret!.keyId ?? "(unknown key id)");
  return explanation.replace(/(?:secret )?#(\d+)/g, (_, number: string) => {
    const keyId = keyIds[Number(number) - 1];
    return keyId ? `the secret with key id ${keyId}` : `a new secret (#${number})`;
  });
}
