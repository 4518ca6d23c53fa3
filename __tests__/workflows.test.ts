// The GitHub Actions workflows: valid YAML, clean under actionlint, thin (every `run` is an npm script that exists, or
// the prebuilt bundle of one), pinned actions, least permissions, OIDC without stored secrets, applies that are never
// cancelled; no job outside the production environment can get the deploy identity (checked against the subjects the
// bootstrap stack actually trusts); credential jobs run no install script and only the bundles a credential-free job
// built; Terraform's version is exact; one tracking-issue job per kind at a time.
import { builtinModules } from "node:module";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { buildSync } from "esbuild";
import { Testing } from "cdktf";
import { parse, parseDocument } from "yaml";
import packageJson from "../package.json";
import { loadBootstrapConfig } from "../config/load-bootstrap-config";
import { BootstrapStack } from "../app/bootstrap/bootstrap-stack";
import type { StackJson } from "../test-support/synth-site";
import { PIPELINE_COMMANDS } from "../tools/pipeline";
import { TRACKING_ISSUES } from "../tools/pipeline/tracking-issue";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CARRIED_BY_TOOLS, toolExternals } = require("../tools/tool-externals.cjs") as {
  CARRIED_BY_TOOLS: readonly string[];
  toolExternals: (packageJson: object) => string[];
};

const DIR = join(__dirname, "..", ".github", "workflows");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const text = (file: string) => readFileSync(join(DIR, file), "utf8");

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  if?: string;
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs);

/** The Terraform version the workflows install and the tests run: exact, never a range (README, "Tests and speed"). */
const TESTED_TERRAFORM_VERSION = "1.11.4";
/** The install command of a job that gets an OIDC token: no install script, no dev dependency. */
const CREDENTIAL_JOB_INSTALL = "npm ci --ignore-scripts --omit=dev --no-audit --no-fund";
/** A step running a bundle the stacks job built: `node .build/pipeline.js <command> …` or `node .build/plan-review.js …`. */
const PREBUILT = /^node \.build\/(pipeline|plan-review)\.js(?: ([\w-]+))?/;

/** The pipeline commands a job runs, whether through npm (`npm run ci:apply`) or the bundle (`node .build/pipeline.js apply`). */
function pipelineCommands(job: Job): string[] {
  return job.steps.flatMap((step) => {
    const run = step.run?.trim() ?? "";
    const npm = /^npm run (?:--silent )?ci:([\w-]+)/.exec(run)?.[1];
    const prebuilt = PREBUILT.exec(run);
    return npm ? [npm] : prebuilt?.[1] === "pipeline" && prebuilt[2] ? [prebuilt[2]] : [];
  });
}
const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);
const holdsToken = (job: Job) => job.permissions?.["id-token"] === "write";

/**
 * The npm package `actionlint` 2.0.6 (the WebAssembly build) embeds actionlint 1.6.22, which predates the `vars`
 * context (actionlint 1.6.23) and the ubuntu-24.04 runner label. Exactly these two findings are accepted.
 */
const OUTDATED_LINTER_FINDINGS = [/^undefined variable "vars"\./, /^label "ubuntu-24\.04" is unknown\./];

/**
 * A new linter for each file: the WebAssembly build never frees what it allocates for a run, and after four of
 * these workflows one instance stops with "RuntimeError: unreachable" (seen when rotation.yml grew past 15 kB).
 */
async function lint(source: string, path: string): Promise<LintResult[]> {
  return (await createLinter())(source, path);
}

test("there are the five workflows", () => {
  expect(FILES).toEqual(["deploy.yml", "drift.yml", "pull-request.yml", "rehearsal.yml", "rotation.yml"]);
});

