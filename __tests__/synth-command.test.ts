import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, TerraformStack } from "cdktf";
import { siteSchema } from "../config/config-schema";
import { SiteStack } from "../app/site-stack";
import { OUTPUT_MARKER_FILE } from "../app/synthesis/output-folder";
import { synthesizeAtomically } from "../app/synthesis/synthesize-atomically";
import { buildApp } from "../test-support/build-for-test";

const VAULT =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-mdm";

// The main job exactly as `npm run synth` runs it: main.ts bundled, then run with node in a project folder.
const repo = resolve(__dirname, "..");
let bundle: string;
beforeAll(() => {
  bundle = buildApp().script("main");
});

function runMain(config: string, env: Record<string, string> = {}) {
  // Worker threads are only used for fleets; the bundle must run them itself.
  const cwd = mkdtempSync(join(tmpdir(), "miradore-synth-"));
  writeFileSync(join(cwd, "miradore.config.yaml"), config);
  const result = spawnSync(process.execPath, [bundle], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
  });
  return { ...result, cwd };
}

const GOOD = readFileSync(join(repo, "miradore.config.yaml"), "utf8");

test("synthesizes the example configuration into cdktf.out with one stack, and says what it wrote and what is next", () => {
  const { status, cwd, stderr, stdout } = runMain(GOOD);
  expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  expect(stdout).toBe(
    "wrote 1 stack to cdktf.out/stacks/miradore-example; next: cd cdktf.out/stacks/miradore-example && terraform init && terraform plan\n",
  );
  const manifest = JSON.parse(readFileSync(join(cwd, "cdktf.out", "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks)).toEqual(["miradore-example"]);
  expect(existsSync(join(cwd, "cdktf.out", "stacks", "miradore-example", "cdk.tf.json"))).toBe(true);
});

test("fails on a bad configuration with the field, value and expectation, and writes no Terraform JSON", () => {
  const { status, cwd, stderr, stdout } = runMain(GOOD.replace("lifetimeDays: 180", "lifetimeDays: -3"));
  expect(status).toBe(1);
  expect(stderr).toContain("config error: defaults.secret.lifetimeDays is -3, but must be at least 1 day");
  expect(stdout).toBe("");
  expect(readdirSync(cwd)).toEqual(["miradore.config.yaml"]);
});

test("fails on a bad environment override and keeps an earlier cdktf.out untouched", () => {
  const { cwd } = runMain(GOOD);
  const before = readFileSync(join(cwd, "cdktf.out", "stacks", "miradore-example", "cdk.tf.json"), "utf8");
  const result = spawnSync(process.execPath, [bundle], {
    cwd,
    env: { PATH: process.env.PATH, MIRADORE_TENANT_ID: "contoso" },
    encoding: "utf8",
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('MIRADORE_TENANT_ID is "contoso", but must be a GUID');
  expect(readFileSync(join(cwd, "cdktf.out", "stacks", "miradore-example", "cdk.tf.json"), "utf8")).toBe(before);
});

test("synthesizes a fleet on worker threads into one output identical to a single-threaded synthesis", () => {
  const sites = Array.from({ length: 90 }, (_, i) => ({
    name: `site-${String(i).padStart(3, "0")}`,
    tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  }));
  const fleet = runMain(JSON.stringify({ sites }), { MIRADORE_SYNTH_WORKERS: "3" });
  expect({ status: fleet.status, stderr: fleet.stderr }).toEqual({ status: 0, stderr: "" });
  const manifest = JSON.parse(readFileSync(join(fleet.cwd, "cdktf.out", "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks)).toEqual(sites.map((site) => `miradore-${site.name}`));
  expect(readdirSync(join(fleet.cwd, "cdktf.out")).sort()).toEqual([OUTPUT_MARKER_FILE, "manifest.json", "stacks"]);
  expect(fleet.stdout).toMatch(
    /^wrote 90 stacks to cdktf\.out\/stacks\/ \(miradore-site-000, miradore-site-001, miradore-site-002, miradore-site-003, miradore-site-004 and 85 more\); next, for each: cd cdktf\.out\/stacks\/<stack> && terraform init && terraform plan\n$/,
  );

  const single = runMain(JSON.stringify({ sites: [sites[57]] }));
  const stackFile = (cwd: string) =>
    readFileSync(join(cwd, "cdktf.out", "stacks", "miradore-site-057", "cdk.tf.json"), "utf8");
  expect(stackFile(fleet.cwd)).toBe(stackFile(single.cwd));
});

test("fails on a bad MIRADORE_SYNTH_WORKERS, naming it, and writes no Terraform JSON", () => {
  const { status, cwd, stderr } = runMain(GOOD, { MIRADORE_SYNTH_WORKERS: "two" });
  expect(status).toBe(1);
  expect(stderr).toContain(
    'MIRADORE_SYNTH_WORKERS is "two", but must be a whole number of worker threads from 1 to 999',
  );
  expect(readdirSync(cwd)).toEqual(["miradore.config.yaml"]);
});

test("fails on a bad site in a fleet, naming it, after stopping the workers it started early", () => {
  const sites = Array.from({ length: 100 }, (_, i) => ({
    name: `site-${String(i).padStart(3, "0")}`,
    tenantId: i === 57 ? "contoso" : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  }));
  const { status, cwd, stderr } = runMain(JSON.stringify({ sites }));
  expect(status).toBe(1);
  expect(stderr).toContain('sites[57].tenantId is "contoso", but must be a GUID');
  expect(readdirSync(cwd)).toEqual(["miradore.config.yaml"]);
});

test("a small configuration that mentions tenantId many times starts workers early, then synthesizes without them", () => {
  const chatty = `${"# tenantId: see the Entra admin center\n".repeat(200)}${GOOD}`;
  const { status, cwd, stderr } = runMain(chatty);
  expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  expect(readdirSync(join(cwd, "cdktf.out", "stacks"))).toEqual(["miradore-example"]);
});

test("skipping cdktf's cross-stack preparation pass changes nothing in the synthesized JSON", () => {
  const site = siteSchema.parse({
    name: "x",
    tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f",
    keyVault: { id: VAULT },
  });
  const synthesize = (withPreparation: boolean) => {
    const outdir = mkdtempSync(join(tmpdir(), "miradore-prepare-"));
    const app = new App({ outdir, stackTraces: false });
    const stack = new SiteStack(app, "miradore-x", { site, policy: { log: () => {} } });
    if (withPreparation) stack.prepareStack = () => TerraformStack.prototype.prepareStack.call(stack);
    app.synth();
    return readFileSync(join(outdir, "stacks", "miradore-x", "cdk.tf.json"), "utf8");
  };
  expect(synthesize(false)).toBe(synthesize(true));
});

describe("atomic synthesis", () => {
  test("leaves the previous output and no staging folder behind when building the app throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "miradore-atomic-"));
    const outdir = join(dir, "cdktf.out");
    await synthesizeAtomically(outdir, (app) => new TerraformStack(app, "previous"));
    const previous = readFileSync(join(outdir, "stacks", "previous", "cdk.tf.json"), "utf8");
    await expect(
      synthesizeAtomically(outdir, () => {
        throw new Error("construct failed");
      }),
    ).rejects.toThrow("construct failed");
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
    expect(readFileSync(join(outdir, "stacks", "previous", "cdk.tf.json"), "utf8")).toBe(previous);
  });

  test("replaces its own previous output whole on success", async () => {
    const dir = mkdtempSync(join(tmpdir(), "miradore-atomic-"));
    const outdir = join(dir, "cdktf.out");
    await synthesizeAtomically(outdir, (app) => new TerraformStack(app, "stale"));
    expect(existsSync(join(outdir, "stacks", "stale", "cdk.tf.json"))).toBe(true);
    await synthesizeAtomically(outdir, () => {});
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
    expect(existsSync(join(outdir, "stacks", "stale"))).toBe(false);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });
});
