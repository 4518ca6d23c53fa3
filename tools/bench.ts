// CLI: `npm run bench [-- --runs N | --quick] [--skip-tests] [--test-runs N] [--fleet-operations-only] [--out FILE]`
// Times one-site synthesis against the cdktf TypeScript template's setup, fleets of 1, 100 and 1000 sites, and the
// test suite; then the fleet operations (tools/bench/fleet-operations.ts: the daily rotation run of 1000 and 5000
// sites, one job per stack against due-only shards); prints medians and ratios and writes them as JSON. Cases run round-robin after one unrecorded warm-up
// round, so a burst of load from other work on the machine spreads over all cases instead of hitting one.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { BENCH_USAGE, type BenchOptions, readBenchOptions } from "./bench/bench-options";
import { FLEET_OPERATION_SIZES, fleetOperations, measureCosts, renderFleetOperations } from "./bench/fleet-operations";
import {
  BenchCase,
  BenchPaths,
  benchEnvironment,
  fleetCases,
  FLEET_SIZES,
  oneSiteCases,
  outdirOf,
  testSuiteCase,
} from "./bench/bench-cases";
import { caseResult, CaseResult, comparisons } from "./bench/bench-report";
import { fleetConfigText } from "./bench/fleet-config";
import { machineInfo } from "./bench/machine-info";
import { renderBenchTables } from "./bench/render-bench-table";
import { runTimed, Sample } from "./bench/run-timed";
import { shapeDifferences, stackShape } from "./bench/stack-shape";
import { prepareTemplateBaseline } from "./bench/template-baseline";
import { CliError, runCli, startedAsCommand } from "./cli/run-cli";

const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Checks, after the warm-up, that each case synthesized what it claims to: same stack shape, every fleet site. */
function checkOutputs(workDir: string, baselineDir: string, fleet: readonly BenchCase[]): void {
  const stackJson = (outdir: string) =>
    JSON.parse(readFileSync(join(outdir, "stacks", "miradore-example", "cdk.tf.json"), "utf8")) as Record<
      string,
      unknown
    >;
  const differences = shapeDifferences(
    stackShape(stackJson(outdirOf(workDir, "ours-synth"))),
    stackShape(stackJson(join(baselineDir, "cdktf.out"))),
  );
  if (differences.length > 0) {
    // One line (the CLI prints a message's first line only): every difference, so the baseline can be brought in line.
    throw new Error(`the template baseline does not synthesize the same stack as ours: ${differences.join("; ")}`);
  }
  for (const { id, sites } of fleet) {
    const manifest = JSON.parse(readFileSync(join(outdirOf(workDir, id), "manifest.json"), "utf8")) as {
      stacks: object;
    };
    const stacks = Object.keys(manifest.stacks).length;
    if (stacks !== sites) throw new Error(`${id}: expected ${sites} stacks in the manifest, found ${stacks}`);
  }
}

