// What `npm run synth` (and bootstrap:synth) prints when it is done: what it wrote, where, and the command to run next.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReplacementReport } from "../../app/synthesis/replace-directory-atomically";

/** Stack names listed by name in the summary; a fleet's others are counted. */
const NAMES_SHOWN = 5;

export interface SummaryOptions {
  /** The command that deploys, for the "next" hint. @default a plain Terraform init and plan */
  readonly next?: (stackDir: string, initialized: boolean) => string;
}

/** The stacks cdktf's manifest in `outdir` lists, by name, with their folders relative to `outdir`. */
export function manifestStacks(outdir: string): { name: string; dir: string }[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, stack]) => ({ name, dir: stack.workingDirectory }));
}

/** "wrote 1 stack to cdktf.out/stacks/miradore-example; next: …", and what was kept that synthesis did not make. */
export function synthesisSummary(outdir: string, report: ReplacementReport, options: SummaryOptions = {}): string {
  const stacks = manifestStacks(outdir);
  const next =
    options.next ??
    ((dir: string, initialized: boolean) => `cd ${dir} && ${initialized ? "" : "terraform init && "}terraform plan`);
  const lines: string[] = [];
  if (stacks.length === 1) {
    const dir = join(outdir, stacks[0]!.dir);
    lines.push(`wrote 1 stack to ${dir}; next: ${next(dir, existsSync(join(dir, ".terraform")))}`);
  } else {
    const names = stacks.slice(0, NAMES_SHOWN).map((stack) => stack.name);
    const more = stacks.length > NAMES_SHOWN ? ` and ${stacks.length - NAMES_SHOWN} more` : "";
    lines.push(
      `wrote ${stacks.length} stacks to ${join(outdir, "stacks")}/ (${names.join(", ")}${more}); ` +
        `next, for each: ${next(join(outdir, "stacks", "<stack>"), false)}`,
    );
  }
  // Terraform's files in a stack's folder (.terraform/, the lock file, plans) are kept every time: not worth a line.
  const unexpected = report.kept.filter((path) => !stacks.some((stack) => path.startsWith(`${stack.dir}/`)));
  if (unexpected.length > 0) {
    lines.push(
      `kept what synthesis did not make: ${unexpected
        .slice(0, NAMES_SHOWN)
        .map((path) => join(outdir, path))
        .join(", ")}${unexpected.length > NAMES_SHOWN ? ` and ${unexpected.length - NAMES_SHOWN} more` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
