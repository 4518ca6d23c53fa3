// The bootstrap app: the deploying (CI) identity of one tenant, synthesized into cdktf.out.bootstrap/ for an
// administrator to apply once (see docs/bootstrap.md). Configuration is validated before any construct exists; the
// Miradore policy checks run with the deployer's Graph permissions as the allowlist, so a permission beyond those
// listed with sources in constructs/bootstrap/deployer-graph-permissions.ts stops synthesis.
import { Aspects } from "cdktf";
import { ConfigError } from "./config/config-error";
import { loadBootstrapConfig } from "./config/load-bootstrap-config";
import { BootstrapStack, bootstrapStackNameOf } from "./constructs/bootstrap/bootstrap-stack";
import { DEPLOYER_GRAPH_APP_ROLES } from "./constructs/bootstrap/deployer-graph-permissions";
import { MiradorePolicyChecks } from "./constructs/policy/miradore-policy-checks";
import { synthesizeAtomically } from "./constructs/synthesize-atomically";

try {
  const config = loadBootstrapConfig();
  synthesizeAtomically(process.env.CDKTF_OUTDIR ?? "cdktf.out.bootstrap", (app) => {
    const stack = new BootstrapStack(app, bootstrapStackNameOf(config.name), { config });
    Aspects.of(stack).add(new MiradorePolicyChecks({ allowedGraphAppRoles: DEPLOYER_GRAPH_APP_ROLES }));
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
