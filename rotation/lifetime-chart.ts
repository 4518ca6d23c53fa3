import { formatDay, type Minute } from "./minutes";
import type { SimulationResult } from "./rotation-events";
import { secretLifetimes } from "./secret-lifetimes";

/** What each chart character means. */
export const CHART_LEGEND =
  "=  Miradore uses it   -  exists, not in use   .  deleted before its end date   !  Miradore uses it, but it is gone";

/**
 * One row per secret over the simulated time, `width` characters wide: when it existed, when Miradore used it, and
 * how much validity its deletion threw away. A character stands for a stretch of time and shows the most important
 * thing that happened in it.
 */
export function lifetimeChart(result: SimulationResult, options: { width?: number; until?: Minute } = {}): string {
  const width = options.width ?? 72;
  const from = result.runs[0]!;
  const until = options.until ?? result.runs[result.runs.length - 1]!;
  const span = (until - from + 1) / width;
  const overlaps = (start: Minute, end: Minute, column: number) =>
    start < from + (column + 1) * span && end > from + column * span;

  const rows = secretLifetimes(result.events).map((secret) => {
    const gone = secret.deletedAt ?? Infinity;
    const unusable = Math.min(gone, secret.endAt);
    const use = secret.inUse;
    let bar = "";
    for (let column = 0; column < width; column++) {
      if (use && overlaps(Math.max(use.from, unusable), use.to ?? Infinity, column)) bar += "!";
      else if (use && overlaps(use.from, Math.min(use.to ?? Infinity, unusable), column)) bar += "=";
      else if (overlaps(secret.createdAt, gone, column)) bar += "-";
      else if (overlaps(gone, secret.endAt, column)) bar += ".";
      else bar += " ";
    }
    return `${`#${secret.number} ${secret.slot}`.padStart(10)} |${bar}|`;
  });
  const axis = `${" ".repeat(10)} ${formatDay(from)}${formatDay(until).padStart(width - 8)}`;
  return [axis, ...rows, "", `${" ".repeat(11)}${CHART_LEGEND}`].join("\n") + "\n";
}
