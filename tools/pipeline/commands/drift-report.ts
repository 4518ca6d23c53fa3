// ci:drift-report: gathers what the per-stack drift jobs uploaded (<stack>.md, the refresh-only plan's review, and
// <stack>.credentials.md, the credentials and grants Terraform does not manage) into the body of the drift issue and
// says whether it should be open or closed. Run before ci:issue.
// With --record (drift.yml, where each day's run checks a slice of the fleet): only the stacks ci:shard-plan checked to
// the end (`<stack>.checked.json`) count as checked; the drift record (tools/pipeline/drift-record.ts) adds every other
// stack of the fleet (cdktf.out/manifest.json) as its last check found it, and is written back with today's findings.
// The state is then `open` when any stack of the fleet has drift, `closed` only when every one has been checked and
// none has, and `keep` (leave the issue as it is) while some stack has never been checked.
import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { renderDriftReport } from "../drift-report";
import { parseDriftRecord, updateDriftRecord } from "../drift-record";
import { readRecordFile } from "../cached-record";
import { outDirOf, readStackManifest } from "../stack-manifest";
import { CHECKED_SUFFIX } from "../checked-stacks";
import { setStepOutputs } from "../github-output";
import { runUrl } from "../run-url";

/** The file name ending ci:credentials writes for a stack (`<stack>.credentials.md`). */
export const CREDENTIALS_SUFFIX = ".credentials.md";

export async function driftReportCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("drift-report", argv, {
    dir: { type: "string" },
    "checked-stacks": { type: "string" },
    "out-file": { type: "string" },
    record: { type: "string" },
    "out-dir": { type: "string" },
  });
  const dir = resolve(context.cwd, required("drift-report", "dir", values.dir));
  const outFile = required("drift-report", "out-file", values["out-file"]);
  const byStack = readStackFiles(context, dir);
  if (values.record !== undefined)
    return reportWithRecord(context, byStack, resolve(context.cwd, values.record), values["out-dir"], outFile);
  const checkedText = required("drift-report", "checked-stacks", values["checked-stacks"]);
  if (!/^\d+$/.test(checkedText))
    throw new PipelineError(
      `drift-report: --checked-stacks is ${JSON.stringify(checkedText)}, but must be a whole number`,
    );
  const drifted = [...byStack.values()]
    .filter((e) => e.review !== undefined || e.credentials !== undefined)
    .map(({ stack, review, credentials }) => ({ stack, review, credentials }));
  const report = renderDriftReport(drifted, Number(checkedText), new Date().toISOString(), runUrl(context));
  writeTextFile(context, outFile, report.markdown);
  context.stdout(`${drifted.length} of ${checkedText} stacks changed outside Terraform\n`);
  setStepOutputs(context, { state: report.state });
  return 0;
}

interface StackFiles {
  stack: string;
  review?: string;
  credentials?: string;
  /** ci:shard-plan planned it to the end. */
  checked?: boolean;
}

/** The files in `dir` (and its subfolders) by stack: `<stack>.md`, `<stack>.credentials.md`, `<stack>.checked.json`. */
function readStackFiles(context: CommandContext, dir: string): Map<string, StackFiles> {
  // No folder: no drift job uploaded a review, so none found drift.
  let files: string[] = [];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md") || f.endsWith(CHECKED_SUFFIX))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  // Stack names have no dots (miradore-<site>), so the suffix is unambiguous.
  const byStack = new Map<string, StackFiles>();
  for (const file of files) {
    if (file.endsWith(CHECKED_SUFFIX)) {
      const stack = basename(file, CHECKED_SUFFIX);
      byStack.set(stack, { ...(byStack.get(stack) ?? { stack }), checked: true });
      continue;
    }
    const credentials = file.endsWith(CREDENTIALS_SUFFIX);
    const stack = basename(file, credentials ? CREDENTIALS_SUFFIX : ".md");
    const entry = byStack.get(stack) ?? { stack };
    const text = readTextFile(context, join(dir, file), credentials ? "credentials report" : "drift review");
    byStack.set(stack, credentials ? { ...entry, credentials: text } : { ...entry, review: text });
  }
  return byStack;
}

function reportWithRecord(
  context: CommandContext,
  byStack: ReadonlyMap<string, StackFiles>,
  recordFile: string,
  outDir: string | undefined,
  outFile: string,
): number {
  const fleet = readStackManifest(outDirOf(context, outDir)).map((s) => s.name);
  const { record, problem } = parseDriftRecord(readRecordFile(recordFile));
  if (problem) context.stdout(`${problem}: stacks not checked in this run count as never checked\n`);
  const checked = new Map(
    [...byStack.values()]
      .filter((e) => e.checked === true)
      .map(({ stack, review, credentials }) => [stack, { review, credentials }] as const),
  );
  const now = new Date().toISOString();
  const view = updateDriftRecord(record, fleet, checked, now);
  const report = renderDriftReport(view.drifted, fleet.length, now, runUrl(context));
  const notChecked = fleet.filter((s) => !checked.has(s));
  const coverage =
    notChecked.length === 0
      ? `This run checked all ${fleet.length} stacks.`
      : `This run checked ${checked.size} of ${fleet.length} stacks; the others are shown as their last check found them` +
        (view.neverChecked.length > 0
          ? `, and ${view.neverChecked.length} ${view.neverChecked.length === 1 ? "has" : "have"} not been checked yet (this issue stays as it is until every stack has been): ${view.neverChecked
              .slice(0, MAX_NAMED_STACKS)
              .map((s) => `\`${s}\``)
              .join(
                ", ",
              )}${view.neverChecked.length > MAX_NAMED_STACKS ? ` and ${view.neverChecked.length - MAX_NAMED_STACKS} more` : ""}.`
          : ` (the oldest check: ${view.oldestCheck!.slice(0, 16).replace("T", " ")} UTC).`);
  const state = report.state === "closed" && view.neverChecked.length > 0 ? "keep" : report.state;
  writeTextFile(context, outFile, `${report.markdown}\n${coverage}\n`);
  writeTextFile(context, recordFile, `${JSON.stringify(view.record, null, 2)}\n`);
  context.stdout(
    `${checked.size} of ${fleet.length} stacks checked in this run; ${view.drifted.length} changed outside Terraform at their last check; ${view.neverChecked.length} never checked; issue: ${state}\n`,
  );
  setStepOutputs(context, { state });
  return 0;
}

/** Never-checked stacks named in the issue; the rest are counted. */
const MAX_NAMED_STACKS = 50;
