// ci:apply: plans one stack, judges the saved plan with the apply guard (tools/secret-guard/), and applies exactly
// that plan. In the scheduled run this is what makes due rotations happen: a time_rotating past its time is gone after
// the refresh, so its password is replaced. The guard refuses a plan that would take away the secret Miradore uses
// (unless the run is a forced revoke), and holds a due rotation that would: the run is then planned again without
// refreshing that rotation away, so everything else is still applied.
// A failed plan or apply keeps what it created in the state; what happens next depends on why it failed
// (apply-failures.ts): transient errors are retried with backoff, objects that exist outside the state (consent
// granted in the portal, a service principal a killed run created) are imported, a held state lock is waited for
// (-lock-timeout) and then reported with its owner, anything else is reported once. Exit 1 with one line then.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { minuteOf } from "../../../rotation/minutes";
import { parsePlan } from "../../plan-review/parse-plan";
import type { Plan } from "../../plan-review/plan-schema";
import {
  guardPlan,
  type GuardFinding,
  type GuardMode,
  type GuardOptions,
  type GuardVerdict,
} from "../../secret-guard/secret-guard";
import { inUseFromFile } from "../../sign-in-logs/guard-sign-ins";
import { classifyApplyFailure, describeLock } from "../apply-failures";
import type { ApplyRecord } from "../apply-records";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { adoptExistingObjects } from "../existing-object-adoption";
import { graphClient } from "../graph-client";
import { withPrivateFolder } from "../private-files";
import { stackSignIn } from "../stack-sign-in";
import { findStack, outDirOf, type SynthesizedStack } from "../stack-manifest";
import { describeNoAccess, TenantAccessError } from "../tenant-access";
import { lockTimeout, runTerraform, terraformInit, TerraformFailure } from "../terraform-cli";

/** Adoption rounds per run: each must import something, a service principal first and then its consents at most. */
const MAX_ADOPTIONS = 3;

/** Attempts and backoff for transient failures: MIRADORE_APPLY_ATTEMPTS (4), MIRADORE_RETRY_BASE_MS (30 s, doubling). */
export function retryPolicy(context: CommandContext): { attempts: number; baseMs: number } {
  const number = (name: string, fallback: number, min: number): number => {
    const text = context.env[name];
    if (text === undefined || text === "") return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min)
      throw new PipelineError(`${name} is ${JSON.stringify(text)}, but must be a whole number of at least ${min}`);
    return Number(text);
  };
  return { attempts: number("MIRADORE_APPLY_ATTEMPTS", 4, 1), baseMs: number("MIRADORE_RETRY_BASE_MS", 30_000, 0) };
}

/** How a run of one stack ended. */
export type ApplyResult = "applied" | "unchanged" | "held";

export interface ApplyOutcome {
  readonly result: ApplyResult;
  /** What the guard found (holds and notices; a refusal is thrown instead). */
  readonly findings: readonly GuardFinding[];
}

export interface ApplyOptions {
  /** @default "scheduled" */
  readonly mode?: GuardMode;
  /** `time_rotating` addresses to replace (a forced rotation). */
  readonly replace?: readonly string[];
  /** When the plan is judged. @default - the current time */
  readonly now?: Date;
  /** Sees each plan the guard judged (rehearsals record what Terraform planned). @default - none */
  readonly onPlan?: (plan: Plan, verdict: GuardVerdict) => void;
  /** The stack's folder was initialized already (`terraform init`). @default false */
  readonly initialized?: boolean;
  /** Secrets Entra's sign-in logs show in use (ci:sign-ins): the guard protects them too. @default - none */
  readonly inUse?: GuardOptions["inUse"];
}

type GuardedRun = Required<Pick<ApplyOptions, "mode">> & Pick<ApplyOptions, "onPlan" | "inUse"> & { now: Date };

/** The `id` of each address in the state (read in memory: `show -json` holds the secrets). */
async function stateIds(
  context: CommandContext,
  dir: string,
  addresses: readonly string[],
): Promise<Map<string, unknown>> {
  if (addresses.length === 0) return new Map();
  const state = JSON.parse(
    (await runTerraform(context, dir, ["show", "-json", "-no-color"], { capture: true })).stdout,
  ) as {
    values?: { root_module?: { resources?: { address: string; values?: { id?: unknown } }[] } };
  };
  const resources = state.values?.root_module?.resources ?? [];
  return new Map(addresses.map((a) => [a, resources.find((r) => r.address === a)?.values?.id]));
}

