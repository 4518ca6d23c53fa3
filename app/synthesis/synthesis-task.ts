import type { MessagePort } from "node:worker_threads";
import type { App } from "cdktf";
import type { SiteConfig } from "../../config/config-schema";
import { PolicyViolationError } from "../../constructs";
import { SiteStack, stackNameOf } from "../site-stack";
import { synthesizeApp } from "./synthesize-atomically";

/** A share of the sites and the folder to synthesize them into. */
export interface SynthesisTask {
  readonly sites: readonly SiteConfig[];
  readonly outdir: string;
}

/** What a worker answers for each task it is sent. */
export type SynthesisWorkerMessage = { readonly done: true } | { readonly policyViolation: string };

/** Adds one Miradore stack per site to an app. */
export function addSiteStacks(app: App, sites: readonly SiteConfig[]): void {
  for (const site of sites) new SiteStack(app, stackNameOf(site.name), { site });
}

/** Synthesizes a task's sites into its folder. */
export function runSynthesisTask(task: SynthesisTask): void {
  synthesizeApp(task.outdir, (app) => addSiteStacks(app, task.sites));
}

/**
 * The worker side (see SynthesisWorkerPool): synthesizes each task the main thread sends and answers for it. A policy
 * violation is answered as such; any other error crashes the worker, which the pool reports.
 */
export function serveSynthesisTasks(port: MessagePort): void {
  const answer = (message: SynthesisWorkerMessage) => port.postMessage(message);
  port.on("message", (task: SynthesisTask) => {
    try {
      runSynthesisTask(task);
    } catch (error) {
      if (!(error instanceof PolicyViolationError)) throw error;
      return answer({ policyViolation: error.message });
    }
    answer({ done: true });
  });
}
