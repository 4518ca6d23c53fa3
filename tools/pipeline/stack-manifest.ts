// The stacks cdktf synthesized, from <out dir>/manifest.json: the single source of the CI matrix, so adding a site
// to the configuration needs no workflow edit.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { type CommandContext, PipelineError } from "./command-context";

/** GitHub Actions runs at most this many jobs from one matrix. */
export const GITHUB_MATRIX_MAX_JOBS = 256;

const manifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ workingDirectory: z.string().min(1) })),
});

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the folder holding the stack's cdk.tf.json; Terraform runs there. */
  readonly dir: string;
}

/** The synthesis output folder: `--out-dir`, else CDKTF_OUTDIR (as main.ts reads it), else cdktf.out. */
export function outDirOf(context: CommandContext, given: string | undefined): string {
  return resolve(context.cwd, given ?? context.env.CDKTF_OUTDIR ?? "cdktf.out");
}

export function readStackManifest(outDir: string): SynthesizedStack[] {
  const file = join(outDir, "manifest.json");
  if (!existsSync(file)) throw new PipelineError(`${file} does not exist: run \`npm run synth\` first`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PipelineError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError(`${file}: ${issue.path.join(".") || "(root)"} ${issue.message}; expected cdktf's manifest`);
  }
  return Object.entries(parsed.data.stacks)
    .map(([name, stack]) => ({ name, dir: join(outDir, stack.workingDirectory) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One synthesized stack by name; the error lists the names there are. */
export function findStack(outDir: string, name: string): SynthesizedStack {
  const stacks = readStackManifest(outDir);
  const stack = stacks.find((s) => s.name === name);
  if (!stack) {
    const known = stacks.map((s) => s.name);
    const shown = known.length > 10 ? `${known.slice(0, 10).join(", ")}, … (${known.length} in all)` : known.join(", ");
    throw new PipelineError(
      `--stack is "${name}", but ${join(outDir, "manifest.json")} has no such stack (it has: ${shown || "none"})`,
    );
  }
  return stack;
}
