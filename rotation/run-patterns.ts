import { daysToMinutes, MINUTES_PER_DAY, type Minute } from "./minutes";
import type { RotationSettings } from "./rotation-settings";
import { seededRandom } from "./seeded-random";

/** The pipeline schedules the simulator replays, by name. */
export type RunPatternName = "daily" | "weekly" | "missed-month" | "random";
export const RUN_PATTERN_NAMES: readonly RunPatternName[] = ["daily", "weekly", "missed-month", "random"];

/** Length of the missed month in the "missed-month" pattern. */
export const MISSED_MONTH_DAYS = 31;

/** Runs every `days` days from `first` (the first deploy) through `until`. */
export function runsEvery(first: Minute, until: Minute, days: number): Minute[] {
  const step = daysToMinutes(days);
  const runs: Minute[] = [];
  for (let run = first; run <= until; run += step) runs.push(run);
  return runs;
}

/** `runs` without those strictly between `after` and `after + gapDays`: the pipeline is down for that long. */
export function withGap(runs: readonly Minute[], after: Minute, gapDays: number): Minute[] {
  const resume = after + daysToMinutes(gapDays);
  return runs.filter((run) => run <= after || run >= resume);
}

/** Runs at random minutes, each 1 minute to `maxGapDays` after the one before (uniform), reproducible by `seed`. */
export function randomRuns(first: Minute, until: Minute, maxGapDays: number, seed: number): Minute[] {
  const random = seededRandom(seed);
  const maxGap = daysToMinutes(maxGapDays);
  const runs: Minute[] = [first];
  for (let run = first + 1 + Math.floor(random() * maxGap); run <= until; run += 1 + Math.floor(random() * maxGap)) {
    runs.push(run);
  }
  return runs;
}

/** The longest time between two consecutive runs, in days. */
export function largestGapDays(runs: readonly Minute[]): number {
  let largest = 0;
  for (let i = 1; i < runs.length; i++) largest = Math.max(largest, runs[i]! - runs[i - 1]!);
  return largest / MINUTES_PER_DAY;
}

/** The end of a simulation `years` long that starts at `first`. */
export const horizon = (first: Minute, years: number): Minute => first + daysToMinutes(Math.ceil(years * 365.25));

/**
 * A named pattern over `years` from `first`:
 * - daily: every day at the first deploy's time of day;
 * - weekly: every 7 days;
 * - missed-month: daily, except no run for 31 days from the last run before slot A's first rotation is due (day 2I),
 *   the place where a long gap hurts most (the first deploy's secrets are the oldest the schedule ever relies on);
 * - random: random times, gaps up to maxGapDays (seed 1 unless given).
 */
export function runPattern(
  name: RunPatternName,
  options: { first: Minute; years: number; settings: RotationSettings; seed?: number },
): Minute[] {
  const { first, settings } = options;
  const until = horizon(first, options.years);
  switch (name) {
    case "daily":
      return runsEvery(first, until, 1);
    case "weekly":
      return runsEvery(first, until, 7);
    case "missed-month":
      return withGap(
        runsEvery(first, until, 1),
        first + daysToMinutes(2 * settings.rotationIntervalDays - 1),
        MISSED_MONTH_DAYS,
      );
    case "random":
      return randomRuns(first, until, settings.maxRunGapDays, options.seed ?? 1);
  }
}
