// ci:collect-outputs: merges the per-stack public outputs files the apply jobs uploaded into one cdktf outputs file.
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { mergeOutputs } from "../public-outputs";

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
      .filter((f) => f.endsWith(".json"))
      .sort();
  } catch (error) {
    throw new PipelineError(
      `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}; did any apply job upload its outputs?`,
    );
  }
  if (files.length === 0)
    throw new PipelineError(`${dir} holds no outputs files: every apply job failed or uploaded nothing`);
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
  const merged = mergeOutputs(parsed);
  writeTextFile(context, outFile, `${JSON.stringify(merged, null, 2)}\n`);
  context.stdout(`${Object.keys(merged).length} stacks' outputs merged into ${outFile}\n`);
  return 0;
}
