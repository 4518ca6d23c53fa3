// The apply guard's view of the sign-in logs: a secret Miradore signed in with recently (and not with the newest
// since) is protected like one whose handoff is pending (sign-in-observation.ts decides; the guard only asks).
import { type CommandContext, PipelineError } from "../pipeline/command-context";
import type { GuardOptions } from "../secret-guard/secret-guard";
import { readObservation, recentUseDays, stillInUse } from "./sign-in-observation";

/** The guard's `inUse` from ci:sign-ins' file for `stack`; undefined without a file (the dates alone). */
export function inUseFromFile(
  context: CommandContext,
  file: string | undefined,
  stack: string,
  now: Date,
): GuardOptions["inUse"] {
  if (file === undefined || file === "") return undefined;
  const observation = readObservation(context, file);
  if (observation.stack !== stack)
    throw new PipelineError(`${file} is the sign-in observation of stack ${observation.stack}, not of ${stack}`);
  const days = recentUseDays(context.env);
  if (!observation.available) {
    context.stdout(
      `${stack}: sign-in logs not available (${observation.reason}); the guard goes by the handoff dates\n`,
    );
    return undefined;
  }
  return (keyId, currentKeyId) => stillInUse(observation, keyId, currentKeyId, now, days);
}
