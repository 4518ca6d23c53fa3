import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** A command the benchmark runs and times. */
export interface TimedCommand {
  /** The executable, or with `shell` the whole command line. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment (nothing is inherited implicitly). */
  readonly env: NodeJS.ProcessEnv;
  /** Run through `/bin/sh -c`, as cdktf and npm run an app command. */
  readonly shell?: boolean;
  /**
   * Where the process reports its peak RSS (max-rss-preload.cjs, which `args` must `--require`).
   * @default - peak memory is not measured
   */
  readonly maxRssFile?: string;
  /**
   * Stop the command (SIGTERM) and fail after this long: a process that never exits must not hang the benchmark.
   * @default - no limit
   */
  readonly timeoutMs?: number;
  /** Record a non-zero exit instead of throwing (the test suite: its time counts even while a test fails). */
  readonly allowFailure?: boolean;
}

/** One measurement. */
export interface Sample {
  readonly wallMs: number;
  /** Peak resident set size of the whole process, in MB (10^6 bytes); undefined when not measured. */
  readonly maxRssMb?: number;
  /** The exit code, when it was not 0 and the command allows failure. */
  readonly exitCode?: number;
  /** Then, what the output says failed (jest's failed test lines, else the output's tail). */
  readonly failure?: string;
}

/** Runs the command to completion and measures its wall time; throws, with its output's tail, if it fails. */
export function runTimed(timed: TimedCommand): Sample {
  const env = timed.maxRssFile ? { ...timed.env, BENCH_MAX_RSS_FILE: timed.maxRssFile } : timed.env;
  if (timed.maxRssFile) rmSync(timed.maxRssFile, { force: true });
  const start = performance.now();
  const result = spawnSync(timed.command, [...timed.args], {
    cwd: timed.cwd,
    env,
    shell: timed.shell ?? false,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
    ...(timed.timeoutMs === undefined ? {} : { timeout: timed.timeoutMs }),
  });
  const wallMs = performance.now() - start;
  if (result.status !== 0 && !result.error && timed.allowFailure) {
    const lines = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n");
    const failed = lines.filter((line) => /✕|● |^FAIL /.test(line));
    return {
      wallMs,
      exitCode: result.status ?? -1,
      failure: (failed.length > 0 ? failed : lines.slice(-15)).join("\n"),
    };
  }
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
    const how = timedOut
      ? `did not exit within ${timed.timeoutMs! / 1000} s (stopped)`
      : result.error
        ? result.error.message
        : `exit code ${result.status ?? result.signal}`;
    throw new Error(`${[timed.command, ...timed.args].join(" ")} (in ${timed.cwd}) failed: ${how}\n${output}`);
  }
  if (!timed.maxRssFile) return { wallMs };
  return { wallMs, maxRssMb: (Number(readFileSync(timed.maxRssFile, "utf8")) * 1024) / 1e6 };
}
