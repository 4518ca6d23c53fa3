// The bootstrap app: the CI identities of one tenant (deploy, and read-only plan), synthesized into
// cdktf.out.bootstrap/ for an administrator to apply once (see docs/bootstrap.md). Configuration is validated before
// any construct exists; the Miradore policy checks run with the deployer's Graph permissions as the allowlist, and on
// the plan identity with the read-only set, so a permission beyond those listed with sources in
// app/bootstrap/deployer-graph-permissions.ts, or any write permission for the plan identity, stops synthesis.
import { ConfigError } from "./config/config-error";
import { loadBootstrapConfig } from "./config/load-bootstrap-config";
import { addBootstrapPolicyChecks } from "./app/bootstrap/bootstrap-policy-checks";
import { BootstrapStack, bootstrapStackNameOf } from "./app/bootstrap/bootstrap-stack";
import { OutputFolderError } from "./app/synthesis/output-folder";
import { PolicyViolationError } from "./constructs";
import { synthesizeAtomically } from "./app/synthesis/synthesize-atomically";
import { runCli } from "./tools/cli/run-cli";
import { synthesisSummary } from "./tools/cli/synthesis-summary";

async function main(): Promise<number> {
  const config = loadBootstrapConfig();
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out.bootstrap";
  const report = await synthesizeAtomically(outdir, (app) => {
    addBootstrapPolicyChecks(new BootstrapStack(app, bootstrapStackNameOf(config.name), { config }), undefined, config);
  });
  process.stdout.write(
    synthesisSummary(outdir, report, {
      // An administrator of that tenant applies it once (README, "CI from zero", step 2).
      next: (dir, initialized) =>
        `az login --tenant ${config.tenantId}, then cd ${dir} && ${initialized ? "" : "terraform init && "}terraform plan -out=tfplan`,
    }),
  );
  return 0;
}

void runCli("bootstrap:synth", main, { knownErrors: [ConfigError, PolicyViolationError, OutputFolderError] });
