// `npm run sandbox` as a new user runs it, in a private view of the project: it exits non-zero when synthesis or
// Terraform fails, shows their error, and leaves nothing in the temporary folder (its own TMPDIR here, so anything
// left behind is seen); --keep keeps the run in .sandbox/ for `npm run expiry-check`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateView } from "../test-support/synthesize-in-private-view";
import { describeWithTerraform } from "../test-support/terraform-harness";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const EXAMPLE = `sites: [{name: example, tenantId: ${TENANT}}]\n`;
const VAULT =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-mdm";

const views: string[] = [];
afterAll(() => {
  for (const view of views) rmSync(view, { recursive: true, force: true });
});

/** `npm run sandbox -- <args>` in a fresh view holding `config`, with a TMPDIR of its own. */
function sandbox(config: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const view = privateView(config);
  const temp = mkdtempSync(join(tmpdir(), "sandbox-tmp-"));
  views.push(view, temp);
  const result = spawnSync("npm", ["run", "--silent", "sandbox", "--", ...args], {
    cwd: view,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: temp, ...env },
    encoding: "utf8",
  });
  return { ...result, view, leftInTemp: readdirSync(temp) };
}

const lastLine = (text: string) => text.trim().split("\n").at(-1);

describeWithTerraform("npm run sandbox", () => {
  test("shows Terraform's error, exits 1 and leaves no temporary folder behind when Terraform fails", () => {
    const run = sandbox(EXAMPLE, [], { TF_CLI_ARGS_plan: "-no-such-flag" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("flag provided but not defined: -no-such-flag");
    expect(lastLine(run.stderr)).toBe(
      "sandbox: terraform plan failed for stack miradore-example (exit code 1; Terraform's error is above)",
    );
    expect(run.leftInTemp).toEqual([]);
    expect(existsSync(join(run.view, ".sandbox"))).toBe(false);
  }, 120_000);

  test("runs a site with a Key Vault handoff through the azurerm double, and cleans up", () => {
    const run = sandbox(`sites: [{name: example, tenantId: ${TENANT}, keyVault: {id: "${VAULT}"}}]\n`);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/azurerm_key_vault_secret\.key-vault-handoff_secret_[0-9A-F]{8}\n/);
    expect(run.stdout).toMatch(/key_vault_secret_id = https:\/\/[a-z0-9-]+\.vault\.azure\.net\/secrets\//);
    expect(run.leftInTemp).toEqual([]);
  }, 120_000);

  test("shows the configuration's error and exits 1 when synthesis fails", () => {
    const run = sandbox(`sites: [{name: example, tenantId: ${TENANT}, secret: {lifetimeDays: 3650000}}]\n`);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^config error: sites\[0\]\.secret\.lifetimeDays is 3650000, but must be at most/);
    expect(lastLine(run.stderr)).toBe(
      "sandbox: synthesizing the configuration failed (its error is above); fix it and run the sandbox again",
    );
    expect(run.leftInTemp).toEqual([]);
  }, 120_000);

  test("--keep keeps the run in .sandbox/, with outputs expiry-check reads and no secret", () => {
    const run = sandbox(EXAMPLE, ["--keep"]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(lastLine(run.stdout)).toBe(
      "Kept in .sandbox/: each stack's Terraform workspace (stacks/), the fake directory (entra/) and the outputs without the secret (outputs.json); next: npm run expiry-check -- .sandbox/outputs.json",
    );
    expect(readdirSync(join(run.view, ".sandbox")).sort()).toEqual([
      ".miradore-synthesized.json",
      "entra",
      "outputs.json",
      "stacks",
    ]);
    const outputs = JSON.parse(readFileSync(join(run.view, ".sandbox", "outputs.json"), "utf8"));
    expect(Object.keys(outputs)).toEqual(["miradore-example"]);
    expect(outputs["miradore-example"]).toHaveProperty("handoff_deadline");
    expect(outputs["miradore-example"]).not.toHaveProperty("client_secret");
    expect(run.leftInTemp).toEqual([]);

    const check = spawnSync("npm", ["run", "--silent", "expiry-check", "--", ".sandbox/outputs.json"], {
      cwd: run.view,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: "utf8",
    });
    // The first secret was just made: its handoff is pending (exit 10).
    expect(check.status).toBe(10);
    expect(check.stdout).toContain("miradore-example: HANDOFF PENDING (exit 10)");
  }, 120_000);
});
