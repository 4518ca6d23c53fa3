import { daysToMinutes, formatMinute, MINUTES_PER_DAY, type Minute } from "../../rotation/minutes";
import type { DirectoryPassword, ObservedRun } from "./pipeline-replay";

const describePasswords = (passwords: readonly DirectoryPassword[]) =>
  passwords
    .map((p) => `${p.keyId} (slot ${p.slot}, ${formatMinute(p.startAt)} to ${formatMinute(p.endAt)})`)
    .join(", ") || "none";

/**
 * Moments from the first run to `until` at which the fake directory holds no valid password (started, not past its
 * end date). Between two runs only time changes the directory, and validity only ends at end dates, so each run's
 * passwords are checked at the run and at every end date before the next run: that finds every such moment.
 */
export function momentsWithoutValidSecret(runs: readonly ObservedRun[], until: Minute = runs.at(-1)!.at): string[] {
  const problems: string[] = [];
  runs.forEach((run, index) => {
    const next = runs[index + 1]?.at ?? until + 1;
    const moments = [run.at, ...run.passwords.map((p) => p.endAt).filter((end) => end > run.at && end < next)];
    for (const moment of moments) {
      if (!run.passwords.some((p) => p.startAt <= moment && moment < p.endAt)) {
        problems.push(
          `at ${formatMinute(moment)} (after the run at ${formatMinute(run.at)}) no password is valid; ` +
            `the directory holds: ${describePasswords(run.passwords)}`,
        );
      }
    }
  });
  return [...new Set(problems)];
}

/** Passwords whose end date is more than `lifetimeDays` after their start date, each once. */
export function passwordsOutlivingLifetime(runs: readonly ObservedRun[], lifetimeDays: number): string[] {
  const tooLong = new Map<string, DirectoryPassword>();
  for (const p of runs.flatMap((run) => run.passwords)) {
    if (p.endAt - p.startAt > daysToMinutes(lifetimeDays)) tooLong.set(p.keyId, p);
  }
  return [...tooLong.values()].map(
    (p) =>
      `${describePasswords([p])} lives ${((p.endAt - p.startAt) / MINUTES_PER_DAY).toFixed(
        2,
      )} days, more than ${lifetimeDays}`,
  );
}