/** A refusal: the guard's findings as one message an operator can act on. */
export class GuardRefusal extends PipelineError {
  constructor(
    stack: string,
    readonly findings: readonly GuardFinding[],
  ) {
    const refusals = findings.filter((finding) => finding.severity === "refuse");
    super(
      `stack ${stack}: the plan was not applied: ${refusals.map((finding) => `${finding.headline} ${finding.detail}`).join(" Also: ")}`,
    );
  }
}

/** Plans the stack into `planFile` and judges the plan; undefined when it changes nothing. */
async function planAndGuard(
  context: CommandContext,
  stack: SynthesizedStack,
  planFile: string,
  args: readonly string[],
  options: GuardedRun,
): Promise<GuardVerdict | undefined> {
  const plan = await runTerraform(
    context,
    stack.dir,
    ["plan", "-input=false", "-no-color", "-detailed-exitcode", `-out=${planFile}`, ...args],
    { acceptExitCodes: [2] },
  );
  if (plan.exitCode === 0) return undefined;
  // The plan JSON holds the state's secrets: parsed in memory, never written or printed.
  const shown = await runTerraform(context, stack.dir, ["show", "-json", "-no-color", planFile], { capture: true });
  const parsed = parsePlan(shown.stdout);
  const verdict = guardPlan(parsed, {
    now: minuteOf(options.now.toISOString()),
    mode: options.mode,
    stack: stack.name,
    inUse: options.inUse,
  });
  options.onPlan?.(parsed, verdict);
  return verdict;
}

/** One plan-guard-apply pass; throws a GuardRefusal, or a TerraformFailure for the retry loop to classify. */
async function guardedApply(
  context: CommandContext,
  stack: SynthesizedStack,
  replace: readonly string[],
  options: GuardedRun,
): Promise<ApplyOutcome> {
  // The saved plan holds the secrets: it lives in a private folder that is removed afterwards.
  return withPrivateFolder<ApplyOutcome>(context, "miradore-apply", async (folder) => {
    const planFile = folder.file("tfplan");
    const replaceArgs = replace.map((address) => `-replace=${address}`);
    const verdict = await planAndGuard(context, stack, planFile, replaceArgs, options);
    if (verdict === undefined) return { result: "unchanged", findings: [] };
    if (verdict.refused) throw new GuardRefusal(stack.name, verdict.findings);
    let findings = verdict.findings;
    if (verdict.hold) {
      // Without a refresh the held time_rotating stays in state (still due); the due rotations that may go are
      // replaced on purpose instead.
      const rotate = [...new Set([...replace, ...verdict.hold.rotate])].map((address) => `-replace=${address}`);
      const held = await planAndGuard(context, stack, planFile, ["-refresh=false", ...rotate], options);
      if (held?.refused || held?.hold) {
        throw new GuardRefusal(stack.name, [...verdict.findings, ...(held.refused ? held.findings : [])]);
      }
      findings = [...verdict.findings, ...(held?.findings ?? [])];
      if (held === undefined) return { result: "held", findings };
    }
    await runTerraform(context, stack.dir, ["apply", "-input=false", "-no-color", planFile]);
    return { result: verdict.hold ? "held" : "applied", findings };
  });
}

/** Plans, guards and applies the stack's configuration, replacing `options.replace` (resource addresses) on the way. */
export async function applyStack(
  context: CommandContext,
  stack: SynthesizedStack,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const { attempts, baseMs } = retryPolicy(context);
  const waitForLock = lockTimeout(context);
  const guardOptions = {
    mode: options.mode ?? "scheduled",
    now: options.now ?? new Date(),
    onPlan: options.onPlan,
    inUse: options.inUse,
  };
  if (!options.initialized) await terraformInit(context, stack.dir);
  const replace = options.replace ?? [];
  const idsBefore = await stateIds(context, stack.dir, replace);
  let pendingReplace = [...replace];
  let adoptions = 0;
  for (let attempt = 1; ;) {
    try {
      return await guardedApply(context, stack, pendingReplace, guardOptions);
    } catch (error) {
      if (!(error instanceof TerraformFailure)) throw error;
      const failure = classifyApplyFailure(error.errorOutput);
      if (failure.kind === "locked") throw new PipelineError(describeLock(stack.name, failure.lock, waitForLock));
      if (failure.kind === "no-access") {
        const signIn = stackSignIn(context, stack.dir);
        const clientId = failure.clientId ?? signIn.clientId;
        throw new TenantAccessError(describeNoAccess(stack.name, error.command, failure, signIn), {
          ...signIn,
          clientId,
        });
      }
      if (failure.kind === "already-exists" && adoptions < MAX_ADOPTIONS) {
        adoptions++;
        await adoptExistingObjects(
          context,
          stack.name,
          stack.dir,
          graphClient(context, stackSignIn(context, stack.dir)),
        );
        continue;
      }
      if (failure.kind !== "transient") {
        const removedVault = removedKeyVaultAdvice(stack, error.errorOutput);
        if (removedVault) throw new PipelineError(removedVault);
        throw new PipelineError(
          `stack ${stack.name}: terraform ${error.command} failed: ${failure.summary} (not a transient error, not retried; the state keeps what was created; Terraform's error is in the run's log)`,
        );
      }
      if (attempt >= attempts) {
        throw new PipelineError(
          `stack ${stack.name}: terraform ${error.command} failed ${attempts} times (${failure.reason}): ${failure.summary}; the state keeps what was created, the next run continues from there`,
        );
      }
      const delayMs = baseMs * 2 ** (attempt - 1);
      context.stdout(
        `${stack.name}: attempt ${attempt} of ${attempts} failed (${failure.reason}: ${failure.summary}); retrying in ${Math.round(delayMs / 1000)} s\n`,
      );
      await sleep(delayMs);
      attempt++;
      // A forced rotation whose time_rotating was already replaced must not replace it again (one more secret).
      if (pendingReplace.length > 0) {
        const idsNow = await stateIds(context, stack.dir, pendingReplace);
        pendingReplace = pendingReplace.filter((a) => idsNow.get(a) === idsBefore.get(a));
      }
    }
  }
}

