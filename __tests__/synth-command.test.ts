import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { synthesizeAtomically } from "../constructs/synthesize-atomically";

// The main job exactly as `npm run synth` runs it: main.ts bundled, then run with node in a project folder.
const repo = resolve(__dirname, "..");
const bundle = join(repo, ".build", `test-${process.pid}`, "main.js");
beforeAll(() => {
  buildSync({ entryPoints: [join(repo, "main.ts")], outfile: bundle, bundle: true, platform: "node", format: "cjs", packages: "external" });
});
afterAll(() => rmSync(dirname(bundle), { recursive: true, force: true }));

function runMain(config: string, env: Record<string, string> = {}) {
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

test("synthesizes the example configuration into cdktf.out with one stack", () => {
  const { status, cwd, stderr } = runMain(GOOD);
  expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
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
  expect(result.stderr).toContain('MIRADORE_TENANT_ID (sites[0].tenantId) is "contoso", but must be a GUID');
  expect(readFileSync(join(cwd, "cdktf.out", "stacks", "miradore-example", "cdk.tf.json"), "utf8")).toBe(before);
});

describe("atomic synthesis", () => {
  test("leaves the previous output and no staging folder behind when building the app throws", () => {
    const dir = mkdtempSync(join(tmpdir(), "miradore-atomic-"));
    const outdir = join(dir, "cdktf.out");
    mkdirSync(outdir);
    writeFileSync(join(outdir, "marker"), "previous");
    expect(() =>
      synthesizeAtomically(outdir, () => {
        throw new Error("construct failed");
      }),
    ).toThrow("construct failed");
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
    expect(readFileSync(join(outdir, "marker"), "utf8")).toBe("previous");
  });

  test("replaces the previous output whole on success", () => {
    const dir = mkdtempSync(join(tmpdir(), "miradore-atomic-"));
    const outdir = join(dir, "cdktf.out");
    mkdirSync(outdir);
    writeFileSync(join(outdir, "stale"), "old");
    synthesizeAtomically(outdir, () => {});
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
    expect(existsSync(join(outdir, "stale"))).toBe(false);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });
});
