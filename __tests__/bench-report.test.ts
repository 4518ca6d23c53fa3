import type { BenchCase } from "../tools/bench/bench-cases";
import { caseResult, CaseResult, Comparison, comparisons } from "../tools/bench/bench-report";
import { renderBenchTables } from "../tools/bench/render-bench-table";
import type { MachineInfo } from "../tools/bench/machine-info";
import type { Sample } from "../tools/bench/run-timed";

const benchCase = (id: string, sites?: number): BenchCase => ({
  id,
  label: id,
  ...(sites === undefined ? {} : { sites }),
  command: { command: "node", args: [id], cwd: "/", env: {} },
});
const result = (id: string, wallMs: number[], extra: Partial<Sample> = {}, sites?: number): CaseResult =>
  caseResult(
    benchCase(id, sites),
    wallMs.map((ms) => ({ wallMs: ms, ...extra })),
  );
const byId = (list: readonly Comparison[]) => Object.fromEntries(list.map((comparison) => [comparison.id, comparison]));

describe("caseResult", () => {
  test("summarizes wall time and peak memory separately and counts failed runs", () => {
    const summary = caseResult(benchCase("tests"), [
      { wallMs: 3000, maxRssMb: 90 },
      { wallMs: 1000, maxRssMb: 110, exitCode: 1 },
      { wallMs: 2000, maxRssMb: 100 },
    ]);
    expect(summary.wallMs).toEqual({ median: 2000, min: 1000, max: 3000, runs: 3 });
    expect(summary.maxRssMb).toEqual({ median: 100, min: 90, max: 110, runs: 3 });
    expect(summary.failedRuns).toBe(1);
    expect(summary.command).toBe("node tests");
  });

  test("leaves peak memory out when it was not measured", () => {
    expect(result("ours-synth", [1]).maxRssMb).toBeUndefined();
  });
});

describe("comparisons", () => {
  test("the speedup is the template's median over ours, and 10x meets the target", () => {
    const found = byId(
      comparisons([result("template-synth", [9000, 10000, 30000]), result("ours-synth", [1000, 900, 1100])]),
    );
    expect(found.speedup).toMatchObject({ value: 10, unit: "x", target: { relation: "≥", value: 10 }, met: true });
  });

  test("a speedup below 10x misses the target", () => {
    const found = byId(comparisons([result("template-synth", [9900]), result("ours-synth", [1000])]));
    expect(found.speedup!.met).toBe(false);
  });

  test("judges 1000 sites against 5 s and 300 MB", () => {
    const found = byId(comparisons([result("fleet-1000", [5000, 5001, 4999], { maxRssMb: 301 }, 1000)]));
    expect(found["fleet-1000-wall"]).toMatchObject({ value: 5000, target: { relation: "≤", value: 5000 }, met: true });
    expect(found["fleet-1000-rss"]).toMatchObject({ value: 301, met: false });
  });

  test("per-site time beyond the first is the same at 100 and 1000 sites when growth is linear", () => {
    const found = byId(
      comparisons([
        result("fleet-1", [500], {}, 1),
        result("fleet-100", [500 + 99 * 4], {}, 100),
        result("fleet-1000", [500 + 999 * 4], {}, 1000),
      ]),
    );
    expect(found["marginal-per-site-100"]!.value).toBeCloseTo(4);
    expect(found["marginal-per-site-1000"]!.value).toBeCloseTo(4);
    expect(found.linearity).toMatchObject({ met: true });
    expect(found.linearity!.value).toBeCloseTo(1);
    expect(found["per-site-100"]!.value).toBeCloseTo(8.96);
  });

  test("growth that is worse than linear misses the linearity target", () => {
    const found = byId(
      comparisons([
        result("fleet-1", [500], {}, 1),
        result("fleet-100", [896], {}, 100),
        result("fleet-1000", [500 + 999 * 6], {}, 1000),
      ]),
    );
    expect(found.linearity!.value).toBeCloseTo(1.5);
    expect(found.linearity!.met).toBe(false);
  });

  test("the worker gain is one worker's median over the default's", () => {
    const found = byId(
      comparisons([result("fleet-1000", [2000], {}, 1000), result("fleet-1000-workers-1", [3000], {}, 1000)]),
    );
    expect(found["worker-gain"]!.value).toBeCloseTo(1.5);
  });

  test("leaves out comparisons whose cases did not run", () => {
    expect(comparisons([result("ours-synth", [1000])])).toEqual([]);
  });
});

describe("renderBenchTables", () => {
  const machine: MachineInfo = {
    cpuModel: "Test CPU",
    cores: 2,
    memoryGb: 8,
    os: "Linux",
    nodeVersion: "v20.0.0",
    loadAverage1m: 0.5,
    date: "2025-01-01T00:00:00.000Z",
  };

  test("shows the machine, each case's median, min, max and peak memory, and the verdicts", () => {
    const results = [
      result("template-synth", [12000, 11000, 13000]),
      result("ours-synth", [800, 700, 900], { maxRssMb: 81.6 }),
    ];
    const text = renderBenchTables(machine, results, comparisons(results));
    expect(text).toContain("Test CPU, 2 cores, 8 GB, node v20.0.0");
    const ours = text.split("\n").find((line) => line.startsWith("ours-synth"))!;
    expect(ours.split(/\s{2,}/)).toEqual(["ours-synth", "800 ms", "700 ms", "900 ms", "82 MB", "3"]);
    const speedup = text.split("\n").find((line) => line.startsWith("1 site: template / ours (synth command)"))!;
    expect(speedup.split(/\s{2,}/)).toEqual(["1 site: template / ours (synth command)", "15.0x", "≥ 10.0x", "met"]);
  });

  test("marks a missed target", () => {
    const results = [result("template-synth", [5000]), result("ours-synth", [1000])];
    expect(renderBenchTables(machine, results, comparisons(results))).toMatch(/5\.00x\s+≥ 10\.0x\s+MISSED/);
  });
});
