import type { BenchCase } from "./bench-cases";
import { fleetCaseId } from "./bench-cases";
import type { Sample } from "./run-timed";
import { Summary, summarize } from "./statistics";

/** A case's measurements and their summaries. */
export interface CaseResult {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly sites?: number;
  readonly samples: readonly Sample[];
  readonly wallMs: Summary;
  readonly maxRssMb?: Summary;
  /** Runs that exited non-zero (only the test suite is allowed to). */
  readonly failedRuns: number;
}

/** A number derived from the medians, with the target where there is one. */
export interface Comparison {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: "x" | "ms" | "MB";
  /** The target, in `unit`; absent for numbers reported for information. */
  readonly target?: { readonly relation: "≥" | "≤"; readonly value: number };
  readonly met?: boolean;
}

/** Targets from issue 6. */
export const TARGETS = {
  oneSiteSpeedup: 10,
  fleet1000WallMs: 5000,
  fleet1000MaxRssMb: 300,
  /** Marginal time per site at 1000 sites over that at 100: up to this much is still linear growth. */
  linearityRatio: 1.2,
} as const;

export function caseResult(benchCase: BenchCase, samples: readonly Sample[]): CaseResult {
  const rss = samples.flatMap((sample) => (sample.maxRssMb === undefined ? [] : [sample.maxRssMb]));
  const { command, args, shell } = benchCase.command;
  return {
    id: benchCase.id,
    label: benchCase.label,
    command: shell ? command : [command, ...args].join(" "),
    ...(benchCase.sites === undefined ? {} : { sites: benchCase.sites }),
    samples,
    wallMs: summarize(samples.map((sample) => sample.wallMs)),
    ...(rss.length === 0 ? {} : { maxRssMb: summarize(rss) }),
    failedRuns: samples.filter((sample) => sample.exitCode !== undefined).length,
  };
}

/** Ratios, per-site times and the targets' verdicts; a comparison whose cases were not run is left out. */
export function comparisons(results: readonly CaseResult[]): Comparison[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  const wall = (id: string) => byId.get(id)?.wallMs.median;
  const out: Comparison[] = [];
  const add = (
    id: string,
    label: string,
    value: number | undefined,
    unit: Comparison["unit"],
    target?: { readonly atLeast?: number; readonly atMost?: number },
  ) => {
    if (value === undefined || Number.isNaN(value)) return;
    if (target?.atLeast !== undefined) {
      out.push({
        id,
        label,
        value,
        unit,
        target: { relation: "≥", value: target.atLeast },
        met: value >= target.atLeast,
      });
    } else if (target?.atMost !== undefined) {
      out.push({
        id,
        label,
        value,
        unit,
        target: { relation: "≤", value: target.atMost },
        met: value <= target.atMost,
      });
    } else out.push({ id, label, value, unit });
  };
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a / b;

  const template = wall("template-synth");
  add("speedup", "1 site: template / ours (synth command)", ratio(template, wall("ours-synth")), "x", {
    atLeast: TARGETS.oneSiteSpeedup,
  });
  add("speedup-run-only", "1 site: template / ours (run only)", ratio(template, wall("ours-run")), "x");
  add(
    "speedup-through-cli",
    "1 site: template / ours through cdktf synth",
    ratio(template, wall("ours-cdktf-synth")),
    "x",
  );

  const [one, hundred, thousand] = [1, 100, 1000].map((sites) => wall(fleetCaseId(sites)));
  add("fleet-1000-wall", "1000 sites: wall time", thousand, "ms", { atMost: TARGETS.fleet1000WallMs });
  add("fleet-1000-rss", "1000 sites: peak memory", byId.get(fleetCaseId(1000))?.maxRssMb?.median, "MB", {
    atMost: TARGETS.fleet1000MaxRssMb,
  });
  add("per-site-100", "100 sites: time per site", ratio(hundred, 100), "ms");
  add("per-site-1000", "1000 sites: time per site", ratio(thousand, 1000), "ms");
  // Startup is paid once; linear growth means each further site costs as much at 1000 sites as at 100.
  const beyondFirst = (total: number | undefined, sites: number) =>
    total === undefined || one === undefined ? undefined : (total - one) / (sites - 1);
  const [marginal100, marginal1000] = [beyondFirst(hundred, 100), beyondFirst(thousand, 1000)];
  add("marginal-per-site-100", "100 sites: time per site beyond the first", marginal100, "ms");
  add("marginal-per-site-1000", "1000 sites: time per site beyond the first", marginal1000, "ms");
  add("linearity", "per-site time beyond the first, 1000 / 100 (1 = linear)", ratio(marginal1000, marginal100), "x", {
    atMost: TARGETS.linearityRatio,
  });
  add("worker-gain", "1000 sites: 1 worker / default workers", ratio(wall(fleetCaseId(1000, 1)), thousand), "x");
  return out;
}
