// A year of daily runs for one operator on fresh doubles and a fresh fake Graph; each operator has a test file of its
// own, so Jest runs them side by side.
import { FakeGraphApi } from "../fake-graph-api";
import { ProviderDoubles } from "../terraform-harness";
import { type Operator, rehearseDailyRuns, type RehearsalDay } from "./daily-runs";
import { noticeProblems } from "./expected-notice";

export const YEAR_START = new Date("2026-03-02T06:00:00Z");
/** Sign-ins show in the logs 90 minutes late: Miradore's 05:00 sync appears after the 06:00 run, so the next day. */
export const LOG_DELAY_MINUTES = 90;
/** Per test: a year of daily runs takes one to two minutes on two shared cores. */
export const YEAR_LIMIT_MS = 420_000;

export interface YearOfRuns {
  readonly days: readonly RehearsalDay[];
  /** Every day whose notice was wrong, or whose run deleted a secret Miradore used. */
  readonly problems: readonly string[];
  readonly seconds: number;
}

export async function yearOfRuns(operator: Operator, licensed: boolean, dayCount = 366): Promise<YearOfRuns> {
  const started = performance.now();
  const doubles = await ProviderDoubles.start({ now: YEAR_START });
  const graph = await FakeGraphApi.start({ directoryRoot: doubles.directoryRoot });
  try {
    const days = await rehearseDailyRuns(doubles, graph, operator, {
      days: dayCount,
      start: YEAR_START,
      licensed,
      logDelayMinutes: LOG_DELAY_MINUTES,
    });
    if (graph.unrouted.length > 0) throw new Error(`unrouted Graph requests: ${graph.unrouted.join(", ")}`);
    return {
      days,
      problems: days.flatMap((day) => noticeProblems(day, licensed)),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await doubles.stop();
    await graph.stop();
  }
}

/** Days a new secret has been current on (0 the day it appears). */
export const newSecretDays = (days: readonly RehearsalDay[]) =>
  days.filter((d, i) => i > 0 && d.outputs.currentKeyId !== days[i - 1]!.outputs.currentKeyId);
