import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { SiteConfig } from "../config/config-schema";
import { PolicyViolationError } from "./policy/policy-violation-error";
import { replaceDirectoryAtomically } from "./replace-directory-atomically";
import type { SynthesisTask } from "./synthesis-task";

/** Below this many sites per worker, starting workers costs more than it saves. */
const MIN_SITES_PER_WORKER = 40;

/** How many workers to use for `siteCount` sites: one per core, each with enough sites to be worth starting. */
export function workerCountFor(siteCount: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(siteCount / MIN_SITES_PER_WORKER)));
}

/**
 * Synthesizes every site's stack into `outdir`, atomically. Large fleets are split across worker threads running
 * `workerScript` (the bundled constructs/synthesis-worker.ts); each writes its stacks into a part folder, and the parts
 * are merged into one cdktf output with one manifest. Without workers the stacks are synthesized in this thread; the
 * construct library is only loaded then, so a main thread that hands everything to workers stays small.
 */
export async function synthesizeSites(
  sites: readonly SiteConfig[],
  outdir: string,
  options: { workerScript?: string; workers?: number } = {},
): Promise<void> {
  const workers = options.workerScript ? (options.workers ?? workerCountFor(sites.length)) : 1;
  await replaceDirectoryAtomically(outdir, async (staging) => {
    if (workers <= 1) {
      const { runSynthesisTask } = require("./synthesis-task") as typeof import("./synthesis-task");
      runSynthesisTask({ sites, outdir: staging });
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

function runWorker(script: string, task: SynthesisTask): Promise<void> {
  return new Promise((resolve, reject) => {
    // A small young generation keeps two workers' peak memory low (measured: 16 MB ≈ 240 MB peak for 1000 sites, 64 MB ≈ 340 MB) at little cost in time.
    const worker = new Worker(script, { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
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
