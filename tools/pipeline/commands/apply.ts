// ci:apply: `terraform apply` of one stack's configuration. In the scheduled run this is what makes due rotations
// happen: a time_rotating past its time is gone after the refresh, so its password is replaced.
// A failed apply keeps what it created in the state; what happens next depends on why it failed (apply-failures.ts):
// transient errors are retried with backoff, objects that exist outside the state (consent granted in the portal, a
// service principal a killed run created) are imported, a held state lock is waited
// for (-lock-timeout) and then reported with its owner, anything else is reported once. Exit 1 with one line then.
import { setTimeout as sleep } from "node:timers/promises";
import { classifyApplyFailure, describeLock } from "../apply-failures";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, required } from "../command-args";
import { adoptExistingObjects } from "../existing-object-adoption";
import { graphClient } from "../graph-client";
import { findStack, outDirOf, type SynthesizedStack } from "../stack-manifest";
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

/** Applies the stack's configuration, replacing `replace` (resource addresses) on the way. */
export async function applyStack(
  context: CommandContext,
  stack: SynthesizedStack,
  replace: readonly string[] = [],
): Promise<void> {
  const { attempts, baseMs } = retryPolicy(context);
  const waitForLock = lockTimeout(context);
  await terraformInit(context, stack.dir);
  const idsBefore = await stateIds(context, stack.dir, replace);
  let pendingReplace = [...replace];
  let adoptions = 0;
  for (let attempt = 1; ;) {
    try {
      await runTerraform(context, stack.dir, [
        "apply",
        "-input=false",
        "-no-color",
        "-auto-approve",
        ...pendingReplace.map((a) => `-replace=${a}`),
      ]);
      return;
    } catch (error) {
      if (!(error instanceof TerraformFailure)) throw error;
      const failure = classifyApplyFailure(error.errorOutput);
      if (failure.kind === "locked") throw new PipelineError(describeLock(stack.name, failure.lock, waitForLock));
      if (failure.kind === "already-exists" && adoptions < MAX_ADOPTIONS) {
        adoptions++;
        await adoptExistingObjects(context, stack.name, stack.dir, graphClient(context));
        continue;
      }
      if (failure.kind !== "transient") {
        throw new PipelineError(
          `stack ${stack.name}: terraform apply failed: ${failure.summary} (not a transient error, not retried; the state keeps what was created, see the log above)`,
        );
      }
      if (attempt >= attempts) {
        throw new PipelineError(
          `stack ${stack.name}: terraform apply failed ${attempts} times (${failure.reason}): ${failure.summary}; the state keeps what was created, the next run continues from there`,
        );
      }
      const delayMs = baseMs * 2 ** (attempt - 1);
      context.stdout(
        `${stack.name}: apply attempt ${attempt} of ${attempts} failed (${failure.reason}: ${failure.summary}); retrying in ${Math.round(delayMs / 1000)} s\n`,
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

export async function applyCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("apply", argv, { stack: { type: "string" }, "out-dir": { type: "string" } });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("apply", "stack", values.stack));
  await applyStack(context, stack);
  return 0;
}
