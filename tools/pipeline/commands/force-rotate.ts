// ci:force-rotate: a rotation now, for one stack. keep: a new secret in the slot Miradore is not using (the usual
// handoff follows); the apply guard refuses it while a handoff is pending, because Miradore may still use the secret
// keep would delete. revoke (a leak): both slots replaced, so both old secrets are deleted and Miradore is cut off
// until the new secret is pasted (the guard lets a revoke through on purpose); then the app's passwords and
// certificates Terraform does not manage are removed too (unmanaged-credentials.ts), and anything else outside
// Terraform is listed for an administrator.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandContext } from "../command-context";
import { oneOf, parseCommandArgs, required } from "../command-args";
import { addressesToReplace, currentSlot, FORCED_ROTATION_MODES, slotAddresses } from "../rotation-addresses";
import { findStack, outDirOf } from "../stack-manifest";
import { runTerraform, terraformInit } from "../terraform-cli";
import { removeUnmanagedCredentials } from "../unmanaged-credentials";
import { applyWithRecord, nowOption } from "./apply";
import { inUseFromFile } from "../../sign-in-logs/guard-sign-ins";

export async function forceRotateCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("force-rotate", argv, {
    stack: { type: "string" },
    mode: { type: "string" },
    "out-dir": { type: "string" },
    "result-file": { type: "string" },
    now: { type: "string" },
    /** ci:sign-ins' file for this stack: a keep rotation is refused while Miradore still signs in with its secret. */
    "sign-ins": { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("force-rotate", "stack", values.stack));
  const mode = oneOf("force-rotate", "mode", required("force-rotate", "mode", values.mode), FORCED_ROTATION_MODES);
  const now = nowOption("force-rotate", values.now);

  const addresses = slotAddresses(stack.name, JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")));
  await terraformInit(context, stack.dir);
  // The state JSON holds the passwords' values: it stays in memory and only two start dates are read from it.
  const state = await runTerraform(context, stack.dir, ["show", "-json", "-no-color"], { capture: true });
  const current = currentSlot(stack.name, addresses, JSON.parse(state.stdout));
  const replace = addressesToReplace(mode, addresses, current);
  context.stdout(
    `${stack.name}: forced rotation (${mode}); current slot ${current.toUpperCase()}; replacing ${replace.join(", ")}\n`,
  );
  const inUse = inUseFromFile(context, values["sign-ins"], stack.name, now ?? new Date());
  await applyWithRecord(context, stack, { mode, replace, now, inUse }, values["result-file"]);
  // A leak's other ways in: passwords and certificates on the app that Terraform does not manage (and a report of what
  // a revoke never removes). Only after the apply, so the new secrets exist before anything else is removed.
  if (mode === "revoke") await removeUnmanagedCredentials(context, stack);
  return 0;
}
