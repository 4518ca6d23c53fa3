// Runs the Terraform CLI for a pipeline step. The binary comes from MIRADORE_TERRAFORM (default `terraform` on the
// PATH) and the folder from the synthesized stack, so tests can run the same code against the provider doubles.
import { spawn } from "node:child_process";
import { type CommandContext, PipelineError } from "./command-context";
import { assertLocalStateReadable, localStateFile } from "./local-state-check";
import { restrictToOwner, withOwnerOnlyUmask } from "./private-files";
import { copyCommittedLockFile } from "./provider-lock-file";

export interface TerraformRun {
  readonly exitCode: number;
  /** Captured stdout, only when `capture` was set (e.g. `show -json`, which must not reach the log). */
  readonly stdout: string;
}

export interface TerraformOptions {
  /** Keep stdout in memory instead of streaming it to the log. */
  readonly capture?: boolean;
  /** Exit codes that are answers, not failures (`plan -detailed-exitcode` exits 2 when there are changes). */
  readonly acceptExitCodes?: readonly number[];
}

/** Terraform's error output is kept up to this size for classifying a failure (diagnostics come last). */
const KEPT_ERROR_OUTPUT_CHARS = 64 * 1024;

/** A Terraform command that exited with an unexpected code; `errorOutput` (its stderr) is for classifying only. */
export class TerraformFailure extends PipelineError {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly errorOutput: string,
    /** The Terraform command that failed (`plan`, `apply`, …). */
    readonly command: string,
  ) {
    super(message);
  }
}

export function terraformBinary(context: CommandContext): string {
  return context.env.MIRADORE_TERRAFORM || "terraform";
}

/**
 * How long a state-writing command waits for the state lock another run holds: MIRADORE_LOCK_TIMEOUT (Terraform's
 * duration syntax), default 10 minutes, longer than an apply of a Miradore stack takes.
 */
export function lockTimeout(context: CommandContext): string {
  const value = context.env.MIRADORE_LOCK_TIMEOUT || "10m";
  if (!/^\d+(ms|s|m|h)$/.test(value)) {
    throw new PipelineError(
      `MIRADORE_LOCK_TIMEOUT is ${JSON.stringify(value)}, but must be a duration such as 30s or 10m`,
    );
  }
  return value;
}

/** Terraform's TF_CLI_ARGS_<command> value with `-lock-timeout` added, keeping what the caller's environment had. */
function withLockTimeout(context: CommandContext, command: string, timeout: string): string {
  return [context.env[`TF_CLI_ARGS_${command}`], `-lock-timeout=${timeout}`].filter(Boolean).join(" ");
}

/**
 * `terraform <args>` in `dir`; rejects with a TerraformFailure naming the command on an unexpected exit code.
 * Commands that lock the state (plan, apply, import) wait for a lock another run holds, up to {@link lockTimeout}:
 * set through Terraform's TF_CLI_ARGS_<command> so every caller gets it. Terraform runs with umask 077: the local
 * state, its backup and plan files it creates are readable by the runner's user only.
 */
export function runTerraform(
  context: CommandContext,
  dir: string,
  args: readonly string[],
  options: TerraformOptions = {},
): Promise<TerraformRun> {
  const binary = terraformBinary(context);
  const timeout = lockTimeout(context);
  const env = {
    ...context.env,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_ARGS_plan: withLockTimeout(context, "plan", timeout),
    TF_CLI_ARGS_apply: withLockTimeout(context, "apply", timeout),
    TF_CLI_ARGS_import: withLockTimeout(context, "import", timeout),
  };
  const accepted = new Set([0, ...(options.acceptExitCodes ?? [])]);
  const shown = `terraform ${args.join(" ")}`;
  return new Promise((resolveRun, reject) => {
    const child = withOwnerOnlyUmask(() =>
      spawn(binary, [...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] }),
    );
    const chunks: Buffer[] = [];
    let errorOutput = "";
    child.stdout.on("data", (chunk: Buffer) =>
      options.capture ? chunks.push(chunk) : context.stdout(chunk.toString("utf8")),
    );
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      context.stderr(text);
      errorOutput = (errorOutput + text).slice(-KEPT_ERROR_OUTPUT_CHARS);
    });
    child.once("error", (error) =>
      reject(
        new PipelineError(
          `cannot run ${binary} (set MIRADORE_TERRAFORM or put terraform on the PATH): ${error.message}`,
        ),
      ),
    );
    child.once("close", (code, signal) => {
      const exitCode = code ?? 1;
      const how = signal ? `was stopped by ${signal}` : `exited with ${exitCode}`;
      if (!accepted.has(exitCode) || signal)
        reject(new TerraformFailure(`${shown} ${how} in ${dir}`, exitCode, errorOutput, args[0] ?? "terraform"));
      else resolveRun({ exitCode, stdout: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

export interface TerraformInitOptions {
  /**
   * The run only reads state (plan, drift check): init takes no state lock either, so an identity that may only read
   * the state container (Storage Blob Data Reader) can run it.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * `terraform init` without prompts; the backend (local or azurerm with Entra ID auth) comes from cdk.tf.json. With a
 * committed provider lock file at the repository root, its entries for the stack are copied in first and init only
 * verifies against them (`-lockfile=readonly`). A local state file (and its backup) left readable to others by an
 * earlier version is made owner-only first.
 */
export async function terraformInit(
  context: CommandContext,
  dir: string,
  options: TerraformInitOptions = {},
): Promise<void> {
  await assertLocalStateReadable(dir);
  const state = localStateFile(dir);
  if (state) restrictToOwner([state, `${state}.backup`]);
  const locked = copyCommittedLockFile(context, dir);
  await runTerraform(context, dir, [
    "init",
    "-input=false",
    "-no-color",
    ...(locked ? ["-lockfile=readonly"] : []),
    ...(options.readOnly ? ["-lock=false"] : []),
  ]);
}
