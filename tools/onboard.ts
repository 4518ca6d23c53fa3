// npm run onboard -- --tenant <customer tenant id>: for a service provider's fleet (bootstrap `multiTenant: true`),
// prints the admin consent links a customer tenant's administrator opens to let the CI identities in, and writes the
// same as a Terraform stack (cdktf.out.onboard/) for an administrator who prefers to apply it. The client ids come
// from --deploy-client-id / --plan-client-id, else ARM_DEPLOY_CLIENT_ID / ARM_PLAN_CLIENT_ID (the bootstrap's outputs).
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CustomerTenantStack } from "../app/onboarding/customer-tenant-stack";
import { onboardingInstructions } from "../app/onboarding/onboarding-instructions";
import { OutputFolderError } from "../app/synthesis/output-folder";
import { synthesizeAtomically } from "../app/synthesis/synthesize-atomically";
import { guidProblem } from "../constructs";
import { CliError, runCli } from "./cli/run-cli";

const USAGE =
  "usage: npm run onboard -- --tenant <customer tenant id> [--deploy-client-id <id>] [--plan-client-id <id>] [--sign-in-logs]";

function guidOption(name: string, value: string | undefined, fallback: string, what: string): string {
  if (value === undefined || value === "") {
    throw new CliError(`onboard: --${name} is missing and ${fallback} is not set (${what}); ${USAGE}`);
  }
  const problem = guidProblem(value, what);
  if (problem) throw new CliError(`onboard: --${name} is ${JSON.stringify(value)}, but ${problem}`);
  return value;
}

async function main(): Promise<number> {
  let values: Record<string, string | undefined> & { "sign-in-logs"?: boolean };
  try {
    values = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--debug"),
      options: {
        tenant: { type: "string" },
        "deploy-client-id": { type: "string" },
        "plan-client-id": { type: "string" },
        // The bootstrap's signInLogs: the deploy identity reads sign-in logs in this tenant too.
        "sign-in-logs": { type: "boolean", default: false },
      },
      strict: true,
    }).values as typeof values;
  } catch (error) {
    throw new CliError(`onboard: ${(error as Error).message}; ${USAGE}`);
  }
  const env = process.env;
  const tenantId = guidOption("tenant", values.tenant, "nothing else", "the customer's directory (tenant) id");
  const props = {
    tenantId,
    deployClientId: guidOption(
      "deploy-client-id",
      values["deploy-client-id"] ?? env.ARM_DEPLOY_CLIENT_ID,
      "ARM_DEPLOY_CLIENT_ID",
      "the deploy identity's client id, bootstrap output ARM_DEPLOY_CLIENT_ID",
    ),
    planClientId: guidOption(
      "plan-client-id",
      values["plan-client-id"] ?? env.ARM_PLAN_CLIENT_ID,
      "ARM_PLAN_CLIENT_ID",
      "the plan identity's client id, bootstrap output ARM_PLAN_CLIENT_ID",
    ),
    signInLogs: values["sign-in-logs"] === true,
  };
  const outdir = env.CDKTF_OUTDIR || "cdktf.out.onboard";
  const name = `miradore-customer-${tenantId}`;
  await synthesizeAtomically(outdir, (app) => {
    new CustomerTenantStack(app, name, props);
  });
  process.stdout.write(onboardingInstructions(props, join(outdir, "stacks", name)));
  return 0;
}

void runCli("onboard", main, { knownErrors: [OutputFolderError] });
