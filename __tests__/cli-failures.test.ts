// Every command, built as `npm run …` builds it, driven through its failure paths: it exits non-zero and says in one
// line what failed, the value and what to do; no stack trace, unless asked for with --debug or MIRADORE_DEBUG=1. The
// sandbox, which needs Terraform, has its own file (sandbox.terraform.test.ts).
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, buildForTest, type TestBuild } from "../test-support/build-for-test";
import { nodeVersionProblem } from "../tools/cli/node-version";
import { CliError, debugRequested, describeFailure, runCli } from "../tools/cli/run-cli";
import { stackOfPlanFile } from "../tools/plan-review";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const STACK_TRACE = /^\s+at /m;

let app: TestBuild;
let tools: TestBuild;
let work: string;
/** A local port nothing listens on: the fake GitHub API that cannot be reached. */
let closedPort: string;
beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = String((server.address() as AddressInfo).port);
  await new Promise((resolve) => server.close(resolve));
  app = buildApp();
  tools = buildForTest(
    {
      bootstrap: "bootstrap.ts",
      pipeline: "tools/pipeline.ts",
      "plan-review": "tools/plan-review.ts",
      "expiry-check": "tools/expiry-check.ts",
      "rotation-timeline": "tools/rotation-timeline.ts",
      "fleet-view": "tools/fleet-view.ts",
      bench: "tools/bench.ts",
      sandbox: "tools/sandbox.ts",
      "fleet-rehearsal": "tools/fleet-rehearsal.ts",
    },
    { bundleDependencies: false },
  );
  work = mkdtempSync(join(tmpdir(), "miradore-cli-"));
  writeFileSync(join(work, "miradore.config.yaml"), `sites: [{name: example, tenantId: ${TENANT}}]\n`);
});

type Command = "synth" | "bootstrap" | "pipeline" | "plan-review" | "expiry-check" | "rotation-timeline" | "fleet-view";
const ALL_COMMANDS = [
  "synth",
  "bootstrap",
  "pipeline",
  "plan-review",
  "expiry-check",
  "rotation-timeline",
  "fleet-view",
  "bench",
  "sandbox",
  "fleet-rehearsal",
] as const;

