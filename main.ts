// The cdktf app: one Miradore stack per configured site. Configuration is validated completely before any construct
// exists, policy rules (constructs/policy) run as an Aspect during synthesis, and synthesis replaces cdktf.out/
// atomically, so bad input or a policy violation never leaves Terraform JSON behind. Large fleets are synthesized by
// worker threads (constructs/synthesis-worker.ts, bundled beside this file), started while the configuration is parsed.
import { join } from "node:path";
import { ConfigError } from "./config/config-error";
import { parseConfig, readConfigFile } from "./config/load-config";
import { PolicyViolationError } from "./constructs/policy/policy-violation-error";
import { SynthesisWorkerPool } from "./constructs/synthesis-worker-pool";
import { siteCountHint, synthesizeSites, workerCountFor } from "./constructs/synthesize-sites";

const WORKER_SCRIPT = join(__dirname, "synthesis-worker.js");

async function main(): Promise<void> {
  const { text, source } = readConfigFile();
  const forcedWorkers = workersFromEnvironment(process.env);
  const hintedWorkers = forcedWorkers ?? workerCountFor(siteCountHint(text));
  let pool = hintedWorkers > 1 ? new SynthesisWorkerPool(WORKER_SCRIPT, hintedWorkers) : undefined;
  try {
    const config = parseConfig(text, source, process.env);
    const workers = forcedWorkers ?? workerCountFor(config.sites.length);
    if (workers > 1) pool ??= new SynthesisWorkerPool(WORKER_SCRIPT, workers);
    await synthesizeSites(config.sites, process.env.CDKTF_OUTDIR ?? "cdktf.out", workers > 1 ? pool : undefined);
  } finally {
    await pool?.close();
  }
}

/** `MIRADORE_SYNTH_WORKERS`: how many worker threads to use whatever the fleet's size (1: this thread only). */
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

main().catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof PolicyViolationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
});
