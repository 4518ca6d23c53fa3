import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** The checked-in baseline app: a one-site stack set up the way `cdktf init --template=typescript` sets it up. */
export const TEMPLATE_BASELINE_DIR = join("bench", "template-baseline");

/**
 * Copies the baseline app into `workDir` with a `node_modules` symlink to the repository's, so it resolves cdktf,
 * the providers, cdktf-cli and ts-node as the template's own install would, without a second install or anything
 * written into the repository. Returns the copy's folder.
 */
export function prepareTemplateBaseline(repoRoot: string, workDir: string): string {
  const dir = join(workDir, "template-baseline");
  mkdirSync(dir, { recursive: true });
  cpSync(join(repoRoot, TEMPLATE_BASELINE_DIR), dir, { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}