function run(
  command: (typeof ALL_COMMANDS)[number],
  args: readonly string[] = [],
  env: Record<string, string> = {},
  options: { input?: string; nodeArgs?: readonly string[] } = {},
) {
  const script = command === "synth" ? app.script("main") : tools.script(command);
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
    input: options.input ?? "",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A config file in the work folder. */
function configFile(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  return join(work, name);
}

describe.each<[string, Command, readonly string[], Record<string, string>, number, RegExp]>([
  [
    "synth: a bad configuration",
    "synth",
    [],
    { MIRADORE_CONFIG: "bad.yaml" },
    1,
    /^config error: sites\[0\]\.tenantId is "contoso", but must be a GUID/,
  ],
  [
    "synth: a configuration file that does not exist",
    "synth",
    [],
    { MIRADORE_CONFIG: "nowhere.yaml" },
    1,
    /^config error: the configuration file nowhere\.yaml cannot be read \(ENOENT/,
  ],
  [
    "synth: a bad MIRADORE_SYNTH_WORKERS",
    "synth",
    [],
    { MIRADORE_SYNTH_WORKERS: "lots" },
    1,
    /^config error: MIRADORE_SYNTH_WORKERS is "lots", but must be a whole number of worker threads/,
  ],
  [
    "synth: an output path that is a file",
    "synth",
    [],
    { CDKTF_OUTDIR: "miradore.config.yaml" },
    1,
    /^the output folder miradore\.config\.yaml is a file, not a folder synthesis made/,
  ],
  [
    "synth: groupFiltering false with a Group.Read.All consent to import",
    "synth",
    [],
    { MIRADORE_CONFIG: "group-consent.yaml" },
    1,
    /^config error: sites\[0\]\.existing\.consent\.assignmentIds\.Group\.Read\.All is "abc", but must be left out while groupFiltering is false/,
  ],
  [
    "bootstrap:synth: a configuration with a typo",
    "bootstrap",
    [],
    { MIRADORE_BOOTSTRAP_CONFIG: "bootstrap-typo.yaml" },
    1,
    /^config error: ownerObjectId is .*, but ownerObjectId is not a known setting here: did you mean `ownerObjectIds`\?/m,
  ],
  [
    "pipeline: an unknown command",
    "pipeline",
    ["deploy"],
    {},
    2,
    /^pipeline: unknown command "deploy"; one of: stacks, plan, apply/,
  ],
  [
    "pipeline: no synthesized stacks",
    "pipeline",
    ["stacks", "--out-dir", "nothing-here"],
    {},
    1,
    /^pipeline stacks: .*nothing-here\/manifest\.json does not exist: run `npm run synth` first\n$/,
  ],
  [
    "pipeline: GitHub cannot be reached",
    "pipeline",
    ["issue", "--kind", "drift", "--state", "closed", "--body-file", "miradore.config.yaml"],
    { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "contoso/miradore", GITHUB_API_URL: "http://127.0.0.1:CLOSED_PORT" },
    1,
    /^pipeline issue: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*; check the network and the proxy settings\n$/,
  ],
  [
    "plan-review: no arguments (npm run plan-review)",
    "plan-review",
    [],
    {},
    2,
    /^plan-review: expected one plan file \(or - for stdin\), got 0\nusage: plan-review/,
  ],
  [
    "plan-review: a plan file outside a stack folder and no --stack",
    "plan-review",
    ["plan.json"],
    {},
    2,
    /^plan-review: --stack is missing: name the stack the plan is for, such as --stack miradore-example/,
  ],
  [
    "plan-review: a plan file that does not exist",
    "plan-review",
    ["--stack", "miradore-example", "plan.json"],
    {},
    1,
    /^plan-review: cannot read plan\.json: ENOENT/,
  ],
  [
    "expiry-check: no outputs file",
    "expiry-check",
    [],
    {},
    2,
    /^expiry-check: expected one outputs file \(or - for stdin\), got 0/,
  ],
  [
    "expiry-check: an outputs file that does not exist",
    "expiry-check",
    [".sandbox/outputs.json"],
    {},
    2,
    /^expiry-check: cannot read \.sandbox\/outputs\.json: ENOENT\n$/,
  ],
  [
    "rotation-timeline: a bad option value",
    "rotation-timeline",
    ["--years", "many"],
    {},
    2,
    /^rotation-timeline: --years is "many", but must be a number of years/,
  ],
  [
    "rotation-timeline: a bad configuration",
    "rotation-timeline",
    ["--config", "bad.yaml"],
    {},
    2,
    /^config error: sites\[0\]\.tenantId is "contoso"/,
  ],
  [
    "fleet: a bad configuration",
    "fleet-view",
    [],
    { MIRADORE_CONFIG: "bad.yaml" },
    1,
    /^config error: sites\[0\]\.tenantId is "contoso"/,
  ],
  ["fleet: an unknown option", "fleet-view", ["--everything"], {}, 2, /^fleet: Unknown option '--everything'/],
])("%s", (_, command, args, env, exitCode, message) => {
  beforeAll(() => {
    configFile("bad.yaml", "sites: [{name: example, tenantId: contoso}]\n");
    configFile(
      "group-consent.yaml",
      `sites: [{name: example, tenantId: ${TENANT}, groupFiltering: false, existing: {applicationObjectId: ${TENANT}, ` +
        `servicePrincipalObjectId: ${TENANT}, consent: {graphServicePrincipalObjectId: ${TENANT}, assignmentIds: {Group.Read.All: abc}}}}]\n`,
    );
    configFile(
      "bootstrap-typo.yaml",
      `name: contoso\ntenantId: ${TENANT}\nownerObjectId: [${TENANT}]\ngithub: {repository: contoso/miradore, deployEnvironment: production}\n`,
    );
  });

  test(`exits ${exitCode} with one line saying what failed, and no stack trace`, () => {
    const withPort = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace("CLOSED_PORT", closedPort)]));
    const result = run(command, args, withPort);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: exitCode,
      stderr: expect.stringMatching(message),
    });
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});

test("bench: a bad option exits 2 with the usage", () => {
  const result = run("bench", ["--runs", "0"]);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/^bench: --runs is "0", but must be a whole number of at least 1\nusage: bench/);
});

test("sandbox: an unknown option exits 2 with the usage", () => {
  const result = run("sandbox", ["--kep"]);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/^sandbox: Unknown option '--kep'.*\nusage: npm run sandbox \[-- --keep\]/);
});

test("rehearse:fleet: a bad --sites exits 2 with its usage, and nothing else runs: the commands it bundles stay imported", () => {
  // It bundles the pipeline's and the expiry check's command files; each once ran its own main as well, since in a
  // bundle every file's `require.main === module`.
  const result = run("fleet-rehearsal", ["--sites", "x"]);
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
  expect(result.stderr).toBe(
    'rehearse:fleet: --sites is "x", but must be a whole number of at least 2\n' +
      "usage: npm run rehearse:fleet [-- --sites N] [--days N] [--parallel N] [--shard-size N] [--out FILE]\n" +
      "  defaults: 1000 sites, 91 days, 4 stacks at once, shards of 50\n",
  );
});

test("--debug, or MIRADORE_DEBUG=1, adds the stack trace (and the command still fails)", () => {
  const env = { MIRADORE_CONFIG: "bad.yaml" };
  configFile("bad.yaml", "sites: [{name: example, tenantId: contoso}]\n");
  for (const result of [run("synth", ["--debug"], env), run("synth", [], { ...env, MIRADORE_DEBUG: "1" })]) {
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^config error: sites\[0\]\.tenantId is "contoso"/);
    expect(result.stderr).toMatch(/ConfigError: config error/);
    expect(result.stderr).toMatch(STACK_TRACE);
  }
});

