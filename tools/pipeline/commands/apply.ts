// ci:apply: `terraform apply` of one stack's configuration. In the scheduled run this is what makes due rotations
// happen: a time_rotating past its time is gone after the refresh, so its password is replaced.
import { type CommandContext } from "../command-context";
import { parseCommandArgs, required } from "../command-args";
import { findStack, outDirOf } from "../stack-manifest";
import { runTerraform, terraformInit } from "../terraform-cli";

/** Applies `dir`'s configuration, replacing `replace` (resource addresses) on the way. */
export async function applyStack(context: CommandContext, dir: string, replace: readonly string[] = []): Promise<void> {
  await terraformInit(context, dir);
  await runTerraform(context, dir, ["apply", "-input=false", "-no-color", "-auto-approve", ...replace.map((a) => `-replace=${a}`)]);
}

export async function applyCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("apply", argv, { stack: { type: "string" }, "out-dir": { type: "string" } });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("apply", "stack", values.stack));
  await applyStack(context, stack.dir);
  return 0;
}