describe.each(FILES)("%s", (file) => {
  test("parses as YAML without errors or warnings", () => {
    const doc = parseDocument(text(file));
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  test("passes actionlint", async () => {
    const findings = (await lint(text(file), file)).filter(
      (f) => !OUTDATED_LINTER_FINDINGS.some((known) => known.test(f.message)),
    );
    expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
  });

  test("runs only npm scripts that exist in package.json, or the bundles of the pipeline's commands", () => {
    const scripts = packageJson.scripts as Record<string, string>;
    for (const [, job] of jobsOf(file)) {
      for (const step of job.steps.filter((s) => s.run !== undefined)) {
        const command = step.run!.trim();
        expect(command).toMatch(/^(npm (ci\b|test$|run )|node \.build\/)/);
        const script = /^npm run (?:--silent )?([\w:-]+)/.exec(command)?.[1];
        if (script !== undefined) expect(Object.keys(scripts)).toContain(script);
        const prebuilt = PREBUILT.exec(command);
        if (command.startsWith("node ")) expect(prebuilt).not.toBeNull();
        if (prebuilt?.[1] === "pipeline") expect(Object.keys(PIPELINE_COMMANDS)).toContain(prebuilt[2]);
      }
    }
  });

  test("pins every action to a full commit SHA with its version in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+(\/[\w.-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test("grants nothing at the top and least permissions per job", () => {
    expect(workflow(file).permissions).toEqual({});
    for (const [name, job] of jobsOf(file)) {
      expect({ name, permissions: job.permissions }).toEqual({ name, permissions: expect.any(Object) });
      const granted = Object.entries(job.permissions!);
      expect(granted).toContainEqual(["contents", "read"]);
      for (const [scope, level] of granted) {
        expect(`${scope}: ${level}`).toMatch(/^(contents: read|id-token: write|pull-requests: write|issues: write)$/);
      }
      // A token for Entra only where Terraform runs; write access to issues/PRs only where a script posts.
      const commands = pipelineCommands(job);
      expect([name, holdsToken(job)]).toEqual([
        name,
        commands.some((c) => ["plan", "apply", "shard", "shard-plan", "force-rotate"].includes(c)),
      ]);
      const posts = commands.some((c) => ["comment", "issue"].includes(c));
      expect([name, job.permissions!["pull-requests"] === "write" || job.permissions!.issues === "write"]).toEqual([
        name,
        posts,
      ]);
    }
  });

  test("authenticates Terraform by OIDC, never with a stored secret, as the plan or the deploy identity", () => {
    expect(text(file)).not.toMatch(/secrets\.|ARM_CLIENT_SECRET|ARM_ACCESS_KEY|client-secret/);
    for (const [, job] of jobsOf(file).filter(([, j]) => holdsToken(j))) {
      expect(job.env).toMatchObject({
        ARM_USE_OIDC: "true",
        ARM_CLIENT_ID: expect.stringMatching(/^\$\{\{ vars\.ARM_(PLAN|DEPLOY)_CLIENT_ID \}\}$/),
        ARM_TENANT_ID: "${{ vars.ARM_TENANT_ID }}",
        TF_VAR_miradore_ci_identity: expect.stringMatching(/^(plan|deploy)$/),
      });
    }
  });

  test("installs Terraform at exactly the tested version, without its wrapper", () => {
    const setups = jobsOf(file).flatMap(([, job]) =>
      job.steps.filter((s) => s.uses?.startsWith("hashicorp/setup-terraform@")),
    );
    expect(setups.length).toBeGreaterThan(0);
    for (const setup of setups) {
      expect(setup.with).toEqual({ terraform_version: TESTED_TERRAFORM_VERSION, terraform_wrapper: false });
    }
    for (const [name, job] of jobsOf(file).filter(([, j]) => holdsToken(j))) {
      expect([name, job.steps.some((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))]).toEqual([name, true]);
    }
  });

  test("jobs with an OIDC token install no install script and no dev dependency, and run only the prebuilt bundles", () => {
    for (const [name, job] of jobsOf(file).filter(([, j]) => holdsToken(j))) {
      const runs = job.steps.filter((s) => s.run !== undefined).map((s) => s.run!.trim());
      expect([name, runs.filter((r) => r.startsWith("npm "))]).toEqual([name, [CREDENTIAL_JOB_INSTALL]]);
      for (const run of runs.filter((r) => !r.startsWith("npm ")))
        expect([name, run]).toEqual([name, expect.stringMatching(PREBUILT)]);
      // The bundles come from this run's stacks job (the "build" artifact), downloaded before any of them runs.
      const download = job.steps.findIndex(
        (s) => s.uses?.startsWith("actions/download-artifact@") && s.with?.name === "build",
      );
      const firstBundle = job.steps.findIndex((s) => PREBUILT.test(s.run?.trim() ?? ""));
      expect([name, download >= 0 && download < firstBundle]).toEqual([name, true]);
    }
  });

  test("the build artifact comes from a job without credentials or install scripts, and holds only named, secret-free files", () => {
    const bundlesRun = new Set(
      jobsOf(file)
        .filter(([, j]) => holdsToken(j))
        .flatMap(([, j]) => j.steps.map((s) => PREBUILT.exec(s.run?.trim() ?? "")?.[1]))
        .filter((b): b is string => b !== undefined),
    );
    const builders = jobsOf(file).filter(([, job]) =>
      job.steps.some((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.name === "build"),
    );
    expect(builders.length).toBe(bundlesRun.size > 0 ? 1 : 0);
    for (const [name, job] of builders) {
      expect([name, holdsToken(job)]).toEqual([name, false]);
      const runs = job.steps.map((s) => s.run?.trim() ?? "").filter(Boolean);
      expect(runs).toContain("npm ci --ignore-scripts --no-audit --no-fund");
      expect(runs.filter((r) => /^npm ci\b/.test(r) && !r.includes("--ignore-scripts"))).toEqual([]);
      expect(runs.filter((r) => r === "npm test")).toEqual([]); // tests run their dev dependencies' code elsewhere
      const upload = job.steps.find((s) => s.with?.name === "build")!;
      const paths = String(upload.with!.path)
        .trim()
        .split("\n")
        .map((p) => p.trim());
      expect(paths).toEqual([
        "cdktf.out/manifest.json",
        "cdktf.out/stacks/*/cdk.tf.json",
        ...[...bundlesRun].sort().map((bundle) => `.build/${bundle}.js`),
      ]);
      expect(upload.with).toMatchObject({ "include-hidden-files": true, "if-no-files-found": "error" });
    }
  });

  test("runs dependency install scripts only in test jobs, which hold no credential and upload nothing", () => {
    for (const [name, job] of jobsOf(file)) {
      const installs = job.steps.map((s) => s.run?.trim() ?? "").filter((r) => /^npm ci\b/.test(r));
      if (installs.every((r) => r.includes("--ignore-scripts"))) continue;
      expect([name, job.permissions]).toEqual([name, { contents: "read" }]);
      expect([name, job.steps.map((s) => s.run?.trim()).filter(Boolean)]).toEqual([
        name,
        ["npm ci --no-audit --no-fund", "npm test"],
      ]);
      expect(job.steps.some((s) => s.uses?.startsWith("actions/upload-artifact@"))).toBe(false);
    }
  });

  test("keeps one job per tracking-issue kind at a time, never cancelling a running one", () => {
    for (const [name, job] of jobsOf(file)) {
      const issueRuns = job.steps.filter((s) => /ci:issue|pipeline\.js issue/.test(s.run ?? ""));
      if (issueRuns.length === 0) continue;
      const kinds = issueRuns.map((s) => /--kind ([\w-]+)/.exec(s.run!)?.[1]);
      expect(new Set(kinds).size).toBe(1);
      expect(Object.keys(TRACKING_ISSUES)).toContain(kinds[0]);
      expect([name, job.concurrency]).toEqual([
        name,
        { group: `miradore-issue-${kinds[0]}`, "cancel-in-progress": false },
      ]);
    }
  });

  test("keeps state in the azurerm backend, configured from repository variables (the rehearsal: no state at all)", () => {
    const env = (workflow(file) as unknown as { env?: Record<string, string> }).env;
    // The weekly rehearsal runs against the provider doubles on the runner: nothing of the real state may reach it.
    if (file === "rehearsal.yml")
      return expect([env, text(file)]).toEqual([undefined, expect.not.stringMatching(/vars\.|id-token/)]);
    expect(env).toEqual({
      MIRADORE_STATE_BACKEND: "azurerm",
      MIRADORE_STATE_STORAGE_ACCOUNT: "${{ vars.MIRADORE_STATE_STORAGE_ACCOUNT }}",
      MIRADORE_STATE_CONTAINER: "${{ vars.MIRADORE_STATE_CONTAINER }}",
      MIRADORE_STATE_KEY_PREFIX: "${{ vars.MIRADORE_STATE_KEY_PREFIX }}",
    });
  });

  test("applies only in the production environment, one stack or shard at a time, never cancelled", () => {
    const applies = (job: Job) =>
      pipelineCommands(job).some((c) => c === "apply" || c === "force-rotate" || c === "shard");
    const appliers = jobsOf(file).filter(([, job]) => applies(job));
    expect(appliers.length > 0).toBe(file === "deploy.yml" || file === "rotation.yml");
    for (const [name, job] of jobsOf(file)) {
      if (!applies(job)) continue;
      expect([name, job.environment]).toEqual([name, "production"]);
      const group = !pipelineCommands(job).includes("shard")
        ? "miradore-apply-${{ matrix.stack }}"
        : file === "deploy.yml"
          ? "miradore-deploy-${{ matrix.shard.name }}"
          : "miradore-rotation-${{ matrix.shard.name }}";
      expect(job.concurrency).toEqual({ group, "cancel-in-progress": false });
    }
  });
});

test("actionlint is not a no-op: it rejects a broken workflow", async () => {
  const broken =
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_property }}\n";
  expect((await lint(broken, "broken.yml")).map((f) => f.kind)).toContain("expression");
});

