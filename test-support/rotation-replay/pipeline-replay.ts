// Scheduled pipeline runs through the real Terraform CLI and the provider doubles: at each run time the doubles'
// clock is set and the pipeline's own apply (tools/pipeline/commands/apply.ts: plan, apply guard, apply of the saved
// plan) runs, and what Terraform did is recorded: the applied plan's password changes, the order the apply logged
// them in, held rotations, refusals, the fake directory's passwords and the outputs an operator reads. The
// configuration may change between runs (an edit of a live site). Nothing recorded holds a secret value (the plan,
// state and `output -json` do; they are dropped).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { minuteOf, type Minute } from "../../rotation/minutes";
import type { SlotName } from "../../rotation/rotation-events";
import type { Plan } from "../../tools/plan-review/plan-schema";
import { applyStack, GuardRefusal } from "../../tools/pipeline/commands/apply";
import type { CommandContext } from "../../tools/pipeline/command-context";
import { ProviderDoubles, TerraformWorkspace } from "../terraform-harness";

/** A password in the fake directory, as the Entra admin center lists it (no secret, no hint). */
export interface DirectoryPassword {
  readonly keyId: string;
  readonly slot: SlotName;
  readonly startAt: Minute;
  readonly endAt: Minute;
}

/** One `azuread_application_password` change of the applied plan. */
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
  /** Slots whose due rotation the apply guard held in this run. */
  readonly held: readonly SlotName[];
  /** The guard's refusal, when it refused the run's plan (nothing was applied). */
  readonly refused?: string;
  /** The directory's passwords after the run. */
  readonly passwords: readonly DirectoryPassword[];
  /** The outputs after the run: the secret Miradore should use and by when (`client_secret_key_id`, `handoff_deadline`). */
  readonly current: { readonly keyId: string; readonly handoffDeadline: Minute; readonly previousKeyId: string };
}

/** A replay's observations and how long Terraform took. */
export interface PipelineReplay {
  readonly runs: readonly ObservedRun[];
  /** Wall time of the replay's Terraform commands, in milliseconds. */
  readonly terraformMs: number;
  /** What `observe` read after each run, by run. */
  readonly observations: readonly unknown[];
}

/** The stack's configuration from a run on: a replay of a live site's edit switches it between runs. */
export interface ReplayConfiguration {
  readonly from: Minute;
  readonly stack: Record<string, unknown>;
}

export interface ReplayOptions {
  /**
   * Whether the apply guard judges each plan. Without it every plan is applied as it is (the pipeline as it was
   * before the guard: a forced revoke is the one mode the guard lets everything through, and holds nothing).
   * @default true
   */
  readonly guard?: boolean;

  /** Reads what a test wants from the fake directory (or vault) after each run; kept in `observations`. */
  readonly observe?: (doubles: ProviderDoubles, tenantId: string) => unknown;
}

