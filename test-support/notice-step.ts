// The rotation workflow's notice job as a rehearsal runs it, in-process: collect the run's outputs, the expiry check
// (its JSON verdict, as the workflow keeps it whatever the exit code), then the operator notice with every expected
// stack. The files go where the workflow would put them, in `runDir`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main as expiryCheck } from "../tools/expiry-check";
import type { CommandContext } from "../tools/pipeline/command-context";
import { runPipeline } from "../tools/pipeline";

export interface NoticeStepOptions {
  /** The run's result and outputs files (ci:apply --result-file, ci:outputs, ci:shard --results-dir). */
  readonly resultsDir: string;
  /** Where the step's own files go (outputs.json, expiry.json, notice.md). */
  readonly runDir: string;
  /** The fake clock's time of the run. */
  readonly now: Date;
  /** The stacks the run expected: names, or the `stacks` output of ci:stacks (a JSON list). */
  readonly expectedStacks: readonly string[] | string;
}

/** What the notice job left: the issue body and the state (open, closed). */
export interface NoticeStepResult {
  readonly markdown: string;
  readonly state: string;
}

export async function noticeStep(context: CommandContext, options: NoticeStepOptions): Promise<NoticeStepResult> {
  const { resultsDir, runDir, now, expectedStacks } = options;
  const step = async (argv: string[], ctx = context) => {
    const code = await runPipeline(argv, ctx);
    if (code !== 0) throw new Error(`ci:${argv[0]} exited ${code}`);
  };
  const collected = join(runDir, "outputs.json");
  await step(["collect-outputs", "--dir", resultsDir, "--out-file", collected]);
  let expiry = "";
  expiryCheck([collected, "--json", "--now", now.toISOString()], {
    stdout: (text) => (expiry += text),
    stderr: () => undefined,
    readFile: (path) => readFileSync(path, "utf8"),
  });
  const expiryFile = join(runDir, "expiry.json");
  writeFileSync(expiryFile, expiry);
  const noticeFile = join(runDir, "notice.md");
  const expected = typeof expectedStacks === "string" ? expectedStacks : JSON.stringify(expectedStacks);
  const printed: string[] = [];
  const args = ["notice", expiryFile, "--out-file", noticeFile, "--results-dir", resultsDir];
  await step([...args, "--expected-stacks", expected], {
    ...context,
    env: { ...context.env, GITHUB_OUTPUT: undefined }, // the state is printed, and read here
    stdout: (text) => {
      printed.push(text);
      context.stdout(text);
    },
  });
  return {
    markdown: readFileSync(noticeFile, "utf8"),
    state: /^state=(\w+)$/m.exec(printed.join(""))?.[1] ?? "",
  };
}
