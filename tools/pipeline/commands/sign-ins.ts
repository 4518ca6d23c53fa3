// ci:sign-ins: reads Miradore's recent service-principal sign-ins for one stack from Entra's sign-in logs (Microsoft
// Graph beta, tools/sign-in-logs/graph-sign-ins.ts) and writes what they say as `<stack>.sign-ins.json` (`--out-file`,
// key ids, times and error codes, nothing secret) for the apply guard, the expiry check and the notice. Prints, per
// stack: the last sign-in, the key used and whether it is the current, the previous or an unknown secret, and failed
// sign-ins. A tenant without the licence or an identity without AuditLog.Read.All is said once, and the file then
// says so: everything after it goes by the handoff dates alone, as without sign-in logs. Run before ci:apply, with
// the outputs of the state before the apply (ci:outputs), which name the app and its secrets.
import { join } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { readSignIns } from "../../sign-in-logs/graph-sign-ins";
import {
  describeSignInError,
  keyRole,
  observe,
  SIGN_INS_FILE_SUFFIX,
  type SignInObservation,
  unavailable,
} from "../../sign-in-logs/sign-in-observation";
import { stackSignIn } from "../stack-sign-in";
import { outDirOf } from "../stack-manifest";
import { nowOption } from "./apply";

const DAY_MS = 86_400_000;
/** Days of sign-ins read: long enough to see a daily sync several times, short of the logs' 30-day retention. */
const DEFAULT_WINDOW_DAYS = 7;

export async function signInsCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("sign-ins", argv, {
    stack: { type: "string" },
    "outputs-file": { type: "string" },
    "out-file": { type: "string" },
    "out-dir": { type: "string" },
    "window-days": { type: "string" },
    now: { type: "string" },
  });
  const stack = required("sign-ins", "stack", values.stack);
  const outFile = required("sign-ins", "out-file", values["out-file"]);
  if (!outFile.endsWith(`${stack}${SIGN_INS_FILE_SUFFIX}`))
    throw new PipelineError(
      `sign-ins: --out-file is ${JSON.stringify(outFile)}, but must end in ${stack}${SIGN_INS_FILE_SUFFIX} (the notice finds the stack by it)`,
    );
  const windowText = values["window-days"] ?? String(DEFAULT_WINDOW_DAYS);
  if (!/^\d{1,2}$/.test(windowText) || Number(windowText) < 1 || Number(windowText) > 30)
    throw new PipelineError(
      `sign-ins: --window-days is ${JSON.stringify(windowText)}, but must be a whole number from 1 to 30 (the sign-in logs keep 30 days)`,
    );
  const now = nowOption("sign-ins", values.now) ?? new Date();
  const outputsFile = required("sign-ins", "outputs-file", values["outputs-file"]);
  await observeSignIns(context, stack, readTextFile(context, outputsFile, "outputs file"), outputsFile, outFile, {
    now,
    windowDays: Number(windowText),
    stackDir: join(outDirOf(context, values["out-dir"]), "stacks", stack),
  });
  return 0;
}

/**
 * Reads the stack's recent sign-ins and writes what they say to `outFile`. `outputsJson` is ci:outputs' JSON of the
 * state before the apply (it names the app and its secrets; `source` names it in messages); the token goes to the
 * site's tenant as the synthesized stack in `stackDir` signs in (the environment's when it is not there). Also run
 * by ci:shard for each stack of a shard.
 */
export async function observeSignIns(
  context: CommandContext,
  stack: string,
  outputsJson: string,
  source: string,
  outFile: string,
  options: { readonly now: Date; readonly windowDays?: number; readonly stackDir: string },
): Promise<void> {
  const { now, windowDays = DEFAULT_WINDOW_DAYS } = options;
  const outputs = stackOutputs(outputsJson, source, stack);
  let observation: SignInObservation;
  if (outputs.clientId === undefined) {
    observation = unavailable(stack, now, "no-app", "the stack has no client_id output yet (not deployed)");
  } else {
    const since = new Date(now.getTime() - windowDays * DAY_MS);
    const read = await readSignIns(context, outputs.clientId, since, stackSignIn(context, options.stackDir));
    observation = read.available
      ? observe(stack, outputs.clientId, now, since, read.events)
      : unavailable(stack, now, read.reason, read.message);
  }
  writeTextFile(context, outFile, `${JSON.stringify(observation, null, 2)}\n`);
  context.stdout(describeObservation(observation, outputs));
}

interface KnownKeys {
  readonly clientId?: string;
  readonly current?: string;
  readonly previous?: string;
}

/** The app's client id and its two secrets' key ids from a public outputs file (ci:outputs). */
function stackOutputs(text: string, source: string, stack: string): KnownKeys {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError(`${source} is not valid JSON; expected ci:outputs --out-file`);
  }
  const values = (json as Record<string, Record<string, unknown> | undefined> | null)?.[stack];
  if (typeof values !== "object" || values === null)
    throw new PipelineError(`${source} has no outputs of stack ${stack}; expected ci:outputs --out-file of that stack`);
  const id = (name: string) => {
    const value = values[name];
    return typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value) ? value.toLowerCase() : undefined;
  };
  return {
    clientId: id("client_id"),
    current: id("client_secret_key_id"),
    previous: id("previous_client_secret_key_id"),
  };
}

/** One line per fact, for the job's log. */
function describeObservation(o: SignInObservation, keys: KnownKeys): string {
  if (!o.available) {
    return o.reason === "no-app"
      ? `${o.stack}: no sign-in logs read: ${o.message}\n`
      : `${o.stack}: sign-in logs not available: ${o.message}; going by the handoff dates alone\n`;
  }
  const lines: string[] = [];
  const latest = o.used[0];
  if (!latest) lines.push(`${o.stack}: no successful sign-in of Miradore since ${o.since}`);
  else {
    const role = keyRole(latest.keyId, keys);
    lines.push(
      `${o.stack}: Miradore last signed in ${latest.lastAt} with key id ${latest.keyId} (${role === "unknown" ? "UNKNOWN: not a secret this stack manages" : `the ${role} secret`})`,
    );
  }
  for (const use of o.used.slice(1))
    lines.push(`${o.stack}: also signed in with key id ${use.keyId} (${keyRole(use.keyId, keys)}), last ${use.lastAt}`);
  for (const f of o.failures)
    lines.push(
      `${o.stack}: failed sign-in ${f.at}${f.keyId ? ` with key id ${f.keyId}` : ""}: ${describeSignInError(f.errorCode)}`,
    );
  return `${lines.join("\n")}\n`;
}
