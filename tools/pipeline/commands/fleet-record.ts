// ci:fleet-record: the fleet record after this run (tools/pipeline/fleet-record.ts): the record the run started from,
// updated with every result and outputs file the shards and the stacks job left (--results-dir), written to
// --out-file for the next run. A stack the run expected (--expected-stacks) that left no result is recorded as
// "missing", so the next run applies it.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readApplyRecords, RESULT_FILE_SUFFIX } from "../apply-records";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { readRecordFile } from "../cached-record";
import { parseFleetRecord, type RunOfStack, updateFleetRecord } from "../fleet-record";
import { mergeOutputs } from "../public-outputs";
import { outDirOf, readStackManifest } from "../stack-manifest";
import { nowOption } from "./apply";
import { expectedStacks } from "./notice";

export async function fleetRecordCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("fleet-record", argv, {
    record: { type: "string" },
    "results-dir": { type: "string" },
    "expected-stacks": { type: "string" },
    "out-dir": { type: "string" },
    "out-file": { type: "string" },
    now: { type: "string" },
  });
  const now = nowOption("fleet-record", values.now) ?? new Date();
  const resultsDir = resolve(context.cwd, required("fleet-record", "results-dir", values["results-dir"]));
  const outFile = required("fleet-record", "out-file", values["out-file"]);
  const { record: before, problem } = parseFleetRecord(
    values.record === undefined ? undefined : readRecordFile(resolve(context.cwd, values.record)),
  );
  if (problem && values.record !== undefined) context.stdout(`${problem}\n`);
  const synthesized = readStackManifest(outDirOf(context, values["out-dir"]));
  const expected = new Set(expectedStacks(values["expected-stacks"], "fleet-record") ?? synthesized.map((s) => s.name));
  const records = readApplyRecords(context, resultsDir);
  const outputs = readOutputsFiles(context, resultsDir);
  const runs: RunOfStack[] = synthesized
    .filter((stack) => expected.has(stack.name) || records.has(stack.name))
    .map((stack) => {
      const result = records.get(stack.name);
      const found = outputs[stack.name];
      return {
        stack,
        result,
        applied: result?.selection?.due !== false,
        outputs: typeof found === "object" && found !== null ? (found as Record<string, unknown>) : undefined,
      };
    });
  const after = updateFleetRecord(
    before,
    runs,
    synthesized.map((s) => s.name),
    now,
  );
  writeTextFile(context, outFile, `${JSON.stringify(after, null, 2)}\n`);
  const applied = runs.filter((r) => r.result && r.applied).length;
  context.stdout(
    `fleet record: ${Object.keys(after.stacks).length} stacks, ${applied} applied in this run, written to ${outFile}\n`,
  );
  return 0;
}

/** Every `<stack>.json` outputs file under `dir` (as ci:collect-outputs reads them). */
function readOutputsFiles(context: CommandContext, dir: string): Record<string, unknown> {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json") && !f.endsWith(RESULT_FILE_SUFFIX))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  return mergeOutputs(
    files.map((file) => {
      const path = join(dir, file);
      try {
        return {
          source: path,
          outputs: JSON.parse(readTextFile(context, path, "outputs file")) as Record<string, unknown>,
        };
      } catch (error) {
        if (error instanceof PipelineError) throw error;
        throw new PipelineError(`${path} is not valid JSON`);
      }
    }),
  );
}
