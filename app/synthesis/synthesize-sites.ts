import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { SiteConfig } from "../../config/config-schema";
import { type ReplacementReport, replaceDirectoryAtomically } from "./replace-directory-atomically";
import type { SynthesisTask } from "./synthesis-task";
import type { SynthesisWorkerPool } from "./synthesis-worker-pool";

/** Below this many sites per worker, starting workers costs more than it saves. */
const MIN_SITES_PER_WORKER = 40;

/** Sites per task handed to a worker: small enough that the workers finish within a tenth of a second of each other. */
const SITES_PER_TASK = 25;

/**
 * How many workers to use for `siteCount` sites: one per core, each with enough sites to be worth starting. With
 * `requested` (MIRADORE_SYNTH_WORKERS), that many, but never more than the cores or the tasks there are to hand out:
 * an idle worker still loads the whole construct library (measured: 128 workers for one site took 9.6 s and 2 GB).
 */
export function workerCountFor(siteCount: number, cores = availableParallelism(), requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, cores, Math.ceil(siteCount / SITES_PER_TASK)));
  return Math.max(1, Math.min(cores, Math.floor(siteCount / MIN_SITES_PER_WORKER)));
}

/**
 * At most how many sites a configuration lists, read before it is parsed (every site names one `tenantId`), so that
 * workers can start while it is: parsing a 1000-site file takes a fifth of a second.
 */
export function siteCountHint(configText: string): number {
  return configText.split("tenantId").length - 1;
}

/**
 * Synthesizes every site's stack into `outdir`, atomically, replacing only what synthesis made there (see
 * replaceDirectoryAtomically). With a worker pool, the sites are split into tasks the
 * workers take in turn, each writing its stacks into a part folder; the parts are merged into one cdktf output with
 * one manifest. Without, the stacks are synthesized in this thread; the construct library is only loaded then, so a
 * main thread that hands everything to workers stays small.
 */
export async function synthesizeSites(
  sites: readonly SiteConfig[],
  outdir: string,
  workers?: SynthesisWorkerPool,
): Promise<ReplacementReport> {
  return replaceDirectoryAtomically(outdir, async (staging) => {
    if (!workers) {
      // Loaded only here: a main thread that hands everything to workers never loads the construct library.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runSynthesisTask } = require("./synthesis-task") as typeof import("./synthesis-task");
      runSynthesisTask({ sites, outdir: staging });
      return;
    }
    const tasks: SynthesisTask[] = [];
    for (let start = 0; start < sites.length; start += SITES_PER_TASK) {
      tasks.push({ sites: sites.slice(start, start + SITES_PER_TASK), outdir: join(staging, `.part-${tasks.length}`) });
    }
    mkdirSync(staging, { recursive: true });
    try {
      await workers.run(tasks);
    } catch (error) {
      // Stop the other workers before the staging folder is removed: one still writing would leave files behind.
      await workers.close();
      throw error;
    }
    mergeParts(
      staging,
      tasks.map((task) => task.outdir),
    );
  });
}

/** Moves each part's stacks into `staging/stacks` and writes one manifest listing them all, by name as cdktf does. */
function mergeParts(staging: string, parts: readonly string[]): void {
  mkdirSync(join(staging, "stacks"), { recursive: true });
  const manifest: { version?: string; stacks: Record<string, unknown> } = { stacks: {} };
  for (const part of parts) {
    const partManifest = JSON.parse(readFileSync(join(part, "manifest.json"), "utf8"));
    manifest.version = partManifest.version;
    Object.assign(manifest.stacks, partManifest.stacks);
    for (const stack of readdirSync(join(part, "stacks")))
      renameSync(join(part, "stacks", stack), join(staging, "stacks", stack));
  }
  manifest.stacks = Object.fromEntries(Object.entries(manifest.stacks).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
  for (const part of parts) rmSync(part, { recursive: true, force: true });
}