/**
 * Terraform needs a provider's configuration to delete what it created, and the vault's is gone with the keyVault
 * block: the plan fails on the azurerm provider ("Invalid provider configuration"). Says how to turn the handoff off.
 */
function removedKeyVaultAdvice(stack: SynthesizedStack, errorOutput: string): string | undefined {
  if (!/Invalid provider configuration/.test(errorOutput)) return undefined;
  const config = JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")) as {
    provider?: { azurerm?: unknown };
  };
  if (config.provider?.azurerm !== undefined || !/azurerm|features/i.test(errorOutput)) return undefined;
  return (
    `stack ${stack.name}: the state still holds the Key Vault secret this stack wrote, but the site's keyVault block ` +
    "was removed, so Terraform cannot reach the vault to delete it; nothing was changed. Put the block back with " +
    "`enabled: false` for one run (the vault secret is deleted), then remove it"
  );
}

/** Prints the guard's holds and notices, one line each, and the result. */
export function reportOutcome(context: CommandContext, stack: string, outcome: ApplyOutcome): void {
  for (const finding of outcome.findings) {
    context.stdout(
      `${stack}: ${finding.severity === "hold" ? "held" : "note"}: ${finding.headline} ${finding.detail}\n`,
    );
  }
  context.stdout(`${stack}: ${outcome.result}\n`);
}

/** Runs `apply` and writes its record to `resultFile` (when given) whatever happens, then reports or rethrows. */
export async function applyWithRecord(
  context: CommandContext,
  stack: SynthesizedStack,
  options: ApplyOptions,
  resultFile: string | undefined,
): Promise<void> {
  const at = (options.now ?? new Date()).toISOString();
  const write = (record: ApplyRecord) => {
    if (resultFile) writeTextFile(context, resultFile, `${JSON.stringify(record, null, 2)}\n`);
  };
  let outcome: ApplyOutcome;
  try {
    outcome = await applyStack(context, stack, options);
  } catch (error) {
    if (error instanceof PipelineError) {
      const { tenantId, clientId } = error instanceof TenantAccessError ? error.signIn : {};
      const tenantAccess = tenantId && clientId ? { tenantAccess: { tenantId, clientId } } : {};
      write({ stack: stack.name, result: "failed", at, reasons: [error.message], ...tenantAccess });
    }
    throw error;
  }
  write({
    stack: stack.name,
    result: outcome.result,
    at,
    reasons: outcome.findings.filter((finding) => finding.severity === "hold").map((finding) => finding.headline),
  });
  reportOutcome(context, stack.name, outcome);
}

export async function applyCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("apply", argv, {
    stack: { type: "string" },
    "out-dir": { type: "string" },
    "result-file": { type: "string" },
    now: { type: "string" },
    /** ci:sign-ins' file for this stack; empty or absent: the handoff dates alone. */
    "sign-ins": { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("apply", "stack", values.stack));
  const now = nowOption("apply", values.now);
  const inUse = inUseFromFile(context, values["sign-ins"], stack.name, now ?? new Date());
  await applyWithRecord(context, stack, { now, inUse }, values["result-file"]);
  return 0;
}

/** `--now <RFC 3339 time>`: when the guard judges the plan (tests and rehearsals run on a fake clock). */
export function nowOption(command: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const now = new Date(text);
  if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new PipelineError(
      `${command}: --now is ${JSON.stringify(text)}, but must be an RFC 3339 time such as 2026-03-01T06:00:00Z`,
    );
  }
  return now;
}
