import { existsSync, renameSync, rmSync } from "node:fs";
import { App } from "cdktf";

/**
 * Builds and synthesizes an app into a fresh folder beside `outdir`, then swaps it into place: either every stack's
 * Terraform JSON is written, or nothing changes (no half-written output for Terraform to pick up).
 */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): void {
  const staging = `${outdir}.staging-${process.pid}`;
  const retired = `${outdir}.retired-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    // Stack traces on every construct cost more than the rest of synthesis and are never read here.
    const app = new App({ outdir: staging, stackTraces: false });
    build(app);
    app.synth();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(outdir)) renameSync(outdir, retired);
  renameSync(staging, outdir);
  rmSync(retired, { recursive: true, force: true });
}
