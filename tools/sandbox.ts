// CLI: the whole flow against an EMULATED Entra tenant, before anyone touches a real one.
//   npm run sandbox [-- --keep]
// Synthesizes the configuration (npm run synth, into a temporary folder), then runs real `terraform init / plan /
// apply` on every stack with the provider doubles of test-support/provider-doubles standing in for hashicorp/azuread,
// hashicorp/time and (for a Key Vault handoff) hashicorp/azurerm, and prints what was created and the outputs (sensitive ones hidden). Nothing leaves this machine.
// --keep keeps the run in .sandbox/: each stack's Terraform workspace, the fake directory, and the stacks' outputs
// without the secret (.sandbox/outputs.json, which `npm run expiry-check` reads).
// When synthesis or Terraform fails, their error is shown, then one line; the exit code is 1 and nothing is left in
// the temporary folder (or in .sandbox/, which only a successful --keep run replaces).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { OutputFolderError } from "../app/synthesis/output-folder";
import { replaceDirectoryAtomically } from "../app/synthesis/replace-directory-atomically";
import { PROVIDERS } from "../test-support/provider-doubles/provider-schema";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformCommandError,
  TerraformWorkspace,
  stateResources,
  synthesizedStacks,
  terraform,
} from "../test-support/terraform-harness";
import { CliError, runCli, startedAsCommand } from "./cli/run-cli";

const BANNER =
  "EMULATION: Terraform runs against provider doubles and a fake Entra directory on this machine. Nothing is created in Microsoft Entra ID.";
const USAGE = "usage: npm run sandbox [-- --keep]   (--keep: keep the run in .sandbox/)";

/** Where --keep keeps the run, in the project folder. */
export const KEPT_RUN_DIR = ".sandbox";

function formatOutput(value: { value: unknown; sensitive: boolean }): string {
  if (value.sensitive) return "(sensitive: hidden)";
  return typeof value.value === "string" ? value.value : JSON.stringify(value.value);
}

/** Refuses stacks that need a provider the doubles do not emulate (every provider a Miradore stack uses is). */
function assertEmulated(stacks: Readonly<Record<string, string>>): void {
  const emulated = Object.keys(PROVIDERS);
  for (const [name, dir] of Object.entries(stacks)) {
    const config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
      terraform?: { required_providers?: Record<string, unknown> };
    };
    const other = Object.keys(config.terraform?.required_providers ?? {}).filter((p) => !emulated.includes(p));
    if (other.length > 0) {
      throw new CliError(
        `sandbox: stack ${name} needs the ${other.join(" and ")} provider${other.length > 1 ? "s" : ""}, but the ` +
          `sandbox emulates only ${emulated.join(", ")}: try it with a configuration that does not need it ` +
          "(MIRADORE_CONFIG=<file> npm run sandbox)",
      );
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { keep: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new CliError(`sandbox: ${(error as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!terraform.available) {
    throw new CliError(`sandbox: needs the Terraform CLI (1.3 or later) on the PATH: ${terraform.reason}`);
  }
  const work = mkdtempSync(join(tmpdir(), "sandbox-"));
  try {
    const outDir = join(work, "cdktf.out");
    process.stdout.write(`${BANNER}\n\nSynthesizing the configuration (npm run synth) into ${outDir} ...\n`);
    // Its own errors go to stderr as they are; what it wrote is listed below instead of its summary.
    const synth = spawnSync("npm", ["run", "--silent", "synth"], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outDir },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (synth.status !== 0) {
      throw new CliError(
        `sandbox: synthesizing the configuration failed (${synth.error?.message ?? "its error is above"}); fix it and run the sandbox again`,
      );
    }
    const stacks = synthesizedStacks(outDir);
    assertEmulated(stacks);
    await runStacks(stacks, values.keep === true);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

/** init, plan and apply of every stack against the doubles; prints what was made, keeps the run with `keep`. */
async function runStacks(stacks: Readonly<Record<string, string>>, keep: boolean): Promise<void> {
  const doubles = await ProviderDoubles.start();
  const workspaces: { name: string; workspace: TerraformWorkspace }[] = [];
  const outputs: Record<string, Record<string, unknown>> = {};
  try {
    for (const [name, dir] of Object.entries(stacks)) {
      const workspace = TerraformWorkspace.create(doubles, dir);
      workspaces.push({ name, workspace });
      try {
        await workspace.init();
        await workspace.plan();
        await workspace.apply();
      } catch (error) {
        if (!(error instanceof TerraformCommandError)) throw error;
        // Terraform's own diagnostics say what is wrong; the line after them says where.
        process.stderr.write(error.result.stderr || error.result.stdout);
        throw new CliError(
          `sandbox: terraform ${error.args[0]} failed for stack ${name} (exit code ${error.result.exitCode}; Terraform's error is above)`,
          1,
          { cause: error },
        );
      }
      const resources = Object.values(stateResources(await workspace.state())).filter((r) => r.mode === "managed");
      process.stdout.write(`\n== Stack ${name} (terraform ${terraform.version}, emulated tenant) ==\nCreated:\n`);
      for (const r of resources) process.stdout.write(`  ${r.address}\n      id = ${String(r.values.id)}\n`);
      process.stdout.write("Outputs:\n");
      const stackOutputs = await workspace.outputs();
      for (const [key, value] of Object.entries(stackOutputs))
        process.stdout.write(`  ${key} = ${formatOutput(value)}\n`);
      outputs[name] = Object.fromEntries(
        Object.entries(stackOutputs)
          .filter(([, value]) => !value.sensitive)
          .map(([key, value]) => [key, value.value]),
      );
      process.stdout.write(
        `Timings: ${workspace.timings.map((t) => `${t.command} ${Math.round(t.durationMs)} ms`).join(", ")}\n`,
      );
    }
    process.stdout.write(`\n${BANNER}\n`);
    if (keep) {
      await keepRun(workspaces, doubles.directoryRoot, outputs);
      process.stdout.write(
        `Kept in ${KEPT_RUN_DIR}/: each stack's Terraform workspace (stacks/), the fake directory (entra/) and the ` +
          `outputs without the secret (outputs.json); next: npm run expiry-check -- ${KEPT_RUN_DIR}/outputs.json\n`,
      );
    }
  } finally {
    for (const { workspace } of workspaces) workspace.remove();
    await doubles.stop();
  }
}

/** Copies the run into .sandbox/, replacing only what an earlier --keep put there. */
async function keepRun(
  workspaces: readonly { name: string; workspace: TerraformWorkspace }[],
  directoryRoot: string,
  outputs: Record<string, Record<string, unknown>>,
): Promise<void> {
  try {
    await replaceDirectoryAtomically(
      join(REPO_ROOT, KEPT_RUN_DIR),
      (staging) => {
        for (const { name, workspace } of workspaces)
          cpSync(workspace.dir, join(staging, "stacks", name), { recursive: true });
        mkdirSync(join(staging, "entra"), { recursive: true });
        cpSync(directoryRoot, join(staging, "entra"), { recursive: true });
        writeFileSync(join(staging, "outputs.json"), `${JSON.stringify(outputs, null, 2)}\n`);
      },
      { whatToDo: `move it away; npm run sandbox -- --keep keeps its run in ${KEPT_RUN_DIR}/` },
    );
  } catch (error) {
    if (error instanceof OutputFolderError) throw new CliError(`sandbox: ${error.message}`);
    throw error;
  }
}

if (startedAsCommand("sandbox")) void runCli("sandbox", main);
