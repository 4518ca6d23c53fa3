// The cdktf app: one Miradore stack per configured site. Configuration is validated completely before any construct
// exists, policy rules (constructs/policy) run as an Aspect during synthesis, and synthesis replaces what it made in
// cdktf.out/ atomically, so bad input or a policy violation never leaves Terraform JSON behind (and nothing it did not
// make is ever deleted). Large fleets are synthesized by worker threads (app/synthesis/synthesis-worker.ts, bundled beside
// this file), started while the configuration is parsed.
import { join } from "node:path";
import { ConfigError } from "./config/config-error";
import { parseConfig, readConfigFile } from "./config/load-config";
import { OutputFolderError } from "./app/synthesis/output-folder";
import { PolicyViolationError } from "./constructs";
import { SynthesisWorkerPool } from "./app/synthesis/synthesis-worker-pool";
import { siteCountHint, synthesizeSites, workerCountFor } from "./app/synthesis/synthesize-sites";
import { runCli } from "./tools/cli/run-cli";
import { synthesisSummary } from "./tools/cli/synthesis-summary";

const WORKER_SCRIPT = join(__dirname, "synthesis-worker.js");

async function main(): Promise<number> {
  const { text, source } = readConfigFile();
  const requestedWorkers = workersFromEnvironment(process.env);
  const hintedWorkers = workerCountFor(siteCountHint(text), undefined, requestedWorkers);
  let pool = hintedWorkers > 1 ? new SynthesisWorkerPool(WORKER_SCRIPT, hintedWorkers) : undefined;
  try {
    const config = parseConfig(text, source, process.env);
    const workers = workerCountFor(config.sites.length, undefined, requestedWorkers);
    if (workers > 1) pool ??= new SynthesisWorkerPool(WORKER_SCRIPT, workers);
    const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
    const report = await synthesizeSites(config.sites, outdir, workers > 1 ? pool : undefined);
    process.stdout.write(synthesisSummary(outdir, report));
    return 0;
  } finally {
    await pool?.close();
  }
}

/**
 * `MIRADORE_SYNTH_WORKERS`: how many worker threads to use whatever the fleet's size (1: this thread only); never
 * more than the cores and the fleet's tasks (app/synthesis/synthesize-sites.ts, workerCountFor).
 */
function workersFromEnvironment(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.MIRADORE_SYNTH_WORKERS;
  if (text === undefined || text === "") return undefined;
  if (!/^[1-9]\d{0,2}$/.test(text)) {
    throw new ConfigError("the environment", [
      `MIRADORE_SYNTH_WORKERS is ${JSON.stringify(text)}, but must be a whole number of worker threads from 1 to 999 (1 synthesizes without workers)`,
    ]);
  }
  return Number(text);
}

void runCli("synth", main, { knownErrors: [ConfigError, PolicyViolationError, OutputFolderError] });
