// The cdktf app: one Miradore stack per configured site. Configuration is validated completely before any construct
// exists, and synthesis replaces cdktf.out/ atomically, so bad input never leaves Terraform JSON behind.
import { ConfigError } from "./config/config-error";
import { loadConfig } from "./config/load-config";
import { MiradoreStack, stackNameOf } from "./constructs/miradore-stack";
import { synthesizeAtomically } from "./constructs/synthesize-atomically";

try {
  const config = loadConfig();
  synthesizeAtomically(process.env.CDKTF_OUTDIR ?? "cdktf.out", (app) => {
    for (const site of config.sites) new MiradoreStack(app, stackNameOf(site.name), { site });
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
