import { join } from "node:path";
import { parseArgs } from "node:util";

export const BENCH_USAGE =
  "usage: bench [--runs N | --quick] [--skip-tests] [--test-runs N] [--fleet-operations-only] [--out FILE]";

/** How much the benchmark measures and where it writes. */
export interface BenchOptions {
  /** Recorded rounds of every synthesis case (after one warm-up round). */
  readonly runs: number;
  /** Runs of the test suite. */
  readonly testRuns: number;
  readonly skipTests: boolean;
  /** Only the fleet-operations case (tools/bench/fleet-operations.ts), not synthesis and tests. */
  readonly fleetOperationsOnly: boolean;
  /** The JSON report, relative to the repository. */
  readonly out: string;
}

export const DEFAULT_RUNS = 5;
export const QUICK_RUNS = 2;

/** Reads the command line; throws an Error whose message says which option is wrong. "help" for --help. */
export function readBenchOptions(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      "skip-tests": { type: "boolean", default: false },
      "fleet-operations-only": { type: "boolean", default: false },
      "test-runs": { type: "string" },
      out: { type: "string", default: join("bench-results", "bench.json") },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const count = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(text))
      throw new Error(`--${name} is ${JSON.stringify(text)}, but must be a whole number of at least 1`);
    return Number(text);
  };
  if (values.quick && values.runs !== undefined)
    throw new Error("--quick and --runs both set the number of runs; use one");
  return {
    runs: count("runs", values.runs, values.quick ? QUICK_RUNS : DEFAULT_RUNS),
    // The suite takes about a minute and averages over hundreds of tests itself: once is the default.
    testRuns: count("test-runs", values["test-runs"], 1),
    skipTests: values["skip-tests"],
    fleetOperationsOnly: values["fleet-operations-only"],
    out: values.out,
  };
}
