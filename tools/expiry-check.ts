// CLI: how long the Miradore client secrets stay valid and whether a handoff is due, from Terraform outputs.
//   expiry-check <outputs.json | -> [--now <RFC 3339 time>] [--warn-days <n>] [--json]
// Reads `terraform output -json` or a cdktf outputs file; prints dates and day counts, never a secret value.
// Exit codes: 0 ok, 10 handoff pending, 20 a secret expired or expires within --warn-days, 2 bad input or usage.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  DEFAULT_WARN_DAYS,
  EXPIRY_EXIT_CODES,
  EXPIRY_OUTPUTS,
  expiryStatus,
  formatExpiryReport,
  overallExitCode,
  parseRfc3339,
} from "../rotation/expiry-status";
import { OutputsInputError, parseOutputsFile } from "../rotation/terraform-outputs-file";
import { runCli } from "./cli/run-cli";

const USAGE = "usage: expiry-check <outputs.json | - for stdin> [--now <RFC 3339 time>] [--warn-days <n>] [--json]";

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
    const stacks = parseOutputsFile(text, source === "-" ? "stdin" : source, Object.values(EXPIRY_OUTPUTS));
    const statuses = stacks.map((outputs) => expiryStatus(outputs, nowMs, warnDays));
    const exitCode = overallExitCode(statuses);
    io.stdout(
      json
        ? `${JSON.stringify({ now: new Date(nowMs).toISOString(), warnDays, exitCode, stacks: statuses }, null, 2)}\n`
        : formatExpiryReport(statuses, nowMs, warnDays),
    );
    return exitCode;
  } catch (error) {
    if (error instanceof OutputsInputError) return fail(io, json, error.message);
    throw error;
  }
}

/** Bad input: the message on stderr (and as JSON on stdout for --json, so a workflow can parse it), exit code 2. */
function fail(io: CommandIo, json: boolean, message: string, usage = false): number {
  io.stderr(`expiry-check: ${message}\n${usage ? `${USAGE}\n` : ""}`);
  if (json) io.stdout(`${JSON.stringify({ exitCode: EXPIRY_EXIT_CODES.badInput, error: message })}\n`);
  return EXPIRY_EXIT_CODES.badInput;
}

if (require.main === module) void runCli("expiry-check", (argv) => main(argv));
