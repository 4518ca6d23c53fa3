// CLI: the whole flow against an EMULATED Entra tenant, before anyone touches a real one.
//   npm run sandbox [-- --keep]
// Synthesizes the example (npm run synth, into a temporary folder), then runs real `terraform init / plan / apply` on
// every stack with the provider doubles of test-support/provider-doubles standing in for hashicorp/azuread and
// hashicorp/time, and prints what was created and the outputs (sensitive ones hidden). Nothing leaves this machine.
// --keep leaves the workspaces and the fake directory on disk and prints where they are.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  stateResources,
  synthesizedStacks,
  terraform,
} from "../test-support/terraform-harness";

const BANNER =
  "EMULATION: Terraform runs against provider doubles and a fake Entra directory on this machine. Nothing is created in Microsoft Entra ID.";

function formatOutput(value: { value: unknown; sensitive: boolean }): string {
  if (value.sensitive) return "(sensitive: hidden)";
  return typeof value.value === "string" ? value.value : JSON.stringify(value.value);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { keep: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write("usage: npm run sandbox [-- --keep]\n");
    return 0;
  }
  if (!terraform.available) {
    process.stderr.write(`sandbox needs the Terraform CLI: ${terraform.reason}\n`);
    return 1;
  }
  const outDir = mkdtempSync(join(tmpdir(), "sandbox-synth-"));
  process.stdout.write(`${BANNER}\n\nSynthesizing the example (npm run synth) into ${outDir} ...\n`);
  execFileSync("npm", ["run", "--silent", "synth"], {
    cwd: REPO_ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outDir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stacks = synthesizedStacks(outDir);

  const doubles = await ProviderDoubles.start();
  const workspaces: TerraformWorkspace[] = [];
  try {
    for (const [name, dir] of Object.entries(stacks)) {
      const workspace = TerraformWorkspace.create(doubles, dir);
      workspaces.push(workspace);
      await workspace.init();
      await workspace.plan();
      await workspace.apply();
      const resources = Object.values(stateResources(await workspace.state())).filter((r) => r.mode === "managed");
      process.stdout.write(`\n== Stack ${name} (terraform ${terraform.version}, emulated tenant) ==\nCreated:\n`);
      for (const r of resources) process.stdout.write(`  ${r.address}\n      id = ${String(r.values.id)}\n`);
      process.stdout.write("Outputs:\n");
      for (const [key, value] of Object.entries(await workspace.outputs()))
        process.stdout.write(`  ${key} = ${formatOutput(value)}\n`);
      process.stdout.write(
        `Timings: ${workspace.timings.map((t) => `${t.command} ${Math.round(t.durationMs)} ms`).join(", ")}\n`,
      );
    }
    process.stdout.write(`\n${BANNER}\n`);
    if (values.keep)
      process.stdout.write(
        `Kept: workspaces ${workspaces.map((w) => w.dir).join(", ")}; fake directory ${doubles.directoryRoot}\n`,
      );
  } finally {
    if (!values.keep) {
      for (const w of workspaces) w.remove();
      rmSync(outDir, { recursive: true, force: true });
    }
    await doubles.stop({ keepFiles: values.keep === true });
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
