// CLI: replays the configured secret rotation over simulated years and prints its timeline and verdict.
//   rotation-timeline [--config FILE] [--site NAME] [--years N] [--pattern daily|weekly|missed-month|random]
//                     [--operator last-moment|immediately] [--design two-slot|single-password] [--start ISO] [--seed N]
// Exit codes: 0 every invariant holds at every minute, 1 an invariant fails (the verdict says where), 2 bad input.
import { parseArgs } from "node:util";
import { ConfigError } from "../config/config-error";
import { loadConfig } from "../config/load-config";
import { firstViolation } from "../rotation/invariant-check";
import { lifetimeChart } from "../rotation/lifetime-chart";
import { formatMinute, minuteOf } from "../rotation/minutes";
import { OPERATOR_MODELS } from "../rotation/operator-model";
import type { RotationDesign } from "../rotation/rotation-events";
import { largestGapDays, RUN_PATTERN_NAMES, runPattern } from "../rotation/run-patterns";
import { simulate } from "../rotation/simulate";
import { timelineTable } from "../rotation/timeline-table";
import { runCli, startedAsCommand } from "./cli/run-cli";

const USAGE =
  "usage: rotation-timeline [--config FILE] [--site NAME] [--years N] [--pattern daily|weekly|missed-month|random]\n" +
  "                         [--operator last-moment|immediately] [--design two-slot|single-password] [--start ISO] [--seed N]";
const DESIGNS: readonly RotationDesign[] = ["two-slot", "single-password"];

/** Where the command writes; tests pass their own. */
export interface CommandOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function main(
  argv: readonly string[],
  out: CommandOutput = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string" },
        site: { type: "string" },
        years: { type: "string", default: "5" },
        pattern: { type: "string", default: "daily" },
        operator: { type: "string", default: "last-moment" },
        design: { type: "string", default: "two-slot" },
        start: { type: "string" },
        seed: { type: "string", default: "1" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return usageError(out, (error as Error).message);
  }
  if (values.help) {
    out.stdout(`${USAGE}\n`);
    return 0;
  }
  const oneOf = <T extends string>(value: string, allowed: readonly T[]): value is T => allowed.includes(value as T);
  if (!oneOf(values.pattern, RUN_PATTERN_NAMES)) {
    return usageError(
      out,
      `--pattern is ${JSON.stringify(values.pattern)}, but must be one of ${RUN_PATTERN_NAMES.join(", ")}`,
    );
  }
  if (!oneOf(values.operator, OPERATOR_MODELS)) {
    return usageError(
      out,
      `--operator is ${JSON.stringify(values.operator)}, but must be one of ${OPERATOR_MODELS.join(", ")}`,
    );
  }
  if (!oneOf(values.design, DESIGNS)) {
    return usageError(out, `--design is ${JSON.stringify(values.design)}, but must be one of ${DESIGNS.join(", ")}`);
  }
  if (!/^\d+(\.\d+)?$/.test(values.years) || Number(values.years) <= 0 || Number(values.years) > 50) {
    return usageError(
      out,
      `--years is ${JSON.stringify(values.years)}, but must be a number of years above 0 and at most 50`,
    );
  }
  if (!/^\d+$/.test(values.seed))
    return usageError(out, `--seed is ${JSON.stringify(values.seed)}, but must be a whole number`);
  const first = values.start === undefined ? todayAtSix() : minuteOf(values.start);
  if (Number.isNaN(first)) {
    return usageError(
      out,
      `--start is ${JSON.stringify(values.start)}, but must be a time such as 2025-01-01T06:00:00Z`,
    );
  }

  let sites;
  try {
    sites = loadConfig({ path: values.config, env }).sites;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out.stderr(`${error.message}\n`);
    return 2;
  }
  const site = values.site === undefined && sites.length === 1 ? sites[0] : sites.find((s) => s.name === values.site);
  if (site === undefined) {
    const names = sites.map((s) => s.name).join(", ");
    return usageError(
      out,
      values.site === undefined
        ? `--site is missing, but the configuration lists several sites: ${names}`
        : `--site is ${JSON.stringify(values.site)}, but the configuration lists only: ${names}`,
    );
  }

  const settings = site.secret;
  const runs = runPattern(values.pattern, { first, years: Number(values.years), settings, seed: Number(values.seed) });
  const result = simulate(settings, runs, { design: values.design, operator: values.operator });
  const violation = firstViolation(result);
  const gap = largestGapDays(runs).toFixed(1);
  const [from, to] = [formatMinute(first), formatMinute(runs[runs.length - 1]!)];
  const operator =
    values.operator === "last-moment" ? `${settings.handoffDays} days after it is made (worst case)` : "at once";
  const verdict =
    violation === undefined
      ? `Verdict: every invariant holds at every minute from ${from} to ${to} UTC (Miradore's secret valid; each ` +
        "previous secret usable through its successor's handoff window; no secret outlives the lifetime)."
      : `Verdict: FAILS (${violation.invariant}): ${violation.explanation}.` +
        (Number(gap) > settings.maxRunGapDays ? ` The runs leave a ${gap}-day gap, more than maxRunGapDays.` : "");
  out.stdout(
    [
      `Site "${site.name}": lifetime ${settings.lifetimeDays} d, interval ${settings.rotationIntervalDays} d, ` +
        `handoff ${settings.handoffDays} d, max run gap ${settings.maxRunGapDays} d ` +
        `(tenant max ${settings.tenantMaxLifetimeDays} d)`,
      `Design ${values.design}; ${runs.length} ${values.pattern} pipeline runs from ${from} to ${to} UTC ` +
        `(longest gap ${gap} d); operator pastes each new secret ${operator}`,
      "",
      timelineTable(result),
      lifetimeChart(result),
      verdict,
      "",
    ].join("\n"),
  );
  return violation === undefined ? 0 : 1;
}

/** Today, 06:00 UTC: a plausible first deploy for a person's look ahead. */
function todayAtSix(): number {
  return minuteOf(`${new Date().toISOString().slice(0, 10)}T06:00:00Z`);
}

function usageError(out: CommandOutput, message: string): number {
  out.stderr(`rotation-timeline: ${message}\n${USAGE}\n`);
  return 2;
}

if (startedAsCommand("rotation-timeline")) void runCli("rotation-timeline", (argv) => main(argv));
