// The scheduled rotation run as rotation.yml runs it, once a simulated day, through real Terraform and the provider
// doubles: ci:stacks picks the due stacks from the fleet record and groups them into shards, ci:shard applies each
// shard (several stacks at once), ci:fleet-record keeps what the next day reads, and the notice job reports every
// stack. The steps are the commands' own functions, called in this process, with the fleet's one CI identity (the
// deploy client id, as the production environment sets it). What each day did is kept for the checks
// (quarter-checks.ts); nothing kept holds a secret (the record and the notice pass through publicOutputs).
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runPipeline } from "../../tools/pipeline";
import { parseFleetRecord, type FleetRecord } from "../../tools/pipeline/fleet-record";
import { noticeStep } from "../notice-step";
import { deployJobContext, stepOutputs } from "../pipeline-context";

const DAY_MS = 86_400_000;

/** What the runs need of the doubles: their environment and clock (a ProviderDoubles or a ProviderDoublesPool). */
export interface RehearsalDoubles {
  env(): Readonly<Record<string, string>>;
  setClock(now: Date): void;
}

export interface ShardedDaysOptions {
  /** Holds `cdktf.out/` (the synthesized fleet); each day's files go in `day-<n>/` and are removed after the day. */
  readonly work: string;
  readonly doubles: RehearsalDoubles;
  /** The first run's time; the others follow a day apart. */
  readonly start: Date;
  readonly days: number;
  /** ci:stacks --shard-size. */
  readonly shardSize: number;
  /** ci:shard --parallel: stacks a shard runs at once (the doubles must serve as many runs at once). */
  readonly parallel: number;
  /** Changes made before a day's run (a portal action, a broken state file). */
  readonly beforeDay?: (day: number, now: Date) => void;
  /** Told after each day (progress for a long run). */
  readonly afterDay?: (day: RehearsalDay) => void;
}

/** One day, after its run. */
export interface RehearsalDay {
  readonly day: number;
  readonly now: string;
  /** The stacks the run chose to apply. */
  readonly due: readonly string[];
  /** Each shard job's exit code. */
  readonly shardCodes: readonly number[];
  /** The fleet record before and after the run. */
  readonly recordBefore: FleetRecord;
  readonly record: FleetRecord;
  /** The operator notice's body. */
  readonly notice: string;
  /** The shard jobs' step summaries, joined. */
  readonly summary: string;
  /** Wall time of the run, milliseconds. */
  readonly ms: number;
}

export async function runShardedDays(options: ShardedDaysOptions): Promise<RehearsalDay[]> {
  const { work, doubles } = options;
  const outDir = join(work, "cdktf.out");
  const recordFile = join(work, "fleet-record.json");
  const days: RehearsalDay[] = [];
  let recordBefore = parseFleetRecord(undefined).record;
  for (let day = 0; day < options.days; day++) {
    const started = performance.now();
    const at = new Date(options.start.getTime() + day * DAY_MS);
    const now = at.toISOString();
    doubles.setClock(at);
    options.beforeDay?.(day, at);
    const dir = join(work, `day-${day}`);
    const results = join(dir, "results");
    mkdirSync(results, { recursive: true });
    const githubOutput = join(dir, "github-output");
    const summaryFile = join(dir, "summary.md");
    const context = deployJobContext(work, doubles.env(), {
      env: { GITHUB_OUTPUT: githubOutput, GITHUB_STEP_SUMMARY: summaryFile },
    });
    const step = async (argv: string[]) => {
      const code = await runPipeline(argv, context);
      if (code !== 0) throw new Error(`day ${day}: ci:${argv[0]} exited ${code}`);
    };

    await step([
      ...["stacks", "--out-dir", outDir, "--shard-size", String(options.shardSize), "--record", recordFile],
      ...["--skipped-dir", results, "--now", now],
    ]);
    const outputs = stepOutputs(githubOutput);
    const shards = JSON.parse(outputs.shards!) as { name: string; stacks: string }[];
    const shardCodes: number[] = [];
    for (const shard of shards) {
      const args = ["shard", "--stacks", shard.stacks, "--parallel", String(options.parallel)];
      shardCodes.push(
        await runPipeline([...args, "--out-dir", outDir, "--results-dir", results, "--now", now], context),
      );
    }
    await step([
      ...["fleet-record", "--record", recordFile, "--results-dir", results, "--expected-stacks", outputs.stacks!],
      ...["--out-dir", outDir, "--out-file", recordFile, "--now", now],
    ]);
    const { markdown } = await noticeStep(context, {
      resultsDir: results,
      runDir: dir,
      now: at,
      expectedStacks: outputs.stacks!,
    });
    const record = parseFleetRecord(readFileSync(recordFile, "utf8")).record;
    const result: RehearsalDay = {
      day,
      now,
      due: shards.flatMap((s) => s.stacks.split(",")),
      shardCodes,
      recordBefore,
      record,
      notice: markdown,
      summary: readOrEmpty(summaryFile),
      ms: performance.now() - started,
    };
    days.push(result);
    recordBefore = record;
    rmSync(dir, { recursive: true, force: true });
    options.afterDay?.(result);
  }
  return days;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
