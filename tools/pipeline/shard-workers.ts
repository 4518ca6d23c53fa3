// How a shard job runs its stacks side by side (ci:shard applies them, ci:shard-plan plans them): at most `parallel`
// at a time, Terraform inits one at a time, and every line of output prefixed by its stack's name.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type CommandContext, PipelineError } from "./command-context";
import { required } from "./command-args";
import { findStack, type SynthesizedStack } from "./stack-manifest";
import { terraformInit, type TerraformInitOptions } from "./terraform-cli";

/** `--parallel`: how many stacks at once, a whole number of at least 1. */
export function parallelOption(command: string, text: string): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1)
    throw new PipelineError(
      `${command}: --parallel is ${JSON.stringify(text)}, but must be a whole number of at least 1`,
    );
  return Number(text);
}

/** `--stacks a,b,c`: the shard's stacks in `outDir`, each once (a stack named twice would run twice at once). */
export function shardStacksOption(command: string, text: string | undefined, outDir: string): SynthesizedStack[] {
  const names = new Set(
    required(command, "stacks", text)
      .split(",")
      .map((name) => name.trim()),
  );
  return [...names].map((name) => findStack(outDir, name));
}

/** Runs `run` for every item, at most `parallel` at once; resolves when all have ended. */
export async function runInParallel<T>(items: readonly T[], parallel: number, run: (item: T) => Promise<void>) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item);
  });
  await Promise.all(workers);
}

/**
 * `terraform init` that takes turns: Terraform's plugin cache (TF_PLUGIN_CACHE_DIR, shared by the shard) is not safe
 * for concurrent installs (hashicorp/terraform#31964), while plans and applies may run side by side.
 */
export function initOneAtATime(context: CommandContext, options: TerraformInitOptions = {}) {
  // Terraform does not create the plugin cache folder, and caches nothing without it (CLI configuration docs,
  // plugin_cache_dir): made here, for every shard command.
  const pluginCache = context.env.TF_PLUGIN_CACHE_DIR;
  if (pluginCache) mkdirSync(resolve(context.cwd, pluginCache), { recursive: true });
  let turn = Promise.resolve();
  return (dir: string): Promise<void> => {
    const run = turn.then(() => terraformInit(context, dir, options));
    turn = run.catch(() => undefined);
    return run;
  };
}

/** The context with every line of output prefixed by the stack's name, as stacks run side by side. */
export function prefixed(context: CommandContext, stack: string): CommandContext {
  const prefix = (write: (text: string) => void) => (text: string) =>
    write(
      text
        .split("\n")
        .map((line, i, all) => (i === all.length - 1 && line === "" ? "" : `[${stack}] ${line}`))
        .join("\n"),
    );
  return { ...context, stdout: prefix(context.stdout), stderr: prefix(context.stderr) };
}
