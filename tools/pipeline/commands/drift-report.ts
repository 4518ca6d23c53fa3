// ci:drift-report: gathers what the per-stack drift jobs uploaded (<stack>.md, the refresh-only plan's review, and
// <stack>.credentials.md, the credentials and grants Terraform does not manage) into the body of the drift issue and
// says whether it should be open or closed. Run before ci:issue.
import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { renderDriftReport } from "../drift-report";
import { setStepOutputs } from "../github-output";
import { runUrl } from "../run-url";

/** The file name ending ci:credentials writes for a stack (`<stack>.credentials.md`). */
export const CREDENTIALS_SUFFIX = ".credentials.md";

export async function driftReportCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("drift-report", argv, {
    dir: { type: "string" },
    "checked-stacks": { type: "string" },
    "out-file": { type: "string" },
  });
  const dir = resolve(context.cwd, required("drift-report", "dir", values.dir));
  const checkedText = required("drift-report", "checked-stacks", values["checked-stacks"]);
  if (!/^\d+$/.test(checkedText))
    throw new PipelineError(
      `drift-report: --checked-stacks is ${JSON.stringify(checkedText)}, but must be a whole number`,
    );
  // No folder: no drift job uploaded a review, so none found drift.
  let files: string[] = [];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md"))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  // Stack names have no dots (miradore-<site>), so the suffix is unambiguous.
  const byStack = new Map<string, { stack: string; review?: string; credentials?: string }>();
  for (const file of files) {
    const credentials = file.endsWith(CREDENTIALS_SUFFIX);
    const stack = basename(file, credentials ? CREDENTIALS_SUFFIX : ".md");
    const entry = byStack.get(stack) ?? { stack };
    const text = readTextFile(context, join(dir, file), credentials ? "credentials report" : "drift review");
    byStack.set(stack, credentials ? { ...entry, credentials: text } : { ...entry, review: text });
  }
  const drifted = [...byStack.values()];
  const report = renderDriftReport(drifted, Number(checkedText), new Date().toISOString(), runUrl(context));
  writeTextFile(context, required("drift-report", "out-file", values["out-file"]), report.markdown);
  context.stdout(`${drifted.length} of ${checkedText} stacks changed outside Terraform\n`);
  setStepOutputs(context, { state: report.state });
  return 0;
}
