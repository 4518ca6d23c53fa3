// ci:force-rotate: a rotation now, for one stack. keep: a new secret in the slot Miradore is not using (the usual
// handoff follows); revoke (a leak): both slots replaced, so both old secrets are deleted and Miradore is cut off
// until the new secret is pasted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandContext } from "../command-context";
import { oneOf, parseCommandArgs, required } from "../command-args";
import { addressesToReplace, currentSlot, FORCED_ROTATION_MODES, slotRotationAddresses } from "../rotation-addresses";
import { findStack, outDirOf } from "../stack-manifest";
import { runTerraform, terraformInit } from "../terraform-cli";
import { applyStack } from "./apply";

export async function forceRotateCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("force-rotate", argv, {
    stack: { type: "string" },
    mode: { type: "string" },
    "out-dir": { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("force-rotate", "stack", values.stack));
  const mode = oneOf("force-rotate", "mode", required("force-rotate", "mode", values.mode), FORCED_ROTATION_MODES);

  const addresses = slotRotationAddresses(stack.name, JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")));
  await terraformInit(context, stack.dir);
  // The state JSON holds the passwords' values: it stays in memory and only two rotation times are read from it.
  const state = await runTerraform(context, stack.dir, ["show", "-json", "-no-color"], { capture: true });
  const current = currentSlot(stack.name, addresses, JSON.parse(state.stdout));
  const replace = addressesToReplace(mode, addresses, current);
  context.stdout(`${stack.name}: forced rotation (${mode}); current slot ${current.toUpperCase()}; replacing ${replace.join(", ")}\n`);
  await applyStack(context, stack.dir, replace);
  return 0;
}
