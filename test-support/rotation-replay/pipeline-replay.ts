// Scheduled pipeline runs through the real Terraform CLI and the provider doubles: at each run time the doubles'
// clock is set, `terraform plan -out` is saved and applied as the pipeline does, and what Terraform did is recorded:
// the plan's password changes, the order the apply logged them in, the fake directory's passwords and the outputs
// an operator reads. Nothing recorded holds a secret value (the plan, state and `output -json` do; they are dropped).
import { minuteOf, type Minute } from "../../rotation/minutes";
import type { SlotName } from "../../rotation/rotation-events";
import { ProviderDoubles, TerraformCommandError, TerraformWorkspace, type PlanJson } from "../terraform-harness";

/** A password in the fake directory, as the Entra admin center lists it (no secret, no hint). */
export interface DirectoryPassword {
  readonly keyId: string;
  readonly slot: SlotName;
  readonly startAt: Minute;
  readonly endAt: Minute;
}

/** One `azuread_application_password` change of a saved plan. */
export interface PlannedPasswordChange {
  readonly address: string;
  readonly actions: readonly string[];
}

/** A password step of `terraform apply`'s log, in the order Terraform printed it. */
export interface AppliedPasswordStep {
  readonly step: "created" | "destroying";
  readonly address: string;
}

/** What one scheduled run did. */
export interface ObservedRun {
  /** The run's time (the doubles' clock during plan and apply). */
  readonly at: Minute;
  readonly planned: readonly PlannedPasswordChange[];
  readonly applied: readonly AppliedPasswordStep[];
  /** The directory's passwords after the run. */
  readonly passwords: readonly DirectoryPassword[];
  /** The outputs after the run: the secret Miradore should use and by when (`client_secret_key_id`, `handoff_deadline`). */
  readonly current: { readonly keyId: string; readonly handoffDeadline: Minute };
}

/** A replay's observations and how long Terraform took. */
export interface PipelineReplay {
  readonly runs: readonly ObservedRun[];
  /** Wall time of every Terraform command, summed by command (init, plan, show, apply, output). */
  readonly terraformMs: Readonly<Record<string, number>>;
}

/** The slot a password belongs to, from the display name the stacks give it ("… (slot A, …)"). */
export function slotOfDisplayName(displayName: string | null): SlotName {
  const slot = /\(slot ([AB])\b/.exec(displayName ?? "")?.[1];
  return slot === "A" || slot === "B" ? slot : "single";
}

const atMinute = (minute: Minute) => new Date(minute * 60_000);

/** Runs `runs` (minutes, ascending) of the stack `stackJson` (cdk.tf.json) in a fresh workspace on `doubles`. */
export async function replayPipelineRuns(
  doubles: ProviderDoubles,
  stackJson: Record<string, unknown>,
  runs: readonly Minute[],
): Promise<PipelineReplay> {
  const workspace = TerraformWorkspace.create(doubles, stackJson);
  const tenantId = (workspace.readConfig().provider.azuread[0] as { tenant_id: string }).tenant_id;
  const observed: ObservedRun[] = [];
  try {
    doubles.setClock(atMinute(runs[0]!));
    await workspace.init();
    for (const at of runs) {
      doubles.setClock(atMinute(at));
      try {
        const run = await scheduledRun(workspace, at, observed.at(-1)?.current);
        observed.push({ ...run, passwords: directoryPasswords(doubles, tenantId) });
      } catch (error) {
        throw new Error(`run ${observed.length + 1} at ${atMinute(at).toISOString()}: ${(error as Error).message}`);
      }
    }
  } finally {
    workspace.remove();
  }
  const terraformMs: Record<string, number> = {};
  for (const { command, durationMs } of workspace.timings)
    terraformMs[command] = (terraformMs[command] ?? 0) + durationMs;
  return { runs: observed, terraformMs };
}

/**
 * One run: `plan -out` with `-detailed-exitcode`; when it plans changes, `show -json` of the saved plan, `apply` of
 * it and `output -json`. A plan without changes is not applied: it would change nothing (a due rotation or a password
 * changed outside Terraform always shows as a planned change), and the outputs stay as they were. This roughly
 * halves the cost of the many quiet runs.
 */
async function scheduledRun(
  workspace: TerraformWorkspace,
  at: Minute,
  previous: ObservedRun["current"] | undefined,
): Promise<Omit<ObservedRun, "passwords">> {
  const args = ["plan", "-input=false", "-no-color", "-out=tfplan", "-detailed-exitcode"];
  const plan = await workspace.run(args, { allowFailure: true });
  if (plan.exitCode === 1) throw new TerraformCommandError(args, plan);
  if (plan.exitCode === 0 && previous !== undefined) return { at, planned: [], applied: [], current: previous };
  const planned = plannedPasswordChanges(await workspace.showPlan());
  const applied = appliedPasswordSteps((await workspace.apply()).stdout);
  const outputs = await workspace.outputs();
  const current = {
    keyId: String(outputs.client_secret_key_id?.value),
    handoffDeadline: minuteOf(String(outputs.handoff_deadline?.value)),
  };
  return { at, planned, applied, current };
}

function plannedPasswordChanges(plan: PlanJson): PlannedPasswordChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.type === "azuread_application_password" && c.mode === "managed")
    .filter((c) => !c.change.actions.every((action) => action === "no-op"))
    .map((c) => ({ address: c.address, actions: [...c.change.actions] }));
}

/** "<address>: Creation complete after 0s [id=…]" and "<address> (deposed object 1a2b3c4d): Destroying... [id=…]". */
const APPLY_STEP =
  /^(\S*azuread_application_password\.[^\s:]+)(?: \(deposed object \w+\))?: (Creation complete|Destroying\.\.\.)/;

function appliedPasswordSteps(applyLog: string): AppliedPasswordStep[] {
  const steps: AppliedPasswordStep[] = [];
  for (const line of applyLog.split("\n")) {
    const match = APPLY_STEP.exec(line);
    if (match) steps.push({ address: match[1]!, step: match[2] === "Destroying..." ? "destroying" : "created" });
  }
  return steps;
}

function directoryPasswords(doubles: ProviderDoubles, tenantId: string): DirectoryPassword[] {
  return Object.values(doubles.tenant(tenantId).applications).flatMap((app) =>
    app.passwordCredentials.map((credential) => ({
      keyId: credential.keyId,
      slot: slotOfDisplayName(credential.displayName),
      startAt: minuteOf(credential.startDateTime),
      endAt: minuteOf(credential.endDateTime),
    })),
  );
}
