// ci:notice: turns `expiry-check --json` output into the operator notice (the tracking issue's body) and says whether
// the issue should be open or closed. Run before ci:issue.
import { resolve } from "node:path";
import { readApplyRecords } from "../apply-records";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { annotate, setStepOutputs } from "../github-output";
import { parseExpiryReport, renderOperatorNotice } from "../operator-notice";
import { runUrl } from "../run-url";

export async function noticeCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "notice",
    argv,
    {
      "out-file": { type: "string" },
      /** Where the apply jobs' `<stack>.result.json` files are (the outputs artifacts). */
      "results-dir": { type: "string" },
      /** The stacks the run was meant to check, as a JSON list (the matrix). */
      "expected-stacks": { type: "string" },
    },
    1,
  );
  const source = positionals[0]!;
  const report = parseExpiryReport(readTextFile(context, source, "expiry report"), source);
  const expected = expectedStacks(values["expected-stacks"]);
  if ("error" in report && expected === undefined) {
    throw new PipelineError(`expiry-check rejected its input: ${report.error}`);
  }
  const resultsDir = values["results-dir"];
  const records = resultsDir === undefined ? undefined : readApplyRecords(context, resolve(context.cwd, resultsDir));
  const notice = renderOperatorNotice(report.stacks, report.now ?? new Date().toISOString(), runUrl(context), {
    records,
    expected,
    expiryError: "error" in report ? report.error : undefined,
  });
  writeTextFile(context, required("notice", "out-file", values["out-file"]), notice.markdown);
  for (const s of notice.stacks) {
    annotate(
      context,
      s.verdict === "expiring" ? "warning" : "notice",
      `${s.stack}: ${s.verdict}`,
      s.verdict === "expiring"
        ? s.warnings.join("; ")
        : `paste the new client secret into Miradore by ${s.handoff.deadline.date}`,
    );
  }
  setStepOutputs(context, { state: notice.state });
  return 0;
}

/** `--expected-stacks`: a JSON list of stack names (ci:stacks' `stacks` output). */
export function expectedStacks(text: string | undefined, command = "notice"): string[] | undefined {
  if (text === undefined) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || !list.every((name) => typeof name === "string" && /^[A-Za-z0-9._-]{1,100}$/.test(name))) {
    throw new PipelineError(
      `${command}: --expected-stacks is ${JSON.stringify(text.slice(0, 80))}, but must be a JSON list of stack names (ci:stacks' output)`,
    );
  }
  return list as string[];
}
