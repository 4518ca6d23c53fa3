// CLI: how long the Miradore client secrets stay valid and whether a handoff is due, from Terraform outputs.
//   expiry-check <outputs.json | -> [--now <RFC 3339 time>] [--warn-days <n>] [--sign-ins <dir>] [--json]
// Reads `terraform output -json` or a cdktf outputs file; prints dates and day counts, never a secret value. With
// --sign-ins, the `<stack>.sign-ins.json` files under that folder (ci:sign-ins) add what Entra's sign-in logs show:
// the key Miradore last signed in with; a handoff ends when that is the current secret, and failing sign-ins, the
// previous secret used past its deadline or an unknown key make the verdict "expiring".
// Exit codes: 0 ok, 10 handoff pending, 20 a secret expired or expires within --warn-days, 2 bad input or usage.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  DEFAULT_WARN_DAYS,
  EXPIRY_EXIT_CODES,
  EXPIRY_OUTPUTS,
  expiryStatus,
  type ExpiryStatus,
  formatExpiryReport,
  overallExitCode,
  parseRfc3339,
} from "../rotation/expiry-status";
import { OutputsInputError, parseOutputsFile, type StackOutputs } from "../rotation/terraform-outputs-file";
import { runCli, startedAsCommand } from "./cli/run-cli";
import { describeObservedUse, judgeObservation, type ObservedSecretUse } from "./sign-in-logs/observed-status";
import { parseObservation, SIGN_INS_FILE_SUFFIX, type SignInObservation } from "./sign-in-logs/sign-in-observation";

const USAGE =
  "usage: expiry-check <outputs.json | - for stdin> [--now <RFC 3339 time>] [--warn-days <n>] [--sign-ins <dir>] [--json]";
const PREVIOUS_KEY_ID = "previous_client_secret_key_id";

/** Where the command writes and reads; tests pass their own. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path === "-" ? 0 : path, "utf8"),
};

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        now: { type: "string" },
        "warn-days": { type: "string" },
        "sign-ins": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return fail(io, false, (error as Error).message, true);
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return EXPIRY_EXIT_CODES.ok;
  }
  const json = values.json === true;
  if (positionals.length !== 1)
    return fail(io, json, `expected one outputs file (or - for stdin), got ${positionals.length}`, true);
  const nowMs = values.now === undefined ? Date.now() : parseRfc3339(values.now);
  if (nowMs === undefined) {
    return fail(
      io,
      json,
      `--now is ${JSON.stringify(values.now)}, but must be an RFC 3339 time such as 2025-03-01T06:00:00Z`,
      true,
    );
  }
  const warnText = values["warn-days"];
  if (warnText !== undefined && !/^\d+$/.test(warnText)) {
    return fail(io, json, `--warn-days is ${JSON.stringify(warnText)}, but must be a whole number of days`, true);
  }
  const warnDays = warnText === undefined ? DEFAULT_WARN_DAYS : Number(warnText);

  const source = positionals[0]!;
  let text: string;
  try {
    text = io.readFile(source);
  } catch (error) {
    return fail(
      io,
      json,
      `cannot read ${source === "-" ? "stdin" : source}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  try {
    const observations = values["sign-ins"] === undefined ? new Map() : readObservations(io, values["sign-ins"]);
    const stacks = parseOutputsFile(text, source === "-" ? "stdin" : source, [
      ...Object.values(EXPIRY_OUTPUTS),
      PREVIOUS_KEY_ID,
    ]);
    const statuses = stacks.map((outputs) => withSignIns(outputs, observations.get(outputs.stack), nowMs, warnDays));
    const exitCode = overallExitCode(statuses);
    io.stdout(
      json
        ? `${JSON.stringify({ now: new Date(nowMs).toISOString(), warnDays, exitCode, stacks: statuses }, null, 2)}\n`
        : formatExpiryReport(statuses, nowMs, warnDays) + signInLines(statuses),
    );
    return exitCode;
  } catch (error) {
    if (error instanceof OutputsInputError) return fail(io, json, error.message);
    throw error;
  }
}

/** The stack's status, with what its sign-in observation (if any) shows. */
function withSignIns(
  outputs: StackOutputs,
  observation: SignInObservation | undefined,
  nowMs: number,
  warnDays: number,
): ExpiryStatus & { observed?: ObservedSecretUse } {
  if (!observation) return expiryStatus(outputs, nowMs, warnDays);
  const text = (name: string) => {
    const value = outputs.values.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const { use, effect } = judgeObservation(
    observation,
    { current: text(EXPIRY_OUTPUTS.keyId), previous: text(PREVIOUS_KEY_ID) },
    text(EXPIRY_OUTPUTS.handoffDeadline) ?? "",
    new Date(nowMs),
  );
  return { ...expiryStatus(outputs, nowMs, warnDays, effect), observed: use };
}

/** The sign-in logs' word on each stack that has an observation, after the dates. */
function signInLines(statuses: readonly (ExpiryStatus & { observed?: ObservedSecretUse })[]): string {
  const observed = statuses.filter((s) => s.observed !== undefined);
  if (observed.length === 0) return "";
  return `\n${observed.map((s) => `${s.stack}: ${describeObservedUse(s.observed)}`).join("\n")}\n`;
}

/** Every `<stack>.sign-ins.json` under `dir`, by stack; bad input (exit 2) when one cannot be read. */
function readObservations(io: CommandIo, dir: string): Map<string, SignInObservation> {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(SIGN_INS_FILE_SUFFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new OutputsInputError(`cannot read --sign-ins ${dir}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const observations = new Map<string, SignInObservation>();
  for (const file of files.sort()) {
    const path = join(dir, file);
    try {
      const observation = parseObservation(io.readFile(path), path);
      observations.set(observation.stack, observation);
    } catch (error) {
      throw new OutputsInputError((error as Error).message);
    }
  }
  return observations;
}

/** Bad input: the message on stderr (and as JSON on stdout for --json, so a workflow can parse it), exit code 2. */
function fail(io: CommandIo, json: boolean, message: string, usage = false): number {
  io.stderr(`expiry-check: ${message}\n${usage ? `${USAGE}\n` : ""}`);
  if (json) io.stdout(`${JSON.stringify({ exitCode: EXPIRY_EXIT_CODES.badInput, error: message })}\n`);
  return EXPIRY_EXIT_CODES.badInput;
}

if (startedAsCommand("expiry-check")) void runCli("expiry-check", (argv) => main(argv));
