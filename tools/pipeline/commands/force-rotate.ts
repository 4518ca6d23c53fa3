// ci:force-rotate: a rotation now, for one stack. keep: a new secret in the slot Miradore is not using (the usual
// handoff follows); refused while a handoff is pending, because Miradore may still use the secret keep would delete.
// revoke (a leak): both slots replaced, so both old secrets are deleted and Miradore is cut off until the new secret
// is pasted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
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
    now: { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("force-rotate", "stack", values.stack));
  const mode = oneOf("force-rotate", "mode", required("force-rotate", "mode", values.mode), FORCED_ROTATION_MODES);

  const addresses = slotRotationAddresses(stack.name, JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")));
  await terraformInit(context, stack.dir);
  // The state JSON holds the passwords' values: it stays in memory and only two rotation times are read from it.
  const state = await runTerraform(context, stack.dir, ["show", "-json", "-no-color"], { capture: true });
  const stateJson = JSON.parse(state.stdout);
  const current = currentSlot(stack.name, addresses, stateJson);
  if (mode === "keep") refuseDuringHandoff(stack.name, stateJson, values.now ? new Date(values.now) : new Date());
  const replace = addressesToReplace(mode, addresses, current);
  context.stdout(
    `${stack.name}: forced rotation (${mode}); current slot ${current.toUpperCase()}; replacing ${replace.join(", ")}\n`,
  );
  await applyStack(context, stack, replace);
  return 0;
}

/** keep deletes the previous secret: only safe once Miradore has been moved to the newest (the handoff is over). */
function refuseDuringHandoff(stack: string, state: unknown, now: Date): void {
  const deadline = (state as { values?: { outputs?: { handoff_deadline?: { value?: unknown } } } }).values?.outputs
    ?.handoff_deadline?.value;
  if (typeof deadline !== "string" || Number.isNaN(Date.parse(deadline))) {
    throw new PipelineError(
      `stack ${stack}: the state has no handoff_deadline output; deploy the stack before forcing a rotation`,
    );
  }
  if (Number.isNaN(now.getTime())) throw new PipelineError(`--now is not a date`);
  if (now.getTime() < Date.parse(deadline)) {
    throw new PipelineError(
      `stack ${stack}: a handoff is pending until ${deadline}: Miradore may still use the previous secret, which a keep ` +
        "rotation would delete. Paste the newest secret into Miradore and run again after the deadline, or use revoke if a secret leaked",
    );
  }
}
