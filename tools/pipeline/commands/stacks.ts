// ci:stacks: the stacks from cdktf.out/manifest.json, and the matrix of the jobs that run them: shards of at most
// --shard-size stacks (tools/pipeline/shards.ts). With --record (the scheduled rotation run), only the stacks that are
// due (rotation/due-selection.ts) go into shards; each other one gets its result and recorded outputs in --skipped-dir.
// With --slice (the drift run; `today/7`: the day's seventh), only that slice of a fleet of more than --slice-above.
import { resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { oneOf, onOrEmpty, parseCommandArgs, wholeNumber } from "../command-args";
import { FORCED_ROTATION_MODES } from "../rotation-addresses";
import { appendStepSummary, setStepOutputs } from "../github-output";
import { readRecordFile } from "../cached-record";
import { parseFleetRecord } from "../fleet-record";
import { chooseStacks, writeNotDueFiles } from "../select-due-stacks";
import { DEFAULT_SHARD_SIZE, parseSlice, shardStacks, sliceOf } from "../shards";
import { findStack, GITHUB_MATRIX_MAX_JOBS, outDirOf, readStackManifest } from "../stack-manifest";
import { nowOption } from "./apply";

const HOUR_MS = 3_600_000;

export async function stacksCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("stacks", argv, {
    "out-dir": { type: "string" },
    /** Only this stack (a forced rotation); empty means all. */
    only: { type: "string" },
    /** The rotation workflow's `rotation` input: a forced rotation must name its stack. */
    rotation: { type: "string", default: "none" },
    "shard-size": { type: "string" },
    /** The fleet record of earlier runs: only due stacks are sharded. */
    record: { type: "string" },
    "skipped-dir": { type: "string" },
    /** Hours until the next scheduled run. */
    "next-run-hours": { type: "string", default: "24" },
    /** Slack after the next run: what is due before it is applied now. */
    "margin-hours": { type: "string", default: "24" },
    /** Every stack is applied at least this often. */
    "sweep-days": { type: "string", default: "7" },
    slice: { type: "string" },
    /** --slice only when the fleet has more stacks than this: a small fleet is checked whole every day. */
    "slice-above": { type: "string", default: "0" },
    now: { type: "string" },
    /** "on": sign-in logs are read (README "Sign-in logs"), so a pending handoff makes a stack due; "": off. */
    "sign-ins": { type: "string", default: "" },
  });
  const rotation = oneOf("stacks", "rotation", values.rotation ?? "none", ["none", ...FORCED_ROTATION_MODES]);
  if (rotation !== "none" && !values.only) {
    throw new PipelineError(
      `stacks: --rotation is ${rotation}, but no stack was given: a forced rotation applies to one stack, name it in the workflow's "stack" input`,
    );
  }
  const shardSize = wholeNumber("stacks", "shard-size", values["shard-size"] ?? String(DEFAULT_SHARD_SIZE), 1);
  const sharded = values["shard-size"] !== undefined;
  const outDir = outDirOf(context, values["out-dir"]);
  let stacks = values.only ? [findStack(outDir, values.only)] : readStackManifest(outDir);
  if (stacks.length === 0)
    throw new PipelineError(`${outDir}/manifest.json lists no stacks: the configuration has no sites`);
  const sliceAbove = wholeNumber("stacks", "slice-above", values["slice-above"]!, 0);
  // An empty --slice (drift.yml run by hand) is the whole fleet.
  if (values.slice && !values.only && stacks.length > sliceAbove) {
    const { index, slices } = parseSlice(values.slice, nowOption("stacks", values.now));
    const inSlice = new Set(
      sliceOf(
        stacks.map((s) => s.name),
        index,
        slices,
      ),
    );
    context.stdout(`slice ${index} of ${slices}: ${inSlice.size} of ${stacks.length} stacks\n`);
    stacks = stacks.filter((s) => inSlice.has(s.name));
  }
  const names = stacks.map((s) => s.name);
  // A matrix of one job per stack (no --shard-size) stops here; every workflow but a forced rotation shards.
  if (!sharded && names.length > GITHUB_MATRIX_MAX_JOBS) {
    throw new PipelineError(
      `${names.length} stacks, but a GitHub Actions matrix runs at most ${GITHUB_MATRIX_MAX_JOBS} jobs: run them in shards (--shard-size, as rotation.yml does)`,
    );
  }

  let due = names;
  // A forced rotation always runs its stack; the record only chooses among scheduled work.
  if (values.record !== undefined && !values.only) {
    const skippedDir = values["skipped-dir"];
    if (!skippedDir) throw new PipelineError("stacks: --record needs --skipped-dir, where stacks not due are written");
    const now = nowOption("stacks", values.now) ?? new Date();
    const { record, problem } = parseFleetRecord(readRecordFile(resolve(context.cwd, values.record)));
    if (problem) context.stdout(`${problem}\n`);
    const choices = chooseStacks(stacks, record, {
      now,
      nextRunAt: new Date(
        now.getTime() + wholeNumber("stacks", "next-run-hours", values["next-run-hours"]!, 0) * HOUR_MS,
      ),
      marginHours: wholeNumber("stacks", "margin-hours", values["margin-hours"]!, 0),
      sweepDays: wholeNumber("stacks", "sweep-days", values["sweep-days"]!, 1),
      watchHandoffs: onOrEmpty("stacks", "sign-ins", values["sign-ins"], "read the sign-in logs"),
    });
    for (const choice of choices) {
      context.stdout(`${choice.stack.name}: ${choice.due ? "due" : "not due"}: ${choice.reason}\n`);
      if (!choice.due) writeNotDueFiles(context, resolve(context.cwd, skippedDir), choice, record, now);
    }
    due = choices.filter((c) => c.due).map((c) => c.stack.name);
    appendStepSummary(
      context,
      `${due.length} of ${names.length} stacks are due and applied in this run; the others were judged from the fleet record (the log says why for each).`,
    );
  }
  const shards = shardStacks(due, shardSize);
  setStepOutputs(context, {
    stacks: JSON.stringify(names),
    count: String(names.length),
    ...(sharded
      ? { shards: JSON.stringify(shards), "shard-count": String(shards.length), "due-count": String(due.length) }
      : {}),
  });
  return 0;
}