function runRounds(cases: readonly BenchCase[], rounds: number, label: string): Map<string, Sample[]> {
  const samples = new Map(cases.map((benchCase) => [benchCase.id, [] as Sample[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const benchCase of cases) {
      const sample = runTimed(benchCase.command);
      samples.get(benchCase.id)!.push(sample);
      const rss = sample.maxRssMb === undefined ? "" : `, ${Math.round(sample.maxRssMb)} MB`;
      progress(`  ${label} ${round}/${rounds}  ${benchCase.label}: ${(sample.wallMs / 1000).toFixed(2)} s${rss}`);
    }
  }
  return samples;
}

function versionOf(repoRoot: string, packageName: string): string {
  return (
    JSON.parse(readFileSync(join(repoRoot, "node_modules", packageName, "package.json"), "utf8")) as { version: string }
  ).version;
}

/** The fleet-operations case: measured costs, both designs replayed and priced; printed, and returned for the JSON. */
async function runFleetOperations(repoRoot: string, workDir: string, options: BenchOptions) {
  progress("bench: fleet operations: measuring job start-up and per-stack times");
  const costs = await measureCosts(repoRoot, workDir, Math.min(options.runs, 3));
  const results = FLEET_OPERATION_SIZES.map((sites) => {
    progress(`bench: fleet operations: replaying ${sites} sites`);
    return fleetOperations(sites, costs);
  });
  process.stdout.write(renderFleetOperations(costs, results));
  return { costs, results };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof readBenchOptions>;
  try {
    options = readBenchOptions(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }

  // Bundled into .build/, so the repository is one folder up.
  const repoRoot = resolve(__dirname, "..");
  const machine = machineInfo();
  const workDir = mkdtempSync(join(tmpdir(), "miradore-bench-"));
  try {
    if (options.fleetOperationsOnly) {
      const fleetOperationsReport = await runFleetOperations(repoRoot, workDir, options);
      const out = resolve(repoRoot, options.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify({ machine, fleetOperations: fleetOperationsReport }, null, 2)}\n`);
      progress(`bench: wrote ${options.out}`);
      return 0;
    }
    const paths: BenchPaths = {
      repoRoot,
      workDir,
      baselineDir: prepareTemplateBaseline(repoRoot, workDir),
      preload: join(repoRoot, "tools", "bench", "max-rss-preload.cjs"),
      fleetConfig: (sites) => join(workDir, `fleet-${sites}.json`),
    };
    // Synthesis stages its output beside the output folder, so the parent must exist.
    mkdirSync(dirname(outdirOf(workDir, "any")), { recursive: true });
    for (const sites of FLEET_SIZES) writeFileSync(paths.fleetConfig(sites), fleetConfigText(sites));
    const env = benchEnvironment(process.env, workDir);
    const fleet = fleetCases(paths, env);
    const cases = [...oneSiteCases(paths, env), ...fleet];

    progress(`bench: warm-up round (not recorded), then ${options.runs} rounds; working in ${workDir}`);
    runRounds(cases, 1, "warm-up");
    checkOutputs(workDir, paths.baselineDir, fleet);
    const samples = runRounds(cases, options.runs, "round");
    const results: CaseResult[] = cases.map((benchCase) => caseResult(benchCase, samples.get(benchCase.id)!));
    // The synthesis numbers are kept and reported even when the test suite cannot be timed.
    const problems: string[] = [];
    if (!options.skipTests) {
      const tests = testSuiteCase(paths, env);
      try {
        const testSamples = runRounds([tests], options.testRuns, "tests").get(tests.id)!;
        results.push(caseResult(tests, testSamples));
        for (const sample of testSamples) if (sample.failure) problems.push(`test suite failed:\n${sample.failure}`);
      } catch (error) {
        problems.push(`test suite not timed: ${(error as Error).message}`);
      }
    }

    const derived = comparisons(results);
    process.stdout.write(renderBenchTables(machine, results, derived));
    const fleetOperationsReport = await runFleetOperations(repoRoot, workDir, options);
    for (const problem of problems) process.stdout.write(`\n${problem}\n`);
    const report = {
      machine: { ...machine, loadAverage1mAtEnd: machineInfo().loadAverage1m },
      commit: execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim(),
      versions: {
        cdktf: versionOf(repoRoot, "cdktf"),
        cdktfCli: versionOf(repoRoot, "cdktf-cli"),
        tsNode: versionOf(repoRoot, "ts-node"),
        baselineTypescript: versionOf(repoRoot, "typescript"),
      },
      options: { runs: options.runs, warmupRounds: 1, testRuns: options.skipTests ? 0 : options.testRuns },
      cases: results,
      comparisons: derived,
      fleetOperations: fleetOperationsReport,
      problems,
    };
    mkdirSync(dirname(resolve(repoRoot, options.out)), { recursive: true });
    writeFileSync(resolve(repoRoot, options.out), `${JSON.stringify(report, null, 2)}\n`);
    progress(`bench: wrote ${options.out}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// Whatever stops the benchmark (a case that fails to run, the template baseline that cannot be prepared) is reported
// in one line; --debug shows where.
if (startedAsCommand("bench"))
  void runCli("bench", async (argv) => {
    try {
      return await main(argv);
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      throw new CliError(`bench: ${message}`, 1, { cause: error });
    }
  });
