// ci:shard: one shard's stacks in one job: each is initialized, planned, guarded and applied as ci:apply does, then
// its public outputs are read, with at most --parallel stacks at a time. A stack that fails is recorded with its
// reason and the others go on; the command exits 1 at the end when any failed. Every stack leaves
// `<stack>.result.json` and, when its state can be read, `<stack>.json` in --results-dir: the files the notice and
// ci:fleet-record read, as one job per stack left them.
import { join, resolve } from "node:path";
import { type ApplyRecord, readApplyRecords } from "../apply-records";
import { type CommandContext, PipelineError } from "../command-context";
import { onOrEmpty, parseCommandArgs, required, writeTextFile } from "../command-args";
import { appendStepSummary } from "../github-output";
import { publicOutputs } from "../public-outputs";
import { outDirOf, type SynthesizedStack } from "../stack-manifest";
import { initOneAtATime, parallelOption, prefixed, runInParallel, shardStacksOption } from "../shard-workers";
import { runTerraform } from "../terraform-cli";
import { escapeMarkdown } from "../../plan-review/markdown";
import { inUseFromFile } from "../../sign-in-logs/guard-sign-ins";
import { SIGN_INS_FILE_SUFFIX } from "../../sign-in-logs/sign-in-observation";
import { type ApplyOptions, applyWithRecord, nowOption } from "./apply";
import { observeSignIns } from "./sign-ins";

/** @default 4 - Microsoft Graph throttles bursts (README, "Known Entra pitfalls"); one job per stack ran 4 at a time. */
const DEFAULT_PARALLEL = 4;

export async function shardCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("shard", argv, {
    stacks: { type: "string" },
    parallel: { type: "string", default: String(DEFAULT_PARALLEL) },
    "out-dir": { type: "string" },
    "results-dir": { type: "string" },
    now: { type: "string" },
    /** "on": read each stack's sign-in logs before its apply (README "Sign-in logs"), as ci:sign-ins does; "": off. */
    "sign-ins": { type: "string", default: "" },
  });
  const signIns = onOrEmpty("shard", "sign-ins", values["sign-ins"], "read the sign-in logs");
  const parallel = parallelOption("shard", values.parallel!);
  const stacks = shardStacksOption("shard", values.stacks, outDirOf(context, values["out-dir"]));
  const resultsDir = resolve(context.cwd, required("shard", "results-dir", values["results-dir"]));
  const now = nowOption("shard", values.now);
  const init = initOneAtATime(context);

  /** The stack's sign-ins, beside its result for the notice; the guard then protects a secret Miradore still uses. */
  const observeBeforeApply = async (log: CommandContext, stack: SynthesizedStack) => {
    const before = await runTerraform(log, stack.dir, ["output", "-json", "-no-color"], { capture: true });
    const file = join(resultsDir, `${stack.name}${SIGN_INS_FILE_SUFFIX}`);
    const at = now ?? new Date();
    const outputs = JSON.stringify(publicOutputs(stack.name, before.stdout));
    await observeSignIns(log, stack.name, outputs, `${stack.name}'s state`, file, { now: at, stackDir: stack.dir });
    return inUseFromFile(log, file, stack.name, at);
  };

  const runOne = async (stack: SynthesizedStack): Promise<void> => {
    const log = prefixed(context, stack.name);
    const resultFile = join(resultsDir, `${stack.name}.result.json`);
    // ci:apply's record starts after the init and the sign-in logs: a failure before it is recorded here.
    const recordFailure = (reason: string) => {
      const record: ApplyRecord = {
        stack: stack.name,
        result: "failed",
        at: (now ?? new Date()).toISOString(),
        reasons: [reason],
      };
      writeTextFile(log, resultFile, `${JSON.stringify(record, null, 2)}\n`);
      log.stderr(`${reason}\n`);
    };
    let ready = false;
    let inUse: ApplyOptions["inUse"];
    try {
      await init(stack.dir);
      try {
        inUse = signIns ? await observeBeforeApply(log, stack) : undefined;
        ready = true;
      } catch (error) {
        if (!(error instanceof PipelineError)) throw error;
        recordFailure(`stack ${stack.name}: its sign-in logs could not be read: ${error.message}`);
      }
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      recordFailure(`stack ${stack.name}: terraform init failed: ${error.message}`);
    }
    if (ready) {
      try {
        await applyWithRecord(log, stack, { now, initialized: true, inUse }, resultFile);
      } catch (error) {
        if (!(error instanceof PipelineError)) throw error;
        log.stderr(`${error.message}\n`);
      }
    }
    // Also after a failure: the notice shows a failed stack with its secrets' expiry from the last state.
    try {
      const shown = await runTerraform(log, stack.dir, ["output", "-json", "-no-color"], { capture: true });
      const outputs = publicOutputs(stack.name, shown.stdout);
      writeTextFile(log, join(resultsDir, `${stack.name}.json`), `${JSON.stringify(outputs, null, 2)}\n`);
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      log.stderr(`${stack.name}: its outputs could not be read: ${error.message}\n`);
    }
  };

  await runInParallel(stacks, parallel, runOne);

  const records = readApplyRecords(context, resultsDir);
  const rows = stacks.map((s) => records.get(s.name));
  appendStepSummary(
    context,
    [
      "| Stack | Result | Why |",
      "|---|---|---|",
      ...rows.map(
        (r, i) =>
          `| \`${stacks[i]!.name}\` | ${r?.result ?? "no result"} | ${escapeMarkdown(r?.reasons.join(" ") ?? "")} |`,
      ),
    ].join("\n"),
  );
  const failed = stacks.filter((s) => (records.get(s.name)?.result ?? "failed") === "failed");
  context.stdout(`${stacks.length - failed.length} of ${stacks.length} stacks ran to the end\n`);
  if (failed.length > 0) {
    throw new PipelineError(
      `${failed.length} of ${stacks.length} stacks failed: ${failed.map((s) => s.name).join(", ")} (each one's reason is in the log above and in its result file)`,
    );
  }
  return 0;
}
