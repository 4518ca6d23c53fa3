import { parentPort } from "node:worker_threads";
import type { App } from "cdktf";
import type { SiteConfig } from "../config/config-schema";
import { MiradoreStack, stackNameOf } from "./miradore-stack";
import { PolicyViolationError } from "./policy/policy-violation-error";
import { synthesizeApp } from "./synthesize-atomically";

/** A share of the sites and the folder to synthesize them into. */
export interface SynthesisTask {
  readonly sites: readonly SiteConfig[];
  readonly outdir: string;
}

/** Adds one Miradore stack per site to an app. */
export function addSiteStacks(app: App, sites: readonly SiteConfig[]): void {
  for (const site of sites) new MiradoreStack(app, stackNameOf(site.name), { site });
}

/** Synthesizes a task's sites into its folder. */
export function runSynthesisTask(task: SynthesisTask): void {
  synthesizeApp(task.outdir, (app) => addSiteStacks(app, task.sites));
}

/** The worker side: runs the task; a policy violation is passed to the main thread as such, not as a crash. */
export function runSynthesisTaskInWorker(task: SynthesisTask): void {
  try {
    runSynthesisTask(task);
  } catch (error) {
    if (!(error instanceof PolicyViolationError)) throw error;
    parentPort?.postMessage({ policyViolation: error.message });
    process.exitCode = 1;
  }
}
