import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parentPort, Worker } from "node:worker_threads";
import type { App } from "cdktf";
import type { SiteConfig } from "../config/config-schema";
import { MiradoreStack, stackNameOf } from "./miradore-stack";
import { PolicyViolationError } from "./policy/policy-reporting";
import { replaceDirectoryAtomically, synthesizeApp } from "./synthesize-atomically";

/** Below this many sites per worker, starting workers costs more than it saves. */
const MIN_SITES_PER_WORKER = 40;

/** What a synthesis worker is given. */
export interface SynthesisTask {
  readonly sites: readonly SiteConfig[];
  readonly outdir: string;
}

/** Adds one Miradore stack per site to an app. */
export function addSiteStacks(app: App, sites: readonly SiteConfig[]): void {
  for (const site of sites) new MiradoreStack(app, stackNameOf(site.name), { site });
}

/** How many workers to use for `siteCount` sites: one per core, each with enough sites to be worth starting. */
export function workerCountFor(siteCount: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(siteCount / MIN_SITES_PER_WORKER)));
}

/**
 * Synthesizes every site's stack into `outdir`, atomically. Large fleets are split across worker threads running
 * `workerScript` (this app's own bundle, which calls {@link runSynthesisTask} off the main thread); each writes its
 * stacks into a part folder, and the parts are merged into one cdktf output with one manifest.
 */
export async function synthesizeSites(
  sites: readonly SiteConfig[],
  outdir: string,
  options: { workerScript?: string; workers?: number } = {},
): Promise<void> {
  const workers = options.workerScript ? (options.workers ?? workerCountFor(sites.length)) : 1;
  await replaceDirectoryAtomically(outdir, async (staging) => {
    if (workers <= 1) {
      synthesizeApp(staging, (app) => addSiteStacks(app, sites));
      return;
    }
    const chunks = Array.from({ length: workers }, (_, index) =>
      sites.filter((_, siteIndex) => siteIndex % workers === index),
    );
    const parts = chunks.map((_, index) => join(staging, `.part-${index}`));
    mkdirSync(staging, { recursive: true });
    await Promise.all(chunks.map((chunk, index) => runWorker(options.workerScript!, { sites: chunk, outdir: parts[index]! })));
    mergeParts(staging, parts);
  });
}

/** The worker side: synthesize the task's sites into its part folder; a policy violation is passed on as such. */
export function runSynthesisTask(task: SynthesisTask): void {
  try {
    synthesizeApp(task.outdir, (app) => addSiteStacks(app, task.sites));
  } catch (error) {
    if (!(error instanceof PolicyViolationError)) throw error;
    parentPort?.postMessage({ policyViolation: error.message });
    process.exitCode = 1;
  }
}

function runWorker(script: string, task: SynthesisTask): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: task });
    worker.once("error", reject);
    worker.on("message", (message: { policyViolation?: string }) => {
      if (message.policyViolation) reject(new PolicyViolationError(message.policyViolation));
    });
    worker.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`synthesis worker for ${task.outdir} exited with code ${code}`)),
    );
  });
}

/** Moves each part's stacks into `staging/stacks` and writes one manifest listing them all, in site order. */
function mergeParts(staging: string, parts: readonly string[]): void {
  mkdirSync(join(staging, "stacks"), { recursive: true });
  const manifest: { version?: string; stacks: Record<string, unknown> } = { stacks: {} };
  for (const part of parts) {
    const partManifest = JSON.parse(readFileSync(join(part, "manifest.json"), "utf8"));
    manifest.version = partManifest.version;
    Object.assign(manifest.stacks, partManifest.stacks);
    for (const stack of readdirSync(join(part, "stacks"))) renameSync(join(part, "stacks", stack), join(staging, "stacks", stack));
  }
  manifest.stacks = Object.fromEntries(Object.entries(manifest.stacks).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
  for (const part of parts) rmSync(part, { recursive: true, force: true });
}
