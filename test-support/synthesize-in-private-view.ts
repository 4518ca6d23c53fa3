import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(__dirname, "..");

/**
 * Runs `npm run synth` exactly as a user does, in a private view of the project: a temporary folder of symlinks to
 * the repository's files plus the given miradore.config.yaml. The build writes .build/ and cdktf.out/ there, so the
 * repository's own (which other tests rebuild at the same time) are never touched. rmSync removes the symlinks,
 * never what they point to.
 */
export function synthesizeInPrivateView(
  config: string,
  env: Record<string, string> = {},
): { dir: string; status: number | null; stderr: string } {
  const dir = privateView(config);
  // Only PATH and HOME: a MIRADORE_* variable in the caller's shell would change what is synthesized.
  const result = spawnSync("npm", ["run", "--silent", "synth"], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });
  return { dir, status: result.status, stderr: result.stderr };
}

/** What a view has of its own instead of a link: what commands write, and the configuration. */
const VIEW_OWN = [
  ".git",
  ".build",
  ".sandbox",
  "cdktf.out",
  "cdktf.out.bootstrap",
  "bench-results",
  "miradore.config.yaml",
];

/** The private view alone: a temporary folder of symlinks to the repository's files plus the given configuration. */
export function privateView(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), "miradore-view-"));
  for (const entry of readdirSync(REPO)) {
    if (!VIEW_OWN.includes(entry) && !entry.endsWith(".tfstate")) {
      symlinkSync(join(REPO, entry), join(dir, entry));
    }
  }
  writeFileSync(join(dir, "miradore.config.yaml"), config);
  return dir;
}
