import { existsSync, renameSync, rmSync } from "node:fs";
import { App } from "cdktf";
import { assertNoErrorAnnotations } from "./policy/policy-reporting";

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

/** Builds an app with `build` and synthesizes it into `outdir` (used directly by workers, atomically by callers). */
export function synthesizeApp(outdir: string, build: (app: App) => void): void {
  withCheapTokenStackTraces(() => {
    // Stack traces on every construct cost more than the rest of synthesis and are never read here.
    const app = new App({ outdir, stackTraces: false });
    build(app);
    try {
      app.synth();
    } catch (error) {
      // cdktf reports error annotations as a plain Error; report them as the policy violation they are.
      assertNoErrorAnnotations(app);
      throw error;
    }
    // The cdktf CLI lets synthesis continue past error annotations (and fails later); never write output then.
    assertNoErrorAnnotations(app);
  });
}

/** Synthesizes an app into `outdir` atomically. */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): Promise<void> {
  return replaceDirectoryAtomically(outdir, (staging) => synthesizeApp(staging, build));
}

/**
 * cdktf records a full stack trace for every token it creates (for error messages about unresolvable tokens) and
 * formats each one as text: a third of synthesis time and most of its memory for a fleet. While `fn` runs, traces
 * captured onto plain objects (as cdktf's token traces are) are left unformatted; real errors keep theirs.
 */
function withCheapTokenStackTraces<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]) =>
    target instanceof Error
      ? previous
        ? previous(target, frames)
        : `${String(target)}${frames.map((frame) => `\n    at ${frame}`).join("")}`
      : "";
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
