import { join } from "node:path";
import type { TimedCommand } from "./run-timed";

/** One thing the benchmark times. */
export interface BenchCase {
  readonly id: string;
  /** What the table calls it. */
  readonly label: string;
  readonly command: TimedCommand;
  /** Sites synthesized, for fleet cases (time per site). */
  readonly sites?: number;
}

/** The sizes of the generated fleets. */
export const FLEET_SIZES = [1, 100, 1000] as const;

/** Where each case reads and writes, all inside the benchmark's temporary folder except the repository itself. */
export interface BenchPaths {
  readonly repoRoot: string;
  readonly workDir: string;
  /** The temporary copy of bench/template-baseline. */
  readonly baselineDir: string;
  /** max-rss-preload.cjs */
  readonly preload: string;
  /** The generated configuration of a fleet of `sites` sites. */
  readonly fleetConfig: (sites: number) => string;
}

/**
 * The environment every case runs in: the caller's, without MIRADORE_* (a stray override would change what is
 * synthesized) or CDKTF_* settings, and with cdktf's telemetry, version check and crash reports off.
 */
export function benchEnvironment(env: NodeJS.ProcessEnv, workDir: string): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([name]) => !/^(MIRADORE_|CDKTF_|TS_NODE_|BENCH_)/.test(name));
  return {
    ...Object.fromEntries(kept),
    CHECKPOINT_DISABLE: "1",
    DISABLE_VERSION_CHECK: "1",
    CDKTF_HOME: join(workDir, "cdktf-home"),
  };
}

/** Output folders, by case id, whose stacks the benchmark checks after the warm-up round. */
export const outdirOf = (workDir: string, caseId: string) => join(workDir, "out", caseId);

/** The one-site comparison: our synth command, its run-only part, and the template baseline. */
export function oneSiteCases(paths: BenchPaths, env: NodeJS.ProcessEnv): BenchCase[] {
  const { repoRoot, workDir } = paths;
  const ours = (id: string) => ({ ...env, CDKTF_OUTDIR: outdirOf(workDir, id) });
  return [
    {
      id: "ours-synth",
      label: "ours: node tools/build.mjs && node .build/main.js",
      command: {
        command: "node tools/build.mjs && node .build/main.js",
        args: [],
        cwd: repoRoot,
        env: ours("ours-synth"),
        shell: true,
      },
    },
    {
      id: "ours-run",
      label: "ours, run only: node .build/main.js",
      command: {
        command: process.execPath,
        args: ["--require", paths.preload, ".build/main.js"],
        cwd: repoRoot,
        env: ours("ours-run"),
        maxRssFile: join(workDir, "ours-run.maxrss"),
      },
    },
    {
      // Not a target, but it splits the gap into what cdktf-cli costs and what ts-node costs.
      id: "ours-cdktf-synth",
      label: "ours through cdktf synth",
      command: {
        command: join(repoRoot, "node_modules", ".bin", "cdktf"),
        args: ["synth", "--output", outdirOf(workDir, "ours-cdktf-synth")],
        cwd: repoRoot,
        env,
      },
    },
    {
      id: "template-synth",
      label: "template: cdktf synth (npx ts-node main.ts)",
      command: {
        command: join(paths.baselineDir, "node_modules", ".bin", "cdktf"),
        args: ["synth"],
        cwd: paths.baselineDir,
        env,
      },
    },
  ];
}

export const fleetCaseId = (sites: number, workers?: number) =>
  `fleet-${sites}${workers === undefined ? "" : `-workers-${workers}`}`;

/** Synthesis of generated fleets (run only: the build does not depend on the fleet's size). */
export function fleetCases(paths: BenchPaths, env: NodeJS.ProcessEnv): BenchCase[] {
  const fleet = (sites: number, workers?: number): BenchCase => {
    const id = fleetCaseId(sites, workers);
    return {
      id,
      label: `${sites} site${sites === 1 ? "" : "s"}${workers === undefined ? "" : `, MIRADORE_SYNTH_WORKERS=${workers}`}`,
      sites,
      command: {
        command: process.execPath,
        args: ["--require", paths.preload, ".build/main.js"],
        cwd: paths.repoRoot,
        env: {
          ...env,
          MIRADORE_CONFIG: paths.fleetConfig(sites),
          CDKTF_OUTDIR: outdirOf(paths.workDir, id),
          ...(workers === undefined ? {} : { MIRADORE_SYNTH_WORKERS: String(workers) }),
        },
        maxRssFile: join(paths.workDir, `${id}.maxrss`),
      },
    };
  };
  return [...FLEET_SIZES.map((sites) => fleet(sites)), fleet(1000, 1)];
}

/** The whole jest suite, as `npx jest` runs it: about a minute; a suite that does not exit is stopped after 10. */
export function testSuiteCase(paths: BenchPaths, env: NodeJS.ProcessEnv): BenchCase {
  return {
    id: "tests",
    label: "test suite: jest",
    command: {
      command: join(paths.repoRoot, "node_modules", ".bin", "jest"),
      args: [],
      cwd: paths.repoRoot,
      env,
      allowFailure: true,
      timeoutMs: 10 * 60 * 1000,
    },
  };
}