test("a plan file inside a stack's folder names its stack (npm run plan-review -- cdktf.out/stacks/<name>/plan.json)", () => {
  expect(stackOfPlanFile("cdktf.out/stacks/miradore-example/plan.json")).toBe("miradore-example");
  expect(stackOfPlanFile("/tmp/plan.json")).toBeUndefined();
  const result = run("plan-review", ["cdktf.out/stacks/miradore-example/plan.json"]);
  // Past the stack: the file is missing, so reading it is what fails.
  expect(result.stderr).toMatch(/^plan-review: cannot read cdktf\.out\/stacks\/miradore-example\/plan\.json: ENOENT/);
});

describe("the Node.js version", () => {
  test("every command refuses an older Node.js with one line, before doing anything", () => {
    const preload = join(work, "old-node.cjs");
    writeFileSync(preload, 'Object.defineProperty(process, "version", { value: "v18.19.0" });\n');
    for (const command of ALL_COMMANDS) {
      const result = run(command, [], { MIRADORE_CONFIG: "bad.yaml" }, { nodeArgs: ["--require", preload] });
      const npmNames: Partial<Record<(typeof ALL_COMMANDS)[number], string>> = {
        "fleet-view": "fleet",
        bootstrap: "bootstrap:synth",
        "fleet-rehearsal": "rehearse:fleet",
      };
      const name = npmNames[command] ?? command;
      expect({ command, status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
        command,
        status: 1,
        stderr: `${name}: needs Node.js 20.9 or later, this is v18.19.0; see .nvmrc (with nvm: nvm install && nvm use)\n`,
        stdout: "",
      });
    }
  });

  test.each([
    ["v18.19.0", false],
    ["v20.8.1", false],
    ["v20.9.0", true],
    ["v20.20.2", true],
    ["v22.0.0", true],
    ["v26.1.0", true],
  ])("%s is %s", (version, ok) => {
    expect(nodeVersionProblem(version) === undefined).toBe(ok);
  });
});

describe("runCli", () => {
  const capture = async (main: () => number | Promise<number>, argv: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const saved = process.exitCode;
    let stderr = "";
    await runCli("demo", main, { argv, env, stderr: (text) => (stderr += text), nodeVersion: "v20.9.0" });
    const exitCode = process.exitCode;
    process.exitCode = saved;
    return { exitCode, stderr };
  };

  test("passes the command's exit code through, and the arguments without --debug", async () => {
    let seen: readonly string[] = [];
    expect(
      await capture(() => {
        seen = ["x"];
        return 10;
      }),
    ).toEqual({ exitCode: 10, stderr: "" });
    await runCli("demo", (argv) => ((seen = argv), 0), { argv: ["a", "--debug", "b"], env: {}, stderr: () => {} });
    expect(seen).toEqual(["a", "b"]);
    process.exitCode = undefined;
  });

  test("a CliError is its message and exit code", async () => {
    expect(
      await capture(() => {
        throw new CliError("demo: the thing is broken; fix it", 3);
      }),
    ).toEqual({ exitCode: 3, stderr: "demo: the thing is broken; fix it\n" });
  });

  test("a file system error says which call failed on which path and what that means", () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/etc/x'"), {
      code: "EACCES",
      syscall: "open",
      path: "/etc/x",
    });
    expect(describeFailure("demo", error)).toBe(
      "demo: open /etc/x failed with EACCES (permission denied: fix the permissions, or choose another path)",
    );
  });

  test("a network error names its cause", () => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo ENOTFOUND example.invalid"), { code: "ENOTFOUND" }),
    });
    expect(describeFailure("demo", error)).toBe(
      "demo: fetch failed: getaddrinfo ENOTFOUND example.invalid (check the network, the address and the proxy settings)",
    );
  });

  test("anything else is a bug: one line that says how to get the trace", async () => {
    const { exitCode, stderr } = await capture(() => {
      throw new TypeError("cannot read properties of undefined (reading 'x')\nmore detail");
    });
    expect(exitCode).toBe(1);
    expect(stderr).toBe(
      "demo failed unexpectedly: cannot read properties of undefined (reading 'x'). This is a bug: run it again with --debug (or MIRADORE_DEBUG=1) for the stack trace, and report it\n",
    );
    const debug = await capture(
      () => {
        throw new TypeError("broken");
      },
      [],
      { MIRADORE_DEBUG: "1" },
    );
    expect(debug.stderr).toMatch(/^demo failed unexpectedly: broken\..*\nTypeError: broken\n\s+at /);
  });

  test("debug is asked for by --debug or MIRADORE_DEBUG=1 or true", () => {
    expect(debugRequested(["--debug"], {})).toBe(true);
    expect(debugRequested([], { MIRADORE_DEBUG: "1" })).toBe(true);
    expect(debugRequested([], { MIRADORE_DEBUG: "true" })).toBe(true);
    expect(debugRequested([], { MIRADORE_DEBUG: "0" })).toBe(false);
    expect(debugRequested([], {})).toBe(false);
  });
});