test("pull requests from forks get no plan and a notice instead", () => {
  const { jobs, on } = workflow("pull-request.yml");
  expect(Object.keys(on)).toEqual(["pull_request"]); // never pull_request_target: fork code must not get the token
  expect(jobs.plan!.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  const notice = jobs.stacks!.steps.find((s) => s.run === "npm run ci:fork-notice");
  expect(notice?.if).toContain("github.event.pull_request.head.repo.full_name != github.repository");
});

test("the plan matrix comes from the synthesized manifest, not from the workflow", () => {
  for (const file of FILES) {
    for (const [, job] of jobsOf(file).filter(([, j]) => j.strategy?.matrix?.stack !== undefined)) {
      expect(job.strategy!.matrix!.stack).toBe("${{ fromJSON(needs.stacks.outputs.stacks) }}");
    }
    for (const [, job] of jobsOf(file).filter(([, j]) => j.strategy?.matrix?.shard !== undefined)) {
      expect(job.strategy!.matrix!.shard).toBe("${{ fromJSON(needs.stacks.outputs.shards) }}");
    }
  }
});

/** The bundle's pipeline command a step runs, if any, with its arguments. */
const bundleRun = (job: Job, command: string) =>
  job.steps.find((s) => PREBUILT.exec(s.run?.trim() ?? "")?.[2] === command);

test("pull request plans, deploys and drift checks run in shards, so any number of stacks fits GitHub's 256 jobs", () => {
  for (const [file, name] of [
    ["pull-request.yml", "plan"],
    ["deploy.yml", "apply"],
    ["drift.yml", "drift"],
  ] as const) {
    const { jobs } = workflow(file);
    expect([file, jobs.stacks!.steps.find((s) => s.id === "stacks")!.run]).toEqual([
      file,
      expect.stringMatching(/^npm run ci:stacks -- --shard-size \d+/),
    ]);
    // A deploy applies every stack of the commit: the fleet record (due stacks only) is the rotation's alone.
    expect(jobs.stacks!.steps.find((s) => s.id === "stacks")!.run).not.toContain("--record");
    expect(jobs[name]!.strategy!.matrix).toEqual({ shard: "${{ fromJSON(needs.stacks.outputs.shards) }}" });
    expect(jobs[name]!.env!.STACKS).toBe("${{ matrix.shard.stacks }}");
    const run = bundleRun(jobs[name]!, file === "deploy.yml" ? "shard" : "shard-plan");
    expect([file, run?.run]).toEqual([file, expect.stringContaining('--stacks "$STACKS" --parallel 4')]);
    expect(run!.env).toMatchObject({ TF_PLUGIN_CACHE_DIR: "${{ runner.temp }}/terraform-plugins" });
  }
  // Deploys guard with sign-in logs as the rotation does, when they are on.
  const deployRun = bundleRun(workflow("deploy.yml").jobs.apply!, "shard")!;
  expect(deployRun.run).toContain('--sign-ins "$SIGN_IN_LOGS"');
  expect(deployRun.env?.SIGN_IN_LOGS).toBe("${{ vars.MIRADORE_SIGN_IN_LOGS == 'true' && 'on' || '' }}");
  const { jobs } = workflow("pull-request.yml");
  // Each stack's review is posted from its shard's folder, also when another stack of the shard failed.
  const comment = bundleRun(jobs.plan!, "comment")!;
  expect(comment.run).toContain('--reviews-dir "$RUNNER_TEMP/reviews" --shard "$SHARD"');
  // One comment per shard when many of its stacks change (a `defaults` change), named by the shard.
  expect(comment.env?.SHARD).toBe("${{ matrix.shard.name }}");
  expect(comment.if).toBe("${{ !cancelled() }}");
  expect(bundleRun(jobs.plan!, "shard-plan")!.run).not.toContain("--refresh-only");
});

test("the drift check covers a large fleet over the week and never closes its issue on a partial check", () => {
  const { jobs } = workflow("drift.yml");
  const stacks = jobs.stacks!.steps.find((s) => s.id === "stacks")!;
  expect(stacks.run).toContain('--slice "$SLICE" --slice-above 50');
  // Scheduled runs check the day's seventh; a run by hand checks the whole fleet.
  expect(stacks.env).toEqual({ SLICE: "${{ github.event_name == 'schedule' && 'today/7' || '' }}" });
  expect(bundleRun(jobs.drift!, "shard-plan")!.run).toMatch(/--refresh-only --credentials/);
  const report = jobs.report!.steps.find((s) => s.id === "report")!;
  expect(report.run).toContain('--record "$RUNNER_TEMP/drift-record.json"');
  // The record of earlier runs is restored and saved by the report job only, under a new key per run.
  const cacheSteps = (job: Job) =>
    job.steps.filter((s) => s.uses?.startsWith("actions/cache/")).map((s) => s.uses!.split("@")[0]);
  expect(cacheSteps(jobs.report!)).toEqual(["actions/cache/restore", "actions/cache/save"]);
  expect(cacheSteps(jobs.drift!)).toEqual([]);
  const issue = jobs.report!.steps.find((s) => /ci:issue/.test(s.run ?? ""))!;
  expect(issue.if).toBe(
    "steps.report.outputs.state == 'open' || (steps.report.outputs.state == 'closed' && needs.drift.result == 'success')",
  );
});

test("tests run on Node 20 (the floor) and every current LTS line (22, 24, 26); everything else on the active LTS, 26", () => {
  const test = workflow("pull-request.yml").jobs.test!;
  expect(test.strategy!.matrix!.node).toEqual([20, 22, 24, 26]);
  for (const file of FILES) {
    for (const [name, job] of jobsOf(file).filter(([n]) => !(file === "pull-request.yml" && n === "test"))) {
      const setupNode = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect([file, name, setupNode?.with?.["node-version"]]).toEqual([file, name, 26]);
    }
  }
});

test("the scheduled rotation applies only due stacks, in shards from ci:stacks, and keeps the fleet record", () => {
  const { jobs } = workflow("rotation.yml");
  expect(jobs.shard!.strategy!.matrix!.shard).toBe("${{ fromJSON(needs.stacks.outputs.shards) }}");
  const stacksRun = jobs.stacks!.steps.find((s) => s.id === "stacks")!.run!;
  expect(stacksRun).toMatch(/--shard-size \d+/);
  expect(stacksRun).toContain('--record "$RUNNER_TEMP/fleet-record.json"');
  // With sign-in logs on, pending handoffs are due daily, so their logs are read.
  expect(stacksRun).toContain('--sign-ins "$SIGN_IN_LOGS"');
  const shardRun = jobs.shard!.steps.find((s) => PREBUILT.exec(s.run?.trim() ?? "")?.[2] === "shard")!;
  expect(shardRun.env).toEqual({
    TF_PLUGIN_CACHE_DIR: "${{ runner.temp }}/terraform-plugins",
    SIGN_IN_LOGS: "${{ vars.MIRADORE_SIGN_IN_LOGS == 'true' && 'on' || '' }}",
    MIRADORE_SIGN_IN_RECENT_DAYS: "${{ vars.MIRADORE_SIGN_IN_RECENT_DAYS }}",
  });
  expect(shardRun.run).toContain('--sign-ins "$SIGN_IN_LOGS"');
  // The record is restored where it is read and saved, under a new key, only by the job that writes it.
  const cacheSteps = (job: Job) =>
    job.steps.filter((s) => s.uses?.startsWith("actions/cache/")).map((s) => s.uses!.split("@")[0]);
  expect(cacheSteps(jobs.stacks!)).toEqual(["actions/cache/restore"]);
  expect(cacheSteps(jobs.notice!)).toEqual(["actions/cache/restore", "actions/cache/save"]);
  expect(cacheSteps(jobs.shard!)).toEqual([]);
  expect(jobs.notice!.needs).toEqual(["stacks", "shard", "apply"]);
});

test("the rotation workflow runs daily and offers a forced rotation of one stack", () => {
  const { on } = workflow("rotation.yml") as unknown as {
    on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, { options?: string[] }> } };
  };
  expect(on.schedule).toHaveLength(1);
  expect(on.schedule[0]!.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  expect(on.workflow_dispatch.inputs.rotation!.options).toEqual(["none", "keep", "revoke"]);
  expect(Object.keys(on.workflow_dispatch.inputs)).toContain("stack");
});

