// The fleet-operations case of `npm run bench`: what the daily rotation run costs for 1000 and 5000 sites over 120
// simulated days, one job per stack (the old design) against due-only shards (ci:stacks --record, ci:shard). The days
// are replayed by rotation/fleet-operations.ts (stacks planned and applied, Terraform commands); runner minutes are
// estimated from times measured here: a job's start-up (`npm ci --omit=dev` of this lock file, a first `terraform
// init`) and a stack's plan, apply and outputs through the provider doubles (ci:shard, in-process).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { replayFleet, type FleetDay, type FleetSite } from "../../rotation/fleet-operations";
import { daysToMinutes, minuteOf, MINUTES_PER_DAY } from "../../rotation/minutes";
import { seededRandom } from "../../rotation/seeded-random";
import { ProviderDoubles } from "../../test-support/terraform-harness";
import { type CommandContext, PipelineError } from "../pipeline/command-context";
import { shardCommand } from "../pipeline/commands/shard";
import { DEFAULT_SHARD_SIZE } from "../pipeline/shards";
import { median } from "./statistics";

export const FLEET_OPERATION_SIZES = [1000, 5000] as const;
export const FLEET_OPERATION_DAYS = 120;
/** Stacks a shard runs at once (ci:shard's default). */
const SHARD_PARALLEL = 4;

/**
 * What a GitHub-hosted job costs before its first step that measures here: machine assignment, checkout, setup-node,
 * setup-terraform, the artifact download. Not measurable on this machine; an assumption, stated in the table, and the
 * ratios are also given without it.
 */
export const RUNNER_OVERHEAD_S = 30;

/**
 * A stack's plan and apply against the real Microsoft Graph take longer than against the doubles (every resource is
 * read over the network): the table also prices every stack at this many seconds, an assumption, to show the ratio
 * does not rest on the doubles' speed.
 */
export const SLOW_STACK_S = 30;

export interface MeasuredCosts {
  /** `npm ci --ignore-scripts --omit=dev` of this repository's lock file, from npm's cache. */
  readonly npmCiS: number;
  /** A stack's first `terraform init` (providers from the doubles' mirror into an empty plugin cache). */
  readonly firstInitS: number;
  /** One stack in a shard with nothing to do: init, plan, outputs. */
  readonly unchangedStackS: number;
  /** One stack whose rotation is due: init, plan, show, apply, outputs. */
  readonly rotatedStackS: number;
}

export interface DesignCost {
  readonly jobs: number;
  readonly runnerMinutes: number;
  /** The same without the assumed runner overhead: measured parts only. */
  readonly measuredMinutes: number;
}

export interface FleetOperationsDay {
  readonly day: number;
  readonly planned: { readonly old: number; readonly shards: number };
  readonly applied: number;
  readonly terraformRuns: { readonly old: number; readonly shards: number };
  readonly old: DesignCost;
  readonly shards: DesignCost;
  /** Runner-minutes with every stack taking SLOW_STACK_S. */
  readonly slow: { readonly old: number; readonly shards: number };
}

export interface FleetOperationsResult {
  readonly sites: number;
  readonly days: readonly FleetOperationsDay[];
  /** Secrets made the old way, and how many of them the due-only runs made at the same minute. */
  readonly secretsCreated: number;
  readonly secretsOnTime: number;
  readonly maxShardJobs: number;
}

