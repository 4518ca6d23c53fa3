// The cdktf app: one Miradore stack per configured site. Configuration is validated completely before any construct
// exists, policy rules (constructs/policy) run as an Aspect during synthesis, and synthesis replaces cdktf.out/
// atomically, so bad input or a policy violation never leaves Terraform JSON behind. Large fleets are synthesized by
// worker threads (constructs/synthesis-worker.ts, bundled beside this file).
import { join } from "node:path";
import { ConfigError } from "./config/config-error";
import { loadConfig } from "./config/load-config";
import { PolicyViolationError } from "./constructs/policy/policy-violation-error";
import { synthesizeSites } from "./constructs/synthesize-sites";

async function main(): Promise<void> {
  const config = loadConfig();
  const workers = process.env.MIRADORE_SYNTH_WORKERS ? Number(process.env.MIRADORE_SYNTH_WORKERS) : undefined;
  await synthesizeSites(config.sites, process.env.CDKTF_OUTDIR ?? "cdktf.out", {
    workerScript: join(__dirname, "synthesis-worker.js"),
    workers,
  });
}

main().catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof PolicyViolationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
});
