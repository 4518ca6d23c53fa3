import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseConfig } from "../config/load-config";
import { benchEnvironment } from "../tools/bench/bench-cases";
import { DEFAULT_RUNS, QUICK_RUNS, readBenchOptions } from "../tools/bench/bench-options";
import { benchTenantId, fleetConfigText } from "../tools/bench/fleet-config";
import { runTimed } from "../tools/bench/run-timed";
import { shapeDifferences, stackShape } from "../tools/bench/stack-shape";

describe("readBenchOptions", () => {
  test("defaults to 5 runs, one test-suite run, and bench-results/bench.json", () => {
    expect(readBenchOptions([])).toEqual({
      runs: DEFAULT_RUNS,
      testRuns: 1,
      skipTests: false,
      fleetOperationsOnly: false,
      out: join("bench-results", "bench.json"),
    });
  });

  test("--quick runs fewer rounds and --runs sets them", () => {
    expect(readBenchOptions(["--quick"])).toMatchObject({ runs: QUICK_RUNS });
    expect(readBenchOptions(["--runs", "9", "--skip-tests"])).toMatchObject({ runs: 9, skipTests: true });
  });

  test.each([["0"], ["-1"], ["2.5"], ["many"]])("rejects --runs %s, naming the option and value", (runs) => {
    expect(() => readBenchOptions([`--runs=${runs}`])).toThrow(
      `--runs is "${runs}", but must be a whole number of at least 1`,
    );
  });

  test("rejects --quick together with --runs", () => {
    expect(() => readBenchOptions(["--quick", "--runs", "3"])).toThrow("use one");
  });

  test("rejects an unknown option", () => {
    expect(() => readBenchOptions(["--fast"])).toThrow("--fast");
  });
});

describe("fleetConfigText", () => {
  test("is a valid configuration of that many sites with distinct tenants", () => {
    const config = parseConfig(fleetConfigText(1000), "fleet-1000.json");
    expect(config.sites).toHaveLength(1000);
    expect(new Set(config.sites.map((site) => site.tenantId)).size).toBe(1000);
    expect(config.sites[999]).toMatchObject({ name: "site-1000", tenantId: "00000000-0000-4000-8000-0000000003e8" });
  });

  test("is the same on every run", () => {
    expect(fleetConfigText(3)).toBe(fleetConfigText(3));
    expect(benchTenantId(0)).toBe("00000000-0000-4000-8000-000000000001");
  });
});

describe("benchEnvironment", () => {
  test("drops settings that would change what is synthesized and turns cdktf's telemetry and version check off", () => {
    const env = benchEnvironment(
      {
        PATH: "/bin",
        MIRADORE_CONFIG: "other.yaml",
        MIRADORE_TENANT_ID: "x",
        CDKTF_OUTDIR: "out",
        TS_NODE_TRANSPILE_ONLY: "1",
      },
      "/tmp/work",
    );
    expect(env).toEqual({
      PATH: "/bin",
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "1",
      CDKTF_HOME: "/tmp/work/cdktf-home",
    });
  });
});

describe("stackShape", () => {
  const stack = (overrides: Record<string, unknown> = {}) => ({
    "//": { metadata: { stackName: "a" } },
    resource: { azuread_application: { app_1234: { display_name: "x" } }, time_rotating: { a: {}, b: {} } },
    data: { azuread_client_config: { deployer: {} } },
    output: { client_id: { value: "1" }, client_secret: { value: "2", sensitive: true } },
    locals: { current: "x" },
    provider: { azuread: [{ tenant_id: "t" }] },
    terraform: { backend: { local: { path: "p" } }, required_providers: { azuread: { version: "3.7.0" } } },
    ...overrides,
  });

  test("ignores logical ids and metadata", () => {
    const renamed = stack({
      "//": { metadata: { stackName: "b" } },
      resource: { time_rotating: { x: {}, y: {} }, azuread_application: { registration: { display_name: "x" } } },
    });
    expect(shapeDifferences(stackShape(stack()), stackShape(renamed))).toEqual([]);
  });

  test("reports a missing resource, a different output and a lost sensitive flag", () => {
    const other = stack({
      resource: { azuread_application: { app: {} }, time_rotating: { a: {} } },
      output: { client_id: { value: "1" }, client_secret: { value: "2" }, extra: { value: "3" } },
    });
    expect(shapeDifferences(stackShape(stack()), stackShape(other))).toEqual([
      'resources: {"azuread_application":1,"time_rotating":2} vs {"azuread_application":1,"time_rotating":1}',
      'outputs: ["client_id","client_secret"] vs ["client_id","client_secret","extra"]',
      'sensitiveOutputs: ["client_secret"] vs []',
    ]);
  });
});

describe("runTimed", () => {
  const repo = resolve(__dirname, "..");
  let work: string;
  beforeEach(() => (work = mkdtempSync(join(tmpdir(), "bench-run-"))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const node = (script: string, extra = {}, preload: string[] = []) => ({
    command: process.execPath,
    args: [...preload, "-e", script],
    cwd: work,
    env: { PATH: process.env.PATH },
    ...extra,
  });

  test("reports the peak memory the preloaded process writes at exit", () => {
    const preload = ["--require", join(repo, "tools", "bench", "max-rss-preload.cjs")];
    const sample = runTimed(
      node("globalThis.keep = Buffer.alloc(64 * 1024 * 1024, 1)", { maxRssFile: join(work, "rss") }, preload),
    );
    expect(sample.maxRssMb).toBeGreaterThan(64);
    expect(sample.exitCode).toBeUndefined();
  });

  test("fails with the command and the tail of its output when it exits non-zero", () => {
    expect(() => runTimed(node("console.error('broken config'); process.exit(3)"))).toThrow(
      /failed: exit code 3\n[^]*broken config/,
    );
  });

  test("stops a command that does not exit within its timeout and fails, even when failure is allowed", () => {
    expect(() => runTimed(node("setInterval(() => {}, 1000)", { timeoutMs: 300, allowFailure: true }))).toThrow(
      "did not exit within 0.3 s (stopped)",
    );
  });

  test("records the exit code instead when failure is allowed", () => {
    expect(runTimed(node("process.exit(1)", { allowFailure: true })).exitCode).toBe(1);
  });
});