test("the bundles credential jobs run load nothing but node's modules and what npm ci --omit=dev installs", () => {
  // The credential jobs install with --omit=dev: a bundle that required a development package would fail there. The
  // bundles are built as tools/build.mjs builds them; what --omit=dev installs is every package the lockfile does not
  // mark as a development one (the library's peers, cdktf and constructs among them).
  const root = join(__dirname, "..");
  const out = mkdtempSync(join(tmpdir(), "bundles-"));
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const installed = (pkg: string) => {
    const entry = lock.packages[`node_modules/${pkg}`];
    return entry !== undefined && entry.dev !== true;
  };
  try {
    buildSync({
      entryPoints: [join(root, "tools/pipeline.ts"), join(root, "tools/plan-review.ts")],
      bundle: true,
      platform: "node",
      external: toolExternals(packageJson),
      outdir: out,
      logLevel: "warning",
    });
    for (const bundle of ["pipeline.js", "plan-review.js"]) {
      const required = [...readFileSync(join(out, bundle), "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(required.length).toBeGreaterThan(0);
      for (const name of required) {
        const bare = name.replace(/^node:/, "");
        if (builtinModules.includes(bare)) continue;
        const pkg = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!;
        expect([bundle, name, installed(pkg)]).toEqual([bundle, name, true]);
      }
    }
    // The app's own runtime libraries are development packages of the library: the bundles carry them.
    for (const carried of CARRIED_BY_TOOLS) expect([carried, installed(carried)]).toEqual([carried, false]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// ---- who can get the deploy identity ----

/** The federated credential subjects each bootstrap identity trusts, from the stack `bootstrap.config.yaml` makes. */
interface TrustedSubjects {
  readonly repository: string;
  readonly deploy: readonly string[];
  readonly plan: readonly string[];
}

function bootstrapSubjects(): TrustedSubjects {
  const config = loadBootstrapConfig({ path: join(__dirname, "..", "bootstrap.config.yaml"), env: {} });
  const stack = new BootstrapStack(Testing.app({ stackTraces: false }), "miradore-bootstrap-test", { config });
  const json = JSON.parse(Testing.synth(stack)) as StackJson;
  const subjectsOf = (prefix: string) => {
    const app = Object.keys(json.resource.azuread_application!).find((n) => n.startsWith(prefix))!;
    return Object.values(json.resource.azuread_application_federated_identity_credential!)
      .filter((c) => c.application_id === `\${azuread_application.${app}.id}`)
      .map((c) => c.subject as string);
  };
  return { repository: config.github.repository, deploy: subjectsOf("ci_"), plan: subjectsOf("plan_") };
}

/**
 * The OIDC token subjects a job can present (GitHub Docs, "OpenID Connect reference", subject claims): its environment
 * whatever the trigger; else `pull_request` for pull request events, and `ref:refs/heads/<branch>` for the branches
 * its other triggers run on (`*`: any branch someone picks, as workflow_dispatch allows).
 */
function reachableSubjects(on: Record<string, unknown>, job: Job, repository: string): string[] {
  const environment = environmentOf(job);
  if (environment !== undefined) return [`repo:${repository}:environment:${environment}`];
  return Object.entries(on).flatMap(([event, settings]) => {
    if (event === "pull_request" || event === "pull_request_target") return [`repo:${repository}:pull_request`];
    if (event === "schedule") return [`repo:${repository}:ref:refs/heads/main`]; // runs on the default branch
    const branches = (settings as { branches?: string[] } | null)?.branches ?? ["*"];
    return branches.map((branch) => `repo:${repository}:ref:refs/heads/${branch}`);
  });
}

const admits = (trusted: readonly string[], subject: string) =>
  trusted.some((t) => t === subject || (subject.endsWith(":ref:refs/heads/*") && t.startsWith(subject.slice(0, -1))));

/** Every way a job outside the production environment could get the deploy identity; empty when there is none. */
function deployIdentityExposures(workflows: Record<string, Workflow>, trusted: TrustedSubjects): string[] {
  const problems: string[] = [];
  for (const [file, wf] of Object.entries(workflows)) {
    const triggers = Object.keys(wf.on);
    const outsideJobs = JSON.stringify({ ...wf, jobs: undefined });
    if (outsideJobs.includes("ARM_DEPLOY_CLIENT_ID"))
      problems.push(`${file}: ARM_DEPLOY_CLIENT_ID is referenced outside a job, where every job can read it`);
    for (const [name, job] of Object.entries(wf.jobs)) {
      const where = `${file} ${name}`;
      const production = environmentOf(job) === "production";
      const fromPullRequest = triggers.some((t) => t.startsWith("pull_request"));
      if (JSON.stringify(job).includes("ARM_DEPLOY_CLIENT_ID") && (!production || fromPullRequest))
        problems.push(`${where}: references ARM_DEPLOY_CLIENT_ID outside the production environment`);
      if (production && fromPullRequest)
        problems.push(
          `${where}: a pull request job asks for the production environment (the deploy identity's subject)`,
        );
      if (!holdsToken(job)) continue;
      const subjects = reachableSubjects(wf.on, job, trusted.repository);
      for (const subject of subjects.filter((s) => admits(trusted.deploy, s))) {
        if (!production || fromPullRequest)
          problems.push(`${where}: can present ${subject}, which the deploy identity trusts`);
      }
      const clientId = job.env?.ARM_CLIENT_ID ?? "";
      const expected = production ? "ARM_DEPLOY_CLIENT_ID" : "ARM_PLAN_CLIENT_ID";
      if (clientId !== `\${{ vars.${expected} }}`)
        problems.push(
          `${where}: signs in with ${clientId}, but a job ${production ? "in" : "outside"} production uses vars.${expected}`,
        );
      // A site with CI apps of its own (ciIdentity) signs in as the one of this role: deploy in production only.
      const role = job.env?.TF_VAR_miradore_ci_identity;
      const expectedRole = production ? "deploy" : "plan";
      if (role !== expectedRole)
        problems.push(
          `${where}: TF_VAR_miradore_ci_identity is ${String(role)}, but a job ${production ? "in" : "outside"} production signs in to a site's own CI apps as ${expectedRole}`,
        );
      const identity = production ? trusted.deploy : trusted.plan;
      if (!subjects.some((s) => admits(identity, s)))
        problems.push(
          `${where}: presents ${subjects.join(", ")}, which its identity does not trust (the sign-in would fail)`,
        );
    }
  }
  return problems;
}

describe("the deploy identity", () => {
  const trusted = bootstrapSubjects();
  const all = () => Object.fromEntries(FILES.map((f) => [f, workflow(f)]));

  test("is trusted only from the production environment; the plan identity from pull requests and main", () => {
    expect(trusted.deploy).toEqual(["repo:contoso/miradore-entra:environment:production"]);
    expect([...trusted.plan].sort()).toEqual([
      "repo:contoso/miradore-entra:pull_request",
      "repo:contoso/miradore-entra:ref:refs/heads/main",
    ]);
  });

  test("is out of reach of every job outside the production environment, and pull request jobs never enter it", () => {
    expect(deployIdentityExposures(all(), trusted)).toEqual([]);
  });

  test("the check finds each way a pull request or drift job could get it", () => {
    const broken = (change: (w: Record<string, Workflow>) => void, subjects: TrustedSubjects = trusted) => {
      const workflows = all();
      change(workflows);
      return deployIdentityExposures(workflows, subjects);
    };
    expect(
      broken((w) => (w["pull-request.yml"]!.jobs.plan!.env!.ARM_CLIENT_ID = "${{ vars.ARM_DEPLOY_CLIENT_ID }}")),
    ).toEqual([
      expect.stringMatching(/^pull-request\.yml plan: references ARM_DEPLOY_CLIENT_ID outside/),
      expect.anything(),
    ]);
    expect(broken((w) => (w["pull-request.yml"]!.jobs.plan!.environment = "production"))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pull-request\.yml plan: a pull request job asks for the production environment/),
        expect.stringMatching(
          /^pull-request\.yml plan: can present repo:contoso\/miradore-entra:environment:production/,
        ),
      ]),
    );
    expect(
      broken((w) => (w["drift.yml"]!.jobs.drift!.steps[0]!.env = { X: "${{ vars.ARM_DEPLOY_CLIENT_ID }}" })),
    ).toEqual([expect.stringMatching(/^drift\.yml drift: references ARM_DEPLOY_CLIENT_ID outside/)]);
    // A plan job asking for a site's own deploy app (ciIdentity): that app's credential admits production only.
    expect(broken((w) => (w["pull-request.yml"]!.jobs.plan!.env!.TF_VAR_miradore_ci_identity = "deploy"))).toEqual([
      expect.stringMatching(
        /^pull-request\.yml plan: TF_VAR_miradore_ci_identity is deploy, but a job outside production signs in to a site's own CI apps as plan/,
      ),
    ]);
    expect(
      broken(
        (w) =>
          ((w["drift.yml"] as unknown as { env: Record<string, string> }).env.X = "${{ vars.ARM_DEPLOY_CLIENT_ID }}"),
      ),
    ).toEqual([expect.stringMatching(/^drift\.yml: ARM_DEPLOY_CLIENT_ID is referenced outside a job/)]);
    // A bootstrap whose deploy identity still trusted pull requests (as before issue 13) would be caught too.
    expect(
      broken(() => {}, { ...trusted, deploy: [...trusted.deploy, "repo:contoso/miradore-entra:pull_request"] }),
    ).toEqual([
      expect.stringMatching(
        /^pull-request\.yml plan: can present repo:contoso\/miradore-entra:pull_request, which the deploy identity trusts/,
      ),
    ]);
  });
});

test("a weekly run rehearses the 1000-site fleet (npm run rehearse:fleet, its default) with nothing to sign in with", () => {
  const rehearsal = workflow("rehearsal.yml");
  expect(rehearsal.on).toEqual({
    schedule: [{ cron: expect.stringMatching(/^\d+ \d+ \* \* \d$/) }],
    workflow_dispatch: null,
  });
  const runs = rehearsal.jobs.fleet!.steps.map((s) => s.run?.trim()).filter(Boolean);
  expect(runs).toEqual(["npm ci --ignore-scripts --no-audit --no-fund", "npm run rehearse:fleet"]);
  expect(rehearsal.jobs.fleet!.permissions).toEqual({ contents: "read" });
});
