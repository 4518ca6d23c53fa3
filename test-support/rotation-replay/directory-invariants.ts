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

/**
 * After every run, the secret Miradore uses must be in the directory and valid, up to the next run: the one the
 * outputs handed over (their key id) from its handoff deadline on (the operator pastes it at the last moment; the
 * first deploy's at once), and the one handed over before it until then. Checked at the run and at every handoff
 * deadline and end date before the next run. Returns what broke, once each.
 */
export function handoverProblems(runs: readonly ObservedRun[]): string[] {
  const problems = new Set<string>();
  const handedOver: { keyId: string; from: Minute }[] = [];
  runs.forEach((run, index) => {
    if (handedOver.at(-1)?.keyId !== run.current.keyId) {
      handedOver.push({
        keyId: run.current.keyId,
        from: handedOver.length === 0 ? run.at : run.current.handoffDeadline,
      });
    }
    const next = runs[index + 1]?.at ?? run.at + 1;
    const inUseAt = (moment: Minute) => [...handedOver].reverse().find((h) => h.from <= moment) ?? handedOver[0]!;
    const moments = [run.at, ...handedOver.map((h) => h.from), ...run.passwords.map((p) => p.endAt)].filter(
      (moment) => moment >= run.at && moment < next,
    );
    for (const moment of moments) {
      const inUse = inUseAt(moment);
      const password = run.passwords.find((p) => p.keyId === inUse.keyId);
      const where = `at ${formatMinute(moment)} Miradore uses ${inUse.keyId} (handed over ${formatMinute(inUse.from)})`;
      if (!password) problems.add(`${where}, but it is gone after the run at ${formatMinute(run.at)}`);
      else if (password.endAt <= moment) problems.add(`${where}, but it expired at ${formatMinute(password.endAt)}`);
    }
  });
  return [...problems];
}