/** The slot a password belongs to, from the display name the stacks give it ("… (slot A, …)"). */
export function slotOfDisplayName(displayName: string | null): SlotName {
  const slot = /\(slot ([AB])\b/.exec(displayName ?? "")?.[1];
  return slot === "A" || slot === "B" ? slot : "single";
}

const atMinute = (minute: Minute) => new Date(minute * 60_000);

/**
 * Runs `runs` (minutes, ascending) of a stack (cdk.tf.json; or configurations by the run they take effect from) in a
 * fresh workspace on `doubles`.
 */
export async function replayPipelineRuns(
  doubles: ProviderDoubles,
  stack: Record<string, unknown> | readonly ReplayConfiguration[],
  runs: readonly Minute[],
  options: ReplayOptions = {},
): Promise<PipelineReplay> {
  const configurations = Array.isArray(stack) ? stack : [{ from: runs[0]!, stack }];
  const workspace = TerraformWorkspace.create(doubles, configurations[0]!.stack);
  const tenantId = (workspace.readConfig().provider.azuread[0] as { tenant_id: string }).tenant_id;
  const observed: ObservedRun[] = [];
  const observations: unknown[] = [];
  let inForce: ReplayConfiguration | undefined;
  const started = performance.now();
  try {
    for (const at of runs) {
      doubles.setClock(atMinute(at));
      const configuration = configurations.filter((c) => c.from <= at).at(-1) ?? configurations[0]!;
      if (configuration !== inForce) {
        writeConfig(workspace, configuration.stack);
        await workspace.init();
        inForce = configuration;
      }
      try {
        const run = await scheduledRun(workspace, doubles, at, observed.at(-1)?.current, options.guard ?? true);
        observed.push({ ...run, passwords: directoryPasswords(doubles, tenantId) });
        observations.push(options.observe?.(doubles, tenantId));
      } catch (error) {
        throw new Error(`run ${observed.length + 1} at ${atMinute(at).toISOString()}: ${(error as Error).message}`);
      }
    }
  } finally {
    workspace.remove();
  }
  return { runs: observed, terraformMs: performance.now() - started, observations };
}

function writeConfig(workspace: TerraformWorkspace, stack: Record<string, unknown>): void {
  const config = structuredClone(stack) as { terraform?: { backend?: unknown } };
  delete config.terraform?.backend;
  writeFileSync(join(workspace.dir, "cdk.tf.json"), JSON.stringify(config, null, 2));
}

/**
 * One run: the pipeline's guarded apply. A plan without changes is not applied, and the outputs stay as they were
 * (a due rotation or a password changed outside Terraform always shows as a planned change).
 */
async function scheduledRun(
  workspace: TerraformWorkspace,
  doubles: ProviderDoubles,
  at: Minute,
  previous: ObservedRun["current"] | undefined,
  guard: boolean,
): Promise<Omit<ObservedRun, "passwords">> {
  const log: string[] = [];
  const plans: Plan[] = [];
  const context: CommandContext = {
    env: { ...process.env, ...doubles.env() },
    cwd: workspace.dir,
    stdout: (text) => log.push(text),
    stderr: (text) => log.push(text),
    fetch: () => Promise.reject(new Error("no network in a replay")),
  };
  let refused: string | undefined;
  let result = "unchanged";
  let held: SlotName[] = [];
  try {
    const outcome = await applyStack(
      context,
      { name: "replay", dir: workspace.dir },
      {
        now: atMinute(at),
        initialized: true,
        onPlan: (plan) => plans.push(plan),
        mode: guard ? "scheduled" : "revoke",
      },
    );
    result = outcome.result;
    held = outcome.findings
      .filter((finding) => finding.severity === "hold")
      .map((finding) => (/^Slot ([AB])'s/.exec(finding.headline)?.[1] ?? "single") as SlotName);
  } catch (error) {
    if (!(error instanceof GuardRefusal)) throw error;
    refused = error.message;
  }
  const appliedPlan = refused === undefined ? plans.at(-1) : undefined;
  const planned = appliedPlan ? plannedPasswordChanges(appliedPlan) : [];
  const applied = appliedPasswordSteps(log.join(""));
  if ((result === "unchanged" || refused !== undefined) && previous !== undefined) {
    return { at, planned, applied, held, refused, current: previous };
  }
  const outputs = await workspace.outputs();
  const current = {
    keyId: String(outputs.client_secret_key_id?.value),
    handoffDeadline: minuteOf(String(outputs.handoff_deadline?.value)),
    previousKeyId: String(outputs.previous_client_secret_key_id?.value),
  };
  return { at, planned, applied, held, refused, current };
}

function plannedPasswordChanges(plan: Plan): PlannedPasswordChange[] {
  const words: Record<string, string[]> = {
    "replace-create-first": ["create", "delete"],
    "replace-destroy-first": ["delete", "create"],
    "replace-forget-old": ["create", "forget"],
  };
  return (plan.resource_changes ?? [])
    .filter((c) => c.type === "azuread_application_password" && c.mode === "managed" && c.change.actions !== "no-op")
    .map((c) => ({ address: c.address, actions: words[c.change.actions] ?? [c.change.actions] }));
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
