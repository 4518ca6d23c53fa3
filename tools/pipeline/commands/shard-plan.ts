// ci:shard-plan: one shard's stacks planned in one job, read-only, as ci:plan plans one (no state lock; the plan
// identity can run it), at most --parallel at a time. Pull requests: each stack's plan review (values masked) goes to
// --reviews-dir as `<stack>.md`, which ci:comment --reviews-dir posts. Drift (--refresh-only --credentials): a
// refresh-only plan, whose review is written only when something changed outside Terraform, then ci:credentials'
// check as `<stack>.credentials.md`. Every stack planned to the end also leaves `<stack>.checked.json` (whether it has
// changes), so what reads the folder knows which stacks were checked: a stack that failed leaves none, is reported
// with its reason, and the others go on; the command exits 1 at the end when any failed. The plan JSON, which holds
// the state's secrets, never leaves memory.
import { join, resolve } from "node:path";
import { CHECKED_SUFFIX, type CheckedStack } from "../checked-stacks";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { appendStepSummary } from "../github-output";
import { initOneAtATime, parallelOption, prefixed, runInParallel, shardStacksOption } from "../shard-workers";
import { outDirOf, type SynthesizedStack } from "../stack-manifest";
import { escapeMarkdown } from "../../plan-review/markdown";
import { PlanInputError, renderPlanReview } from "../../plan-review/index";
import { CREDENTIALS_SUFFIX } from "./drift-report";
import { checkCredentials } from "./credentials";
import { describePlan, planStack } from "./plan";

export async function shardPlanCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("shard-plan", argv, {
    stacks: { type: "string" },
    parallel: { type: "string", default: "4" },
    "out-dir": { type: "string" },
    "reviews-dir": { type: "string" },
    "refresh-only": { type: "boolean", default: false },
    credentials: { type: "boolean", default: false },
  });
  const parallel = parallelOption("shard-plan", values.parallel!);
  const refreshOnly = values["refresh-only"] === true;
  const stacks = shardStacksOption("shard-plan", values.stacks, outDirOf(context, values["out-dir"]));
  const reviewsDir = resolve(context.cwd, required("shard-plan", "reviews-dir", values["reviews-dir"]));
  const init = initOneAtATime(context, { readOnly: true });
  const failures = new Map<string, string>();
  const changed = new Map<string, boolean>();

  const runOne = async (stack: SynthesizedStack): Promise<void> => {
    const log = prefixed(context, stack.name);
    try {
      await init(stack.dir);
      const plan = await planStack(log, stack, refreshOnly);
      log.stdout(describePlan(stack.name, plan.changed, refreshOnly));
      const changes = plan.changed.length > 0;
      if (changes || !refreshOnly)
        writeTextFile(log, join(reviewsDir, `${stack.name}.md`), renderPlanReview(plan.json, { stack: stack.name }));
      if (values.credentials === true)
        await checkCredentials(log, stack, join(reviewsDir, `${stack.name}${CREDENTIALS_SUFFIX}`), {
          initialized: true,
        });
      const checked: CheckedStack = { stack: stack.name, changes };
      writeTextFile(log, join(reviewsDir, `${stack.name}${CHECKED_SUFFIX}`), `${JSON.stringify(checked)}\n`);
      changed.set(stack.name, changes);
    } catch (error) {
      // A plan JSON plan-review cannot read fails its stack only.
      if (!(error instanceof PipelineError || error instanceof PlanInputError)) throw error;
      failures.set(stack.name, error.message);
      log.stderr(`${error.message}\n`);
    }
  };
  await runInParallel(stacks, parallel, runOne);

  const resultOf = (name: string) => {
    if (failures.has(name)) return "failed";
    if (changed.get(name)) return refreshOnly ? "changed outside Terraform" : "changes";
    return "no changes";
  };
  appendStepSummary(
    context,
    [
      "| Stack | Plan | Why |",
      "|---|---|---|",
      ...stacks.map((s) => `| \`${s.name}\` | ${resultOf(s.name)} | ${escapeMarkdown(failures.get(s.name) ?? "")} |`),
    ].join("\n"),
  );
  context.stdout(`${stacks.length - failures.size} of ${stacks.length} stacks planned\n`);
  if (failures.size > 0) {
    throw new PipelineError(
      `${failures.size} of ${stacks.length} stacks could not be planned: ${[...failures.keys()].join(", ")} (each one's reason is in the log above)`,
    );
  }
  return 0;
}
