// Files that hold the client secrets (plan files, `terraform show -json` output, local state) are readable by the
// runner's user only: written 0600 (whatever the umask), or kept in a 0700 folder made for one run and deleted when
// that run ends. Terraform itself starts with umask 077, so the files it creates (state, its backup, plan files) are
// 0600 from their first byte.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { type CommandContext, PipelineError } from "./command-context";

/** Read and write for the owner, nothing for group and others. */
export const OWNER_ONLY_FILE_MODE = 0o600;
/** Enter, list and create for the owner, nothing for group and others. */
export const OWNER_ONLY_FOLDER_MODE = 0o700;
/** The umask a child process gets: whatever it creates is the owner's only. */
const OWNER_ONLY_UMASK = 0o077;

/**
 * Where per-run private folders are made: RUNNER_TEMP (GitHub Actions empties it at the start and end of every job:
 * GitHub Docs, "Variables reference"), else TMPDIR, else the operating system's temporary folder.
 */
export function privateTempRoot(context: CommandContext): string {
  return resolve(context.cwd, context.env.RUNNER_TEMP || context.env.TMPDIR || tmpdir());
}

/** A folder only the runner's user can enter (0700), made for one run. */
export interface PrivateFolder {
  /** The folder's absolute path. */
  readonly path: string;
  /** The absolute path of `name` inside the folder (not created). */
  file(name: string): string;
}

/**
 * Runs `body` with a new private folder under {@link privateTempRoot} (`<purpose>-XXXXXX`, mode 0700) and deletes the
 * folder with everything in it when `body` settles, also when it throws. Put plan files and `show -json` output here:
 *
 * ```ts
 * await withPrivateFolder(context, "miradore-apply", async (folder) => {
 *   const planFile = folder.file("tfplan");
 *   await runTerraform(context, stack.dir, ["plan", "-input=false", "-no-color", `-out=${planFile}`]);
 *   await runTerraform(context, stack.dir, ["apply", "-input=false", "-no-color", planFile]);
 * });
 * ```
 *
 * A process killed outright (SIGKILL) cannot clean up; in CI the runner empties RUNNER_TEMP after the job, and the
 * folder stays unreadable to anyone else until then.
 */
export async function withPrivateFolder<T>(
  context: CommandContext,
  purpose: string,
  body: (folder: PrivateFolder) => Promise<T>,
): Promise<T> {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(purpose)) {
    throw new Error(
      `withPrivateFolder: purpose is ${JSON.stringify(purpose)}, but must be lowercase letters, digits and hyphens`,
    );
  }
  const root = privateTempRoot(context);
  let path: string;
  try {
    mkdirSync(root, { recursive: true });
    // mkdtemp creates the folder with mode 0700 (mkdtemp(3)); chmod makes that explicit and independent of the platform.
    path = mkdtempSync(join(root, `${purpose}-`));
    chmodSync(path, OWNER_ONLY_FOLDER_MODE);
  } catch (error) {
    throw new PipelineError(
      `cannot make a private temporary folder in ${root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (set RUNNER_TEMP or TMPDIR to a writable folder)`,
    );
  }
  try {
    return await body({ path, file: (name) => join(path, name) });
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Writes `content` to `path` so that only its owner can read it (0600), whatever the umask and whatever was there:
 * the text goes to a new file beside it, created 0600, which then replaces `path` in one rename. A file that existed
 * with looser permissions is replaced, not rewritten in place (writing in place keeps the old mode), and a reader
 * never sees a half-written file.
 */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const staging = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    // "wx": fails rather than follow a link or reuse a file someone else made under this name.
    const fd = openSync(staging, "wx", OWNER_ONLY_FILE_MODE);
    try {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
    } finally {
      closeSync(fd);
    }
    chmodSync(staging, OWNER_ONLY_FILE_MODE);
    renameSync(staging, path);
  } catch (error) {
    rmSync(staging, { force: true });
    throw error;
  }
}

/** Makes each file that exists owner-only (0600): e.g. local state an earlier version wrote with the default umask. */
export function restrictToOwner(paths: readonly string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, OWNER_ONLY_FILE_MODE);
}

/**
 * Runs `start` (which must start a child process synchronously, as `spawn` does) with umask 077 added to the current
 * one, so every file the child creates is its owner's only; the process's own umask is restored right after. Node
 * copies the umask into a child when it starts it, and nothing else runs in this process in between.
 */
export function withOwnerOnlyUmask<T>(start: () => T): T {
  const previous = process.umask(OWNER_ONLY_UMASK);
  process.umask(previous | OWNER_ONLY_UMASK);
  try {
    return start();
  } finally {
    process.umask(previous);
  }
}
