// ci:plan: `terraform plan` of one stack, saved, then `terraform show -json` of it into a file for plan-review.
// The JSON holds the state's secrets: it is written with mode 0600 and must never be uploaded; only the rendered
// review (values masked) leaves the job. PR plans and drift checks never write state, so they take no state lock:
// they neither wait for nor block an apply, and a read-only identity can run them.
import { type CommandContext } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { setStepOutputs } from "../github-output";
import { driftedObjects, plannedChanges } from "../plan-changes";
import { findStack, outDirOf } from "../stack-manifest";
import { runTerraform, terraformInit } from "../terraform-cli";

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

  await terraformInit(context, stack.dir);
  await runTerraform(context, stack.dir, [
    "plan",
    "-input=false",
    "-no-color",
    "-lock=false",
    "-out=tfplan",
    ...(refreshOnly ? ["-refresh-only"] : []),
  ]);
  const shown = await runTerraform(context, stack.dir, ["show", "-json", "-no-color", "tfplan"], { capture: true });
  writeTextFile(context, planJson, shown.stdout);

  const plan = JSON.parse(shown.stdout) as Parameters<typeof plannedChanges>[0];
  const changed = refreshOnly ? driftedObjects(plan) : plannedChanges(plan);
  context.stdout(
    changed.length === 0
      ? `${stack.name}: ${refreshOnly ? "no changes outside Terraform" : "no changes"}\n`
      : `${stack.name}: ${changed.length} ${refreshOnly ? "objects changed outside Terraform" : "planned changes"}: ${changed.join(", ")}\n`,
  );
  setStepOutputs(context, { changes: String(changed.length > 0) });
  return 0;
}
