// ci:collect-outputs: merges the per-stack public outputs files the apply jobs uploaded into one cdktf outputs file.
// A stack whose outputs lack the secret's dates (never deployed, or its state could not be read) is left out and
// named: the operator notice lists it as a stack without data.
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { RESULT_FILE_SUFFIX } from "../apply-records";
import { SIGN_INS_FILE_SUFFIX } from "../../sign-in-logs/sign-in-observation";
import { mergeOutputs } from "../public-outputs";
import { EXPIRY_OUTPUTS } from "../../../rotation/expiry-status";

/** Whether a stack's outputs hold what the expiry check reads (a stack that was never deployed has none). */
function hasSecretDates(outputs: unknown): boolean {
  return typeof outputs === "object" && outputs !== null && EXPIRY_OUTPUTS.currentEnd in outputs;
}

export async function collectOutputsCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("collect-outputs", argv, {
    dir: { type: "string" },
    "out-file": { type: "string" },
  });
  const dir = resolve(context.cwd, required("collect-outputs", "dir", values.dir));
  const outFile = required("collect-outputs", "out-file", values["out-file"]);
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json") && !f.endsWith(RESULT_FILE_SUFFIX) && !f.endsWith(SIGN_INS_FILE_SUFFIX))
      .sort();
  } catch (error) {
    // No folder: no apply job uploaded anything; the notice names every stack as one without data.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
    }
    files = [];
  }

  const parsed = files.map((file) => {
    const path = join(dir, file);
    try {
      return {
        source: relative(context.cwd, path),
        outputs: JSON.parse(readTextFile(context, path, "outputs file")) as Record<string, unknown>,
      };
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      throw new PipelineError(`${path} is not valid JSON`);
    }
  });
  const all = mergeOutputs(parsed);
  const merged = Object.fromEntries(Object.entries(all).filter(([, outputs]) => hasSecretDates(outputs)));
  const without = Object.keys(all).filter((stack) => !(stack in merged));
  writeTextFile(context, outFile, `${JSON.stringify(merged, null, 2)}\n`);
  context.stdout(
    `${Object.keys(merged).length} stacks' outputs merged into ${outFile}` +
      (without.length > 0 ? `; without the secret's dates (left out): ${without.join(", ")}` : "") +
      "\n",
  );
  return 0;
}
