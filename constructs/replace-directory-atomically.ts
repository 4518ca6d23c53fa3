import { existsSync, renameSync, rmSync } from "node:fs";

/**
 * Writes a folder through `write(staging)` into a fresh folder beside `outdir`, then swaps it into place: either the
 * whole output is written, or `outdir` stays as it was (no half-written Terraform JSON for Terraform to pick up).
 */
export async function replaceDirectoryAtomically(outdir: string, write: (staging: string) => void | Promise<void>) {
  const staging = `${outdir}.staging-${process.pid}`;
  const retired = `${outdir}.retired-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await write(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(outdir)) renameSync(outdir, retired);
  renameSync(staging, outdir);
  rmSync(retired, { recursive: true, force: true });
}
