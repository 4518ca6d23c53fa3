// Runs the Terraform CLI for a pipeline step. The binary comes from MIRADORE_TERRAFORM (default `terraform` on the
// PATH) and the folder from the synthesized stack, so tests can run the same code against the provider doubles.
import { spawn } from "node:child_process";
import { type CommandContext, PipelineError } from "./command-context";

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

export function terraformBinary(context: CommandContext): string {
  return context.env.MIRADORE_TERRAFORM || "terraform";
}

/** `terraform <args>` in `dir`; rejects with a PipelineError naming the command on an unexpected exit code. */
export function runTerraform(context: CommandContext, dir: string, args: readonly string[], options: TerraformOptions = {}): Promise<TerraformRun> {
  const binary = terraformBinary(context);
  const env = { ...context.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  const accepted = new Set([0, ...(options.acceptExitCodes ?? [])]);
  const shown = `terraform ${args.join(" ")}`;
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary, [...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => (options.capture ? chunks.push(chunk) : context.stdout(chunk.toString("utf8"))));
    child.stderr.on("data", (chunk: Buffer) => context.stderr(chunk.toString("utf8")));
    child.once("error", (error) => reject(new PipelineError(`cannot run ${binary} (set MIRADORE_TERRAFORM or put terraform on the PATH): ${error.message}`)));
    child.once("close", (code) => {
      const exitCode = code ?? 1;
      if (!accepted.has(exitCode)) reject(new PipelineError(`${shown} exited with ${exitCode} in ${dir}`));
      else resolveRun({ exitCode, stdout: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

/** `terraform init` without prompts; the backend (local or azurerm with Entra ID auth) comes from cdk.tf.json. */
export async function terraformInit(context: CommandContext, dir: string): Promise<void> {
  await runTerraform(context, dir, ["init", "-input=false", "-no-color"]);
}