/** Times a command once, in seconds. */
function timed(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/** Measures the job start-up and per-stack times (a few runs each, medians). */
export async function measureCosts(repoRoot: string, workDir: string, runs: number): Promise<MeasuredCosts> {
  const install = join(workDir, "fleet-ops-install");
  mkdirSync(install, { recursive: true });
  copyFileSync(join(repoRoot, "package.json"), join(install, "package.json"));
  copyFileSync(join(repoRoot, "package-lock.json"), join(install, "package-lock.json"));
  const npmCi = () =>
    timed(() =>
      execFileSync("npm", ["ci", "--ignore-scripts", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd: install,
        stdio: "ignore",
      }),
    );
  const npmCiS = median(Array.from({ length: runs }, npmCi));

  // One site, synthesized by this repository's app; its stack run through ci:shard against the doubles.
  const config = join(workDir, "fleet-ops.yaml");
  writeFileSync(config, "sites:\n  - name: bench\n    tenantId: 4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f\n");
  const outDir = join(workDir, "fleet-ops-out");
  execFileSync(process.execPath, [join(repoRoot, ".build", "main.js")], {
    cwd: repoRoot,
    env: { ...process.env, MIRADORE_CONFIG: config, CDKTF_OUTDIR: outDir },
    stdio: "ignore",
  });
  const t0 = new Date("2026-03-02T05:17:00Z");
  const mirror = await ProviderDoubles.start({ now: t0, mode: "mirror" });
  const doubles = await ProviderDoubles.start({ now: t0 });
  try {
    const contextFor = (env: Readonly<Record<string, string>>): CommandContext => ({
      env: { ...process.env, ...env, MIRADORE_RETRY_BASE_MS: "0" },
      cwd: workDir,
      stdout: () => undefined,
      stderr: () => undefined,
      fetch: () => Promise.reject(new Error("no network in the bench")),
    });
    const shard = async (context: CommandContext, now: Date, results: string) => {
      const start = performance.now();
      const args = ["--stacks", "miradore-bench", "--out-dir", outDir, "--results-dir", results];
      try {
        await shardCommand([...args, "--now", now.toISOString()], context);
      } catch (error) {
        if (error instanceof PipelineError)
          throw new Error(`ci:shard failed in the fleet-operations bench: ${error.message}`);
        throw error;
      }
      return (performance.now() - start) / 1000;
    };
    // A first init installs the providers (from the mirror: what the registry download would be, minus the network).
    const firstInitS = timed(() =>
      execFileSync("terraform", ["init", "-input=false", "-no-color"], {
        cwd: join(outDir, "stacks", "miradore-bench"),
        env: { ...process.env, ...mirror.env() },
        stdio: "ignore",
      }),
    );
    const context = contextFor(doubles.env());
    await shard(context, t0, join(workDir, "fleet-ops-results", "deploy"));
    const unchanged: number[] = [];
    const rotated: number[] = [];
    for (let run = 0; run < runs; run++) {
      const quiet = new Date(t0.getTime() + (run + 1) * 86_400_000);
      doubles.setClock(quiet);
      unchanged.push(await shard(context, quiet, join(workDir, "fleet-ops-results", `quiet-${run}`)));
      // The default schedule rotates at 120 days, then every 60: one run after each rotation date.
      const due = new Date(t0.getTime() + (121 + run * 60) * 86_400_000);
      doubles.setClock(due);
      rotated.push(await shard(context, due, join(workDir, "fleet-ops-results", `rotation-${run}`)));
    }
    return { npmCiS, firstInitS, unchangedStackS: median(unchanged), rotatedStackS: median(rotated) };
  } finally {
    await doubles.stop();
    await mirror.stop();
  }
}

/** GitHub bills each job's time rounded up to the whole minute (GitHub Docs, "About billing for GitHub Actions"). */
const billed = (seconds: number) => Math.ceil(seconds / 60);

function jobCost(jobs: readonly number[], overheadS: number): DesignCost {
  return {
    jobs: jobs.length,
    runnerMinutes: jobs.reduce((sum, s) => sum + billed(s + overheadS), 0),
    measuredMinutes: jobs.reduce((sum, s) => sum + billed(s), 0),
  };
}

/** A fleet of `sites` on the three schedules of the rehearsal, deployed over the year before the first day. */
export function benchFleet(sites: number, firstRun: number): FleetSite[] {
  const schedules = [
    { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 35 },
    { lifetimeDays: 90, rotationIntervalDays: 30, handoffDays: 14, maxRunGapDays: 14 },
    { lifetimeDays: 365, rotationIntervalDays: 120, handoffDays: 30, maxRunGapDays: 60 },
  ];
  const random = seededRandom(sites);
  return Array.from({ length: sites }, (_, i) => ({
    settings: schedules[i % schedules.length]!,
    firstDeploy: firstRun - daysToMinutes(1 + Math.floor(random() * 365)) + Math.floor(random() * MINUTES_PER_DAY),
  }));
}

/** Replays both designs over the fleet and prices every day with the measured costs. */
export function fleetOperations(sites: number, costs: MeasuredCosts): FleetOperationsResult {
  const firstRun = minuteOf("2026-04-01T05:17:00Z");
  const fleet = benchFleet(sites, firstRun);
  const options = { firstRun, days: FLEET_OPERATION_DAYS };
  const old = replayFleet(fleet, { ...options, selection: "every-stack" });
  const due = replayFleet(fleet, { ...options, selection: "due-only" });
  const startupS = costs.npmCiS + costs.firstInitS;
  const price = (oldDay: FleetDay, dueDay: FleetDay, unchangedS: number, rotatedS: number) => {
    // One job per stack: each starts up and runs its one stack.
    const oldJobs = Array.from(
      { length: oldDay.planned },
      (_, j) => startupS + (j < oldDay.applied ? rotatedS : unchangedS),
    );
    // Shards of DEFAULT_SHARD_SIZE, SHARD_PARALLEL stacks at a time; the day's applies spread evenly over them.
    const shardCount = Math.ceil(dueDay.planned / DEFAULT_SHARD_SIZE);
    const stacksS = (dueDay.planned - dueDay.applied) * unchangedS + dueDay.applied * rotatedS;
    const shardJobs = Array.from({ length: shardCount }, () => startupS + stacksS / shardCount / SHARD_PARALLEL);
    return { old: jobCost(oldJobs, RUNNER_OVERHEAD_S), shards: jobCost(shardJobs, RUNNER_OVERHEAD_S) };
  };
  const days = old.days.map((oldDay, i): FleetOperationsDay => {
    const dueDay = due.days[i]!;
    const measured = price(oldDay, dueDay, costs.unchangedStackS, costs.rotatedStackS);
    const slow = price(oldDay, dueDay, SLOW_STACK_S, SLOW_STACK_S);
    return {
      day: i,
      planned: { old: oldDay.planned, shards: dueDay.planned },
      applied: dueDay.applied,
      terraformRuns: { old: oldDay.terraformRuns, shards: dueDay.terraformRuns },
      old: measured.old,
      shards: measured.shards,
      slow: { old: slow.old.runnerMinutes, shards: slow.shards.runnerMinutes },
    };
  });
  let secretsCreated = 0;
  let secretsOnTime = 0;
  for (let site = 0; site < sites; site++) {
    const made = (events: (typeof old.events)[number]) =>
      events.filter((e) => e.kind === "secret-created" && e.at >= firstRun).map((e) => e.at);
    const oldMade = made(old.events[site]!);
    const dueMade = new Set(made(due.events[site]!));
    secretsCreated += oldMade.length;
    secretsOnTime += oldMade.filter((at) => dueMade.has(at)).length;
  }
  return {
    sites,
    days,
    secretsCreated,
    secretsOnTime,
    maxShardJobs: Math.max(...days.map((d) => d.shards.jobs)),
  };
}

/** The README's table: per fleet, the quietest, the median and the busiest day, both designs. */
export function renderFleetOperations(costs: MeasuredCosts, results: readonly FleetOperationsResult[]): string {
  const s = (n: number) => `${n.toFixed(2)} s`;
  const lines = [
    "",
    `Fleet operations (daily rotation run, ${FLEET_OPERATION_DAYS} simulated days): measured here: npm ci --omit=dev ${s(costs.npmCiS)}, ` +
      `first terraform init ${s(costs.firstInitS)}, a stack with nothing to do ${s(costs.unchangedStackS)}, ` +
      `a stack that rotates ${s(costs.rotatedStackS)}; assumed: ${RUNNER_OVERHEAD_S} s runner overhead per job; ` +
      `shards of ${DEFAULT_SHARD_SIZE}, ${SHARD_PARALLEL} at a time; each job billed in whole minutes.`,
    "",
    `| Sites | Day | Stacks planned (old → shards) | Applied | Terraform runs (old → shards) | Jobs (old → shards) | Runner-minutes (old → shards) | Ratio | Ratio, measured parts only | Runner-minutes if a stack took ${SLOW_STACK_S} s | Ratio then |`,
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const result of results) {
    const byCost = [...result.days].sort((a, b) => a.shards.runnerMinutes - b.shards.runnerMinutes);
    const picks: [string, FleetOperationsDay][] = [
      ["quietest", byCost[0]!],
      ["median", byCost[Math.floor(byCost.length / 2)]!],
      ["busiest", byCost.at(-1)!],
    ];
    for (const [name, d] of picks) {
      lines.push(
        `| ${result.sites} | ${name} (day ${d.day}) | ${d.planned.old} → ${d.planned.shards} | ${d.applied} | ` +
          `${d.terraformRuns.old} → ${d.terraformRuns.shards} | ${d.old.jobs} → ${d.shards.jobs} | ` +
          `${d.old.runnerMinutes} → ${d.shards.runnerMinutes} | ${(d.old.runnerMinutes / d.shards.runnerMinutes).toFixed(0)}× | ` +
          `${(d.old.measuredMinutes / d.shards.measuredMinutes).toFixed(0)}× | ${d.slow.old} → ${d.slow.shards} | ` +
          `${(d.slow.old / d.slow.shards).toFixed(0)}× |`,
      );
    }
    const total = (pick: (d: FleetOperationsDay) => number) => result.days.reduce((sum, d) => sum + pick(d), 0);
    lines.push(
      `| ${result.sites} | all ${FLEET_OPERATION_DAYS} days | ${total((d) => d.planned.old)} → ${total((d) => d.planned.shards)} | ` +
        `${total((d) => d.applied)} | ${total((d) => d.terraformRuns.old)} → ${total((d) => d.terraformRuns.shards)} | ` +
        `${total((d) => d.old.jobs)} → ${total((d) => d.shards.jobs)} | ${total((d) => d.old.runnerMinutes)} → ${total((d) => d.shards.runnerMinutes)} | ` +
        `${(total((d) => d.old.runnerMinutes) / total((d) => d.shards.runnerMinutes)).toFixed(0)}× | ` +
        `${(total((d) => d.old.measuredMinutes) / total((d) => d.shards.measuredMinutes)).toFixed(0)}× | ` +
        `${total((d) => d.slow.old)} → ${total((d) => d.slow.shards)} | ${(total((d) => d.slow.old) / total((d) => d.slow.shards)).toFixed(0)}× |`,
    );
  }
  lines.push("");
  for (const r of results) {
    lines.push(
      `${r.sites} sites: ${r.secretsOnTime} of ${r.secretsCreated} secrets made at the same minute as by daily full runs; ` +
        `at most ${r.maxShardJobs} shard jobs in a day (a matrix holds 256).`,
    );
  }
  return `${lines.join("\n")}\n`;
}
