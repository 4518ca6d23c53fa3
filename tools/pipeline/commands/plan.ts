// ci:plan: `terraform plan` of one stack, saved, then `terraform show -json` of it into a file for plan-review.
// The plan file and the JSON hold the state's secrets: the plan file lives in a private temporary folder (0700) that
// is deleted when the command ends, the JSON is written with mode 0600 and must never be uploaded; only the rendered
// review (values masked) leaves the job. PR plans and drift checks never write state, so neither init nor plan takes
// a state lock: they neither wait for nor block an apply, and a read-only identity (the plan identity, with Storage
// Blob Data Reader on the state container) can run them.
import { classifyApplyFailure } from "../apply-failures";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { setStepOutputs } from "../github-output";
import { driftedObjects, plannedChanges } from "../plan-changes";
import { withPrivateFolder } from "../private-files";
import { findStack, outDirOf, type SynthesizedStack } from "../stack-manifest";
import { stackSignIn } from "../stack-sign-in";
import { describeNoAccess } from "../tenant-access";
import { runTerraform, terraformInit, TerraformFailure } from "../terraform-cli";

/** `terraform plan` without a lock into `planFile`, then its JSON (held in memory: it has the state's secrets). */
async function planAndShow(context: CommandContext, dir: string, planFile: string, refreshOnly: boolean) {
  await runTerraform(context, dir, [
    "plan",
    "-input=false",
    "-no-color",
    "-lock=false",
    `-out=${planFile}`,
    ...(refreshOnly ? ["-refresh-only"] : []),
  ]);
  return runTerraform(context, dir, ["show", "-json", "-no-color", planFile], { capture: true });
}

/**
 * The plan of an initialized stack: its `terraform show -json` (the state's secrets: keep it in memory or a 0600 file)
 * and the addresses it would change (a refresh-only plan: those changed outside Terraform).
 */
export async function planStack(
  context: CommandContext,
  stack: SynthesizedStack,
  refreshOnly: boolean,
): Promise<{ json: string; changed: string[] }> {
  const shown = await withPrivateFolder(context, "miradore-plan", async (folder) => {
    try {
      return await planAndShow(context, stack.dir, folder.file("tfplan"), refreshOnly);
    } catch (error) {
      // A tenant that does not let the plan identity in: say which, and the link that lets it in (issue 16).
      if (!(error instanceof TerraformFailure)) throw error;
      const failure = classifyApplyFailure(error.errorOutput);
      if (failure.kind !== "no-access") throw error;
      throw new PipelineError(describeNoAccess(stack.name, error.command, failure, stackSignIn(context, stack.dir)));
    }
  });
  const plan = JSON.parse(shown.stdout) as Parameters<typeof plannedChanges>[0];
  return { json: shown.stdout, changed: refreshOnly ? driftedObjects(plan) : plannedChanges(plan) };
}

export async function planCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("plan", argv, {
    stack: { type: "string" },
    "out-dir": { type: "string" },
    "plan-json": { type: "string" },
    "refresh-only": { type: "boolean", default: false },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("plan", "stack", values.stack));
  const planJson = required("plan", "plan-json", values["plan-json"]);
  const refreshOnly = values["refresh-only"] === true;

  await terraformInit(context, stack.dir, { readOnly: true });
  const { json, changed } = await planStack(context, stack, refreshOnly);
  writeTextFile(context, planJson, json);
  context.stdout(describePlan(stack.name, changed, refreshOnly));
  setStepOutputs(context, { changes: String(changed.length > 0) });
  return 0;
}

/** The log line of a stack's plan. */
export function describePlan(stack: string, changed: readonly string[], refreshOnly: boolean): string {
  return changed.length === 0
    ? `${stack}: ${refreshOnly ? "no changes outside Terraform" : "no changes"}\n`
    : `${stack}: ${changed.length} ${refreshOnly ? "objects changed outside Terraform" : "planned changes"}: ${changed.join(", ")}\n`;
}
