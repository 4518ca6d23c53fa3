// ci:outputs: one stack's outputs without the sensitive ones, as a file a later job (the expiry check) may read.
import { type CommandContext } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { publicOutputs } from "../public-outputs";
import { findStack, outDirOf } from "../stack-manifest";
import { runTerraform, terraformInit } from "../terraform-cli";

export async function outputsCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("outputs", argv, {
    stack: { type: "string" },
    "out-dir": { type: "string" },
    "out-file": { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("outputs", "stack", values.stack));
  const outFile = required("outputs", "out-file", values["out-file"]);
  await terraformInit(context, stack.dir);
  const shown = await runTerraform(context, stack.dir, ["output", "-json", "-no-color"], { capture: true });
  const outputs = publicOutputs(stack.name, shown.stdout);
  writeTextFile(context, outFile, `${JSON.stringify(outputs, null, 2)}\n`);
  context.stdout(`${stack.name}: ${Object.keys(outputs[stack.name]!).length} public outputs written to ${outFile}\n`);
  return 0;
}
