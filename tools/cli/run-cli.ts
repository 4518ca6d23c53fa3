// How every command of this project starts and ends (main.ts, bootstrap.ts, tools/*.ts): check the Node.js version,
// run the command, and turn what it throws into an exit code and one message a person can act on: what failed, the
// value, what to do. A stack trace only helps with a bug in this code, so it is shown for `--debug` or MIRADORE_DEBUG=1.
import { basename } from "node:path";
import { nodeVersionProblem } from "./node-version";

/** A failure the user can act on; its message is printed as is and the command exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** An error class whose messages are complete sentences for the user (ConfigError, PipelineError, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KnownErrorClass = abstract new (...args: any[]) => Error;

export interface CliOptions {
  /** Errors of these classes (and CliError) are printed by their message alone, exit code 1. @default none */
  readonly knownErrors?: readonly KnownErrorClass[];
  /** @default process.argv.slice(2) */
  readonly argv?: readonly string[];
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default process.stderr */
  readonly stderr?: (text: string) => void;
  /** @default process.version */
  readonly nodeVersion?: string;
}

/** The flag that shows stack traces; removed from the arguments the command sees. */
export const DEBUG_FLAG = "--debug";

/** Whether stack traces are wanted: `--debug` among the arguments, or MIRADORE_DEBUG set to 1 or true. */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes(DEBUG_FLAG) || env.MIRADORE_DEBUG === "1" || env.MIRADORE_DEBUG === "true";
}

/** File system errors say which call failed on which path; these say what that means. */
const ERRNO_MEANING: Readonly<Record<string, string>> = {
  EACCES: "permission denied: fix the permissions, or choose another path",
  EPERM: "operation not permitted: fix the permissions, or choose another path",
  EROFS: "the file system is read-only: choose another path",
  ENOENT: "no such file or folder: check the path",
  ENOTDIR: "a part of the path is a file, not a folder: check the path",
  EISDIR: "the path is a folder, but a file is needed: check the path",
  EEXIST: "something is already there: move it away, or choose another path",
  ENOTEMPTY: "the folder is not empty: move its contents away, or choose another path",
  ENOSPC: "the disk is full: free some space",
  EMFILE: "too many open files: raise the limit (ulimit -n) or close other programs",
};

/** The message for `error`: its own for known errors, a one-line summary for system errors and bugs. */
export function describeFailure(name: string, error: unknown, knownErrors: readonly KnownErrorClass[] = []): string {
  if (error instanceof CliError || knownErrors.some((known) => error instanceof known)) return (error as Error).message;
  const errno = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof errno.code === "string" && ERRNO_MEANING[errno.code]) {
    const what = errno.syscall ? `${errno.syscall} ${errno.path ?? ""}`.trim() : error.message;
    return `${name}: ${what} failed with ${errno.code} (${ERRNO_MEANING[errno.code]})`;
  }
  const cause = (error as { cause?: NodeJS.ErrnoException } | undefined)?.cause;
  if (error instanceof Error && typeof cause?.code === "string") {
    // Network calls: fetch fails with "fetch failed" and the reason (ENOTFOUND, ECONNREFUSED, ...) as its cause.
    return `${name}: ${error.message}: ${cause.message} (${ERRNO_MEANING[cause.code] ?? "check the network, the address and the proxy settings"})`;
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return (
    `${name} failed unexpectedly: ${message}. This is a bug: run it again with ${DEBUG_FLAG} (or MIRADORE_DEBUG=1) ` +
    "for the stack trace, and report it"
  );
}

/**
 * Runs a command's `main` and sets `process.exitCode`: its return value, or 1 (CliError: its own) when it throws.
 * `main` gets the arguments without `--debug`.
 */
export async function runCli(
  name: string,
  main: (argv: readonly string[]) => number | Promise<number>,
  options: CliOptions = {},
): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const problem = nodeVersionProblem(options.nodeVersion ?? process.version);
  if (problem) {
    stderr(`${name}: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  const debug = debugRequested(argv, env);
  try {
    process.exitCode = await main(argv.filter((arg) => arg !== DEBUG_FLAG));
  } catch (error) {
    stderr(`${describeFailure(name, error, options.knownErrors)}\n`);
    if (debug) stderr(stackTraces(error));
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}

/** The error's stack trace, and its causes'. */
function stackTraces(error: unknown): string {
  const traces: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    traces.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${traces.join("\ncaused by: ")}\n`;
}

/**
 * Whether this process was started to run the command whose entry file is `tools/<command>.ts` (built to
 * `.build/<command>.js`). A command file runs its `main` only then, not when it is imported. `require.main === module`
 * cannot tell: when esbuild bundles one command that imports another (a rehearsal calling the pipeline's commands),
 * both files share the bundle's `module`, and the imported command would run too.
 */
export function startedAsCommand(command: string, main: NodeJS.Module | undefined = require.main): boolean {
  return main !== undefined && basename(main.filename).replace(/\.(js|ts)$/, "") === command;
}
