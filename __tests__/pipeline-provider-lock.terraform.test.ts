// Issue 13: the committed provider lock file (.terraform.lock.hcl at the repository root) is used when present: the
// pipeline's init copies in the entries the stack needs and verifies against them (-lockfile=readonly), so a package
// whose checksum is not recorded is refused; without it, nothing is copied and the stack folder's own lock file is
// left to Terraform. Real Terraform installs the provider doubles from a filesystem mirror, as it would from the
// registry, so the checksums are real ones.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { site, synthSite } from "../test-support/synth-site";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";
import type { CommandContext } from "../tools/pipeline/command-context";
import { COMMITTED_LOCK_FILE, parseLockFile, requiredProviders } from "../tools/pipeline/provider-lock-file";
import { terraformInit } from "../tools/pipeline/terraform-cli";

const AZUREAD = "registry.terraform.io/hashicorp/azuread";
const TIME = "registry.terraform.io/hashicorp/time";
const AZURERM_ENTRY = [
  'provider "registry.terraform.io/hashicorp/azurerm" {',
  '  version     = "4.40.0"',
  '  constraints = "4.40.0"',
  "  hashes = [",
  '    "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",',
  "  ]",
  "}",
].join("\n");

describeWithTerraform("the committed provider lock file", () => {
  let doubles: ProviderDoubles;
  let work: string;
  let generated: string;
  let stacks = 0;

  /** A repository folder with one synthesized stack, and a context whose Terraform logs its arguments. */
  function repository(committedLock?: string) {
    const repo = join(work, `repo-${++stacks}`);
    const dir = join(repo, "cdktf.out", "stacks", "miradore-lock");
    mkdirSync(dir, { recursive: true });
    const { json } = synthSite(site({ name: "lock" }));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    if (committedLock !== undefined) writeFileSync(join(repo, COMMITTED_LOCK_FILE), committedLock);
    const log = join(repo, "terraform-args");
    writeFileSync(join(repo, "terraform"), `#!/bin/sh\necho "$*" >> "${log}"\nexec terraform "$@"\n`, { mode: 0o755 });
    const output: string[] = [];
    const context: CommandContext = {
      env: { ...process.env, ...doubles.env(), MIRADORE_TERRAFORM: join(repo, "terraform") },
      cwd: repo,
      stdout: (t) => output.push(t),
      stderr: (t) => output.push(t),
      fetch: () => Promise.reject(new Error("no network")),
    };
    const args = () => {
      try {
        return readFileSync(log, "utf8");
      } catch {
        return "";
      }
    };
    return { dir, context, args, output };
  }

  beforeAll(async () => {
    doubles = await ProviderDoubles.start({ mode: "mirror" });
    work = mkdtempSync(join(tmpdir(), "provider-lock-"));
    // What `terraform init` records for these providers: the file a maintainer commits (README, "Provider lock file").
    const first = repository();
    await terraformInit(first.context, first.dir);
    generated = readFileSync(join(first.dir, ".terraform.lock.hcl"), "utf8");
    expect(parseLockFile(generated, "generated").map((e) => e.address)).toEqual([AZUREAD, TIME]);
  }, 60_000);
  afterAll(async () => {
    await doubles?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("absent: nothing is copied, init is as before, and the stack folder's own lock file is left alone", async () => {
    const { dir, context, args } = repository();
    writeFileSync(join(dir, ".terraform.lock.hcl"), generated);
    await terraformInit(context, dir);
    expect(args()).not.toContain("-lockfile=readonly");
    expect(readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")).toBe(generated);
  }, 60_000);

  test("present: the stack's entries are copied in, and init only verifies against them", async () => {
    // A lock file made in a stack that also uses azurerm (the Key Vault handoff): Terraform would refuse the extra
    // entry in a stack without it, so only this stack's providers are copied.
    const { dir, context, args } = repository(`${generated}\n${AZURERM_ENTRY}\n`);
    await terraformInit(context, dir);
    expect(args()).toMatch(/^init .*-lockfile=readonly/m);
    const copied = readFileSync(join(dir, ".terraform.lock.hcl"), "utf8");
    expect(parseLockFile(copied, "copied").map((e) => e.address)).toEqual([AZUREAD, TIME]);
    for (const entry of parseLockFile(generated, "generated")) expect(copied).toContain(entry.text);
  }, 60_000);

  test("present with a checksum the package does not match: init refuses to install it", async () => {
    const tampered = generated.replace(
      /(provider "registry\.terraform\.io\/hashicorp\/time" \{[\s\S]*?"h1:)[^"]+/,
      "$1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    );
    expect(tampered).not.toBe(generated);
    const { dir, context, output } = repository(tampered);
    await expect(terraformInit(context, dir)).rejects.toThrow(/terraform init .* exited with 1/);
    expect(output.join("").replace(/\s+/g, " ")).toMatch(/checksum/i);
  }, 60_000);

  test("present without an entry the stack needs: a clear error, and Terraform is not run", async () => {
    const timeOnly = parseLockFile(generated, "generated").find((e) => e.address === TIME)!.text;
    const { dir, context, args } = repository(`${timeOnly}\n`);
    await expect(terraformInit(context, dir)).rejects.toThrow(
      new RegExp(`has no entry for ${AZUREAD.replace(/\./g, "\\.")}, but the stack in .* requires it: regenerate`),
    );
    expect(args()).toBe("");
  });

  test("present but not a lock file: refused with the line that does not belong", async () => {
    const { dir, context } = repository(`${generated}\nterraform { }\n`);
    await expect(terraformInit(context, dir)).rejects.toThrow(
      /is not a Terraform dependency lock file \(unexpected line "terraform \{ \}"\)/,
    );
  });
});

test("the providers a stack requires are its required_providers, fully qualified", () => {
  const dir = mkdtempSync(join(tmpdir(), "required-providers-"));
  try {
    writeFileSync(
      join(dir, "cdk.tf.json"),
      JSON.stringify({
        terraform: {
          required_providers: {
            azuread: { source: "hashicorp/azuread", version: "3.7.0" },
            other: { source: "Example.COM/Acme/Other" },
          },
        },
      }),
    );
    expect(requiredProviders(dir)).toEqual([AZUREAD, "example.com/acme/other"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
