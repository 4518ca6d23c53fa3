// ci:credentials: lists, through Microsoft Graph, every credential and grant of the stack's Miradore app and its
// service principal, and writes those Terraform does not manage (and any listing Graph refused) as the stack's
// section of the drift issue (`--out-file`, Markdown, nothing secret). No file when there is nothing to report; the
// step output `found` says which. Run in the drift job after the refresh-only plan, which cannot see them.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { type CommandContext, PipelineError } from "../command-context";
import { parseCommandArgs, required, writeTextFile } from "../command-args";
import { setStepOutputs } from "../github-output";
import { graphClient } from "../graph-client";
import { stackSignIn } from "../stack-sign-in";
import { findStack, outDirOf, type SynthesizedStack } from "../stack-manifest";
import {
  describeFindings,
  findUnmanagedCredentials,
  readManagedObjects,
  renderUnmanagedCredentials,
} from "../unmanaged-credentials";
import { CREDENTIALS_SUFFIX } from "./drift-report";

export async function credentialsCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("credentials", argv, {
    stack: { type: "string" },
    "out-dir": { type: "string" },
    "out-file": { type: "string" },
  });
  const stack = findStack(outDirOf(context, values["out-dir"]), required("credentials", "stack", values.stack));
  const outFile = required("credentials", "out-file", values["out-file"]);
  if (!outFile.endsWith(`${stack.name}${CREDENTIALS_SUFFIX}`)) {
    throw new PipelineError(
      `credentials: --out-file is ${JSON.stringify(outFile)}, but must end in ${stack.name}${CREDENTIALS_SUFFIX} (ci:drift-report finds the stack by it)`,
    );
  }
  const found = await checkCredentials(context, stack, outFile);
  setStepOutputs(context, { found: String(found) });
  return 0;
}

/**
 * Lists the stack's credentials and grants through Graph and writes those Terraform does not manage (and any listing
 * Graph refused) to `outFile`; no file when there is nothing to report. True when there is a report.
 */
export async function checkCredentials(
  context: CommandContext,
  stack: SynthesizedStack,
  outFile: string,
  options: { initialized?: boolean } = {},
): Promise<boolean> {
  // A report left from an earlier run must not speak for this one.
  rmSync(resolve(context.cwd, outFile), { force: true });

  const managed = await readManagedObjects(context, stack, options);
  if (managed.applications.length === 0) {
    context.stdout(`${stack.name}: no application in the state yet; no credentials to check\n`);
    return false;
  }
  const check = await findUnmanagedCredentials(graphClient(context, stackSignIn(context, stack.dir)), managed);
  const markdown = renderUnmanagedCredentials(check);
  if (markdown !== "") writeTextFile(context, outFile, markdown);
  context.stdout(
    check.unmanaged.length === 0
      ? `${stack.name}: no credentials or grants outside Terraform\n`
      : `${stack.name}: ${check.unmanaged.length} credentials or grants Terraform does not manage: ${describeFindings(check.unmanaged)}\n`,
  );
  for (const n of check.notChecked)
    context.stderr(
      `${stack.name}: not checked: ${n.what}: Microsoft Graph answered ${n.status}; needs ${n.permission}\n`,
    );
  return markdown !== "";
}
