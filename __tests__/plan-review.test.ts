// The plan review on real `terraform show -json` plans (test-support/fixtures/terraform-plans, provenance in its
// README), on malformed input, through its CLI, and within its size limits. Plans of our own stack's shape are in plan-review-identity.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import {
  GITHUB_COMMENT_MAX_CHARS,
  PlanInputError,
  PlanReviewOptionsError,
  planReviewMarker,
  renderPlanReview,
} from "../tools/plan-review/index";
import { describeWhenAvailable, type Prerequisite } from "../test-support/required-in-ci";

const FIXTURES_DIR =
  process.env.MIRADORE_PLAN_FIXTURES_DIR || resolve(__dirname, "..", "test-support", "fixtures", "terraform-plans");
const INVALID_FIXTURE = "invalid.plan.json";
const fixtures: Prerequisite = existsSync(FIXTURES_DIR)
  ? { available: true }
  : { available: false, reason: `${FIXTURES_DIR} does not exist (set MIRADORE_PLAN_FIXTURES_DIR)` };
const validFixtures = fixtures.available
  ? readdirSync(FIXTURES_DIR)
      .filter((name) => name.endsWith(".plan.json") && name !== INVALID_FIXTURE)
      .sort()
  : [];
const describeWithFixtures = (title: string, body: () => void) => describeWhenAvailable(title, fixtures, body);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readFixture(name: string): { [key: string]: Json } {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8"));
}

function review(plan: unknown, stack = "fixture"): string {
  return renderPlanReview(plan, { stack });
}

/** Counts from the plan's own resource_changes, the way the summary line should report them. */
function expectedCounts(plan: { [key: string]: Json }) {
  const counts = { import: 0, add: 0, change: 0, replace: 0, destroy: 0, forget: 0 };
  for (const rc of (plan.resource_changes ?? []) as { [key: string]: any }[]) {
    if (rc.mode !== "managed") continue;
    if (rc.change.importing) counts.import += 1;
    const actions = rc.change.actions.join(",");
    if (actions === "create") counts.add += 1;
    if (actions === "update") counts.change += 1;
    if (actions === "delete") counts.destroy += 1;
    if (actions === "forget") counts.forget += 1;
    if (actions === "delete,create" || actions === "create,delete" || actions === "create,forget") counts.replace += 1;
  }
  return counts;
}

function summaryCounts(markdown: string) {
  const line = markdown.split("\n").find((l) => l.startsWith("**Plan:") || l.startsWith("**No changes."));
  if (line === undefined) throw new Error(`no summary line in:\n${markdown}`);
  const count = (word: string) => Number(new RegExp(`(\\d+) to ${word}`).exec(line)?.[1] ?? 0);
  return {
    import: count("import"),
    add: count("add"),
    change: count("change"),
    replace: count("replace"),
    destroy: count("destroy"),
    forget: count("forget"),
  };
}

/**
 * Every value the plan marks sensitive, with a setter to swap it: resource before/after with their
 * before_sensitive/after_sensitive trees (nested paths too), output changes and declared-sensitive outputs.
 */
function sensitiveSlots(plan: { [key: string]: any }): { value: Json; replace: (v: Json) => void }[] {
  const slots: { value: Json; replace: (v: Json) => void }[] = [];
  const walk = (holder: any, key: string | number, marks: any) => {
    const value = holder?.[key];
    if (value === undefined || value === null) return;
    if (marks === true) {
      slots.push({ value, replace: (v) => (holder[key] = v) });
    } else if (marks !== null && typeof marks === "object" && typeof value === "object") {
      for (const k of Object.keys(marks)) walk(value, Array.isArray(value) ? Number(k) : k, marks[k]);
    }
  };
  const changes = [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])];
  for (const { change } of changes) {
    walk(change, "before", change.before_sensitive);
    walk(change, "after", change.after_sensitive);
  }
  const declared = { ...plan.configuration?.root_module?.outputs, ...plan.planned_values?.outputs };
  for (const [name, change] of Object.entries<any>(plan.output_changes ?? {})) {
    const isDeclaredSensitive = declared[name]?.sensitive === true;
    walk(change, "before", isDeclaredSensitive || change.before_sensitive);
    walk(change, "after", isDeclaredSensitive || change.after_sensitive);
  }
  return slots;
}

function leaves(value: Json): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === "object") return Object.values(value).flatMap(leaves);
  return [String(value)];
}

describeWithFixtures(`real Terraform plans in ${FIXTURES_DIR}`, () => {
  test("the folder holds the plans this suite expects, valid and invalid", () => {
    expect(validFixtures.length).toBeGreaterThanOrEqual(10);
    expect(existsSync(join(FIXTURES_DIR, INVALID_FIXTURE))).toBe(true);
  });

  // A loop, not describe.each: with the folder absent the list is empty, and describe.each rejects an empty table.
  for (const name of validFixtures)
    describe(name, () => {
      let plan: { [key: string]: Json };
      let markdown: string;
      beforeAll(() => {
        plan = readFixture(name);
        markdown = review(plan);
      });

      test("starts with the hidden marker of the stack", () => {
        expect(markdown.split("\n")[0]).toBe("<!-- miradore-plan-review:fixture -->");
      });

      test("summary counts match the plan's own resource_changes", () => {
        expect(summaryCounts(markdown)).toEqual(expectedCounts(plan));
      });

      test("lists every resource that changes, by address", () => {
        for (const rc of (plan.resource_changes ?? []) as { [key: string]: any }[]) {
          const changes = rc.change.actions.join(",") !== "no-op" || rc.previous_address || rc.change.importing;
          if (changes) expect(markdown).toContain(`\`${rc.address}\``);
        }
      });

      test("prints no value the plan marks sensitive", () => {
        // Sensitive values such as "bar" also occur legitimately ("null_resource.bar"), so each sensitive slot gets
        // a unique canary first: any canary in the output is a sensitive position that was printed.
        const canaried = structuredClone(plan);
        const slots = sensitiveSlots(canaried);
        slots.forEach((slot, i) => slot.replace(`SENSITIVE-CANARY-${i}`));
        const output = review(canaried);
        slots.forEach((_, i) => expect(output).not.toContain(`SENSITIVE-CANARY-${i}`));
        // And the real values, wherever they occur nowhere else in the plan's changes.
        const rest = JSON.stringify({
          ...canaried,
          variables: undefined,
          prior_state: undefined,
          planned_values: undefined,
          configuration: undefined,
        });
        for (const secret of sensitiveSlots(structuredClone(plan)).flatMap((slot) => leaves(slot.value))) {
          if (!rest.includes(secret)) expect(markdown).not.toContain(secret);
        }
      });
    });

  test("the sensitive output of 110_sensitive_values is shown as (sensitive), never its value", () => {
    const plan = readFixture("110_sensitive_values.plan.json");
    const markdown = review(plan);
    const fooLine = markdown.split("\n").find((line) => line.startsWith("- `foo`"));
    expect(fooLine).toBe("- `foo` will be set to _(sensitive)_");
    // Its value is "bar"; the unmarked outputs "list" and "map" do show theirs.
    expect(markdown).toContain('`["foo", "bar"]`');
  });

  test("control: the canary check sees a value that is printed", () => {
    const plan = structuredClone(readFixture("110_sensitive_values.plan.json")) as any;
    plan.output_changes.string.after = "SENSITIVE-CANARY-CONTROL";
    expect(review(plan)).toContain("SENSITIVE-CANARY-CONTROL");
    expect(sensitiveSlots(readFixture("110_sensitive_values.plan.json")).length).toBeGreaterThan(0);
  });

  test("unknown values are shown as (known after apply)", () => {
    const markdown = review(readFixture("110_sensitive_values.plan.json"));
    expect(markdown).toContain("- `interpolated` will be set to _(known after apply)_");
    expect(review(readFixture("action_reason.plan.json"))).toContain(
      '`id`: `"8868159889619753631"` → _(known after apply)_',
    );
  });

  test("a replacement says its order and Terraform's reason", () => {
    const markdown = review(readFixture("action_reason.plan.json"));
    expect(markdown).toContain(
      "`null_resource.example` will be **replaced, destroying the old object before creating the new one**",
    );
    expect(markdown).toContain("Because the object is tainted");
  });

  test("a moved resource names its previous address", () => {
    expect(review(readFixture("moved_block.plan.json"))).toContain(
      "- `random_id.test2`\n  - Moved from `random_id.test`.",
    );
  });

  test("an import names the identity it imports", () => {
    const markdown = review(readFixture("identity.plan.json"));
    expect(markdown).toContain('Imports the existing object with identity `{"email": "a@example.com"}`.');
    expect(markdown).toContain("**Plan: 1 to import, 0 to add, 1 to change, 0 to replace, 0 to destroy.**");
  });

  test("a data source read during apply is listed but not counted", () => {
    const markdown = review(readFixture("basic.plan.json"));
    expect(markdown).toContain("- `data.null_data_source.baz` will be **read during apply**");
    expect(markdown).toContain("**Plan: 7 to add, 0 to change, 0 to replace, 0 to destroy.**");
  });

  test("Terraform actions to invoke are listed and summarized", () => {
    const markdown = review(readFixture("actions.plan.json"));
    expect(markdown).toContain("Actions: 1 to invoke.");
    expect(markdown).toContain("- `action.bufo_print.success` will be invoked");
  });

  test("rejects invalid.plan.json, naming the line and column of the error", () => {
    const text = readFileSync(join(FIXTURES_DIR, INVALID_FIXTURE), "utf8");
    expect(() => review(text)).toThrow(PlanInputError);
    expect(() => review(text)).toThrow(
      /the input is not valid JSON \(.*line \d+, column \d+.*\), but must be the JSON that `terraform show -json <planfile>` prints/,
    );
  });
});

describe("malformed input", () => {
  const minimal = { format_version: "1.2", planned_values: {} };

  test("rejects text that is not JSON", () => {
    expect(() => review("Plan: 1 to add")).toThrow(
      /^the input is not valid JSON \(.+\), but must be the JSON that `terraform show -json <planfile>` prints$/,
    );
  });

  test("rejects text that is not JSON without quoting the text around the error, which could be a secret", () => {
    const text = `{"change": {"before": {"value": "SECRET-NEAR", "next": X-SECRET-AFTER}}}`;
    expect(() => review(text)).toThrow(PlanInputError);
    expect(() => review(text)).not.toThrow(/SECRET/);
  });

  test("rejects empty input", () => {
    expect(() => review("  \n")).toThrow(
      /the input is empty, but must be the JSON that `terraform show -json <planfile>` prints/,
    );
  });

  test("rejects JSON that is not an object", () => {
    expect(() => review("[]")).toThrow(
      "not a Terraform plan (expected the JSON that `terraform show -json <planfile>` prints): the input is [], but must be an object",
    );
  });

  test("rejects a plan without format_version", () => {
    expect(() => review({ planned_values: {} })).toThrow(
      'format_version is missing, but must be a string such as "1.2"',
    );
  });

  test("rejects a format_version of a major version it cannot read", () => {
    expect(() => review({ ...minimal, format_version: "2.0" })).toThrow(
      'format_version is "2.0", but must be a 0.x or 1.x version',
    );
  });

  test("rejects a state file, saying what it probably is", () => {
    expect(() => review({ format_version: "1.0", values: { root_module: {} } })).toThrow(
      /planned_values is missing, but must be an object: every plan has one \(is this a state file\?/,
    );
  });

  test("rejects resource_changes that is not an array", () => {
    expect(() => review({ ...minimal, resource_changes: { "a.b": {} } })).toThrow(
      "resource_changes is an object, but must be an array",
    );
  });

  test("rejects an action list Terraform does not write, naming where it is", () => {
    const plan = {
      ...minimal,
      resource_changes: [{ address: "a.b", mode: "managed", type: "a", change: { actions: ["delete", "delete"] } }],
    };
    expect(() => review(plan)).toThrow(
      /resource_changes\[0\]\.change\.actions is \["delete","delete"\], but must be one of the action lists Terraform writes/,
    );
  });

  test("rejects an unknown action word", () => {
    const plan = {
      ...minimal,
      resource_changes: [{ address: "a.b", mode: "managed", type: "a", change: { actions: ["destroy"] } }],
    };
    expect(() => review(plan)).toThrow(
      'resource_changes[0].change.actions[0] is "destroy", but must be one of "no-op", "create", "read", "update", "delete", "forget"',
    );
  });

  test("lists at most five problems and counts the rest", () => {
    const broken = Array.from({ length: 8 }, () => ({
      address: "a.b",
      mode: "other",
      type: "a",
      change: { actions: ["create"] },
    }));
    expect(() => review({ ...minimal, resource_changes: broken })).toThrow(
      /resource_changes\[4\]\.mode .*; … and 3 more problems$/,
    );
  });

  test("rejects a stack name that could break the marker", () => {
    expect(() => renderPlanReview(minimal, { stack: "prod -->" })).toThrow(PlanReviewOptionsError);
    expect(() => renderPlanReview(minimal, { stack: "prod -->" })).toThrow(
      'stack is "prod -->", but must be 1 to 100 letters, digits',
    );
  });

  test("rejects a size limit above GitHub's comment limit", () => {
    expect(() => renderPlanReview(minimal, { stack: "s", maxChars: 70000 })).toThrow(
      /maxChars is 70000, but must be a whole number from 1000 to 65536/,
    );
  });
});

describe("summary", () => {
  test("says there are no changes when nothing changes", () => {
    const markdown = review({
      format_version: "1.2",
      planned_values: {},
      resource_changes: [
        { address: "a.b", mode: "managed", type: "a", change: { actions: ["no-op"], before: {}, after: {} } },
      ],
    });
    expect(markdown).toBe(
      `${planReviewMarker("fixture")}\n\n### Terraform plan for \`fixture\`\n\n**No changes. Your infrastructure matches the configuration.**\n`,
    );
  });

  test("warns when the plan is incomplete or errored", () => {
    expect(review({ format_version: "1.2", planned_values: {}, complete: false })).toContain("This plan is incomplete");
    expect(review({ format_version: "1.2", planned_values: {}, errored: true })).toContain(
      "**Terraform reported errors while planning**",
    );
  });
});

describe("size limits", () => {
  const creates = (count: number, type = "null_resource") => ({
    format_version: "1.2",
    planned_values: {},
    resource_changes: Array.from({ length: count }, (_, i) => ({
      address: `module.a_rather_long_module_name.${type}.resource_with_a_long_name["key-${String(i).padStart(5, "0")}"]`,
      mode: "managed",
      type,
      change: { actions: ["create"], before: null, after: { name: `n${i}` }, after_unknown: { id: true } },
    })),
  });

  test("lists at most maxChanges changes and counts the rest", () => {
    const markdown = renderPlanReview(creates(60), { stack: "s", maxChanges: 20 });
    expect(markdown.match(/^- `/gm)).toHaveLength(20);
    expect(markdown).toContain("… and 40 more changes not shown here");
    expect(markdown).toContain("**Plan: 60 to add, 0 to change, 0 to replace, 0 to destroy.**");
  });

  test("says loudly when identity-critical changes are among those left out", () => {
    const markdown = renderPlanReview(creates(10, "azuread_app_role_assignment"), { stack: "s", maxChanges: 4 });
    expect(markdown).toContain("… and 6 more changes, **including 6 identity-critical changes** not shown here");
  });

  test("stays within GitHub's comment limit for a very long plan", () => {
    const markdown = review(creates(5000));
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(markdown).toMatch(/… and \d+ more changes not shown here/);
  });

  test("stays within a smaller maxChars, keeping whole lines", () => {
    const markdown = renderPlanReview(creates(200), { stack: "s", maxChars: 3000 });
    expect(markdown.length).toBeLessThanOrEqual(3000);
    expect(markdown).toMatch(/\]` will be \*\*created\*\*\n\n… and \d+ more changes/);
  });
});

describe("CLI", () => {
  let dir: string;
  let cli: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-review-cli-"));
    cli = join(dir, "plan-review.js");
    buildSync({
      entryPoints: [resolve(__dirname, "..", "tools", "plan-review.ts")],
      outfile: cli,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "error",
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8" });
  const plan = JSON.stringify({
    format_version: "1.2",
    planned_values: {},
    resource_changes: [{ address: "a.b", mode: "managed", type: "a", change: { actions: ["create"], after: {} } }],
  });

  test("renders a plan read from stdin", () => {
    const result = run(["--stack", "prod", "-"], plan);
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith("<!-- miradore-plan-review:prod -->\n")).toBe(true);
    expect(result.stdout).toContain("**Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy.**");
  });

  test("fails with exit code 1 and the problem on stderr when the input is not a plan", () => {
    const result = run(["--stack", "prod", "-"], '{"hello": 1}');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("plan-review: stdin: not a Terraform plan");
  });

  (fixtures.available ? test : test.skip)("fails with exit code 1 on invalid.plan.json, naming the file", () => {
    const file = join(FIXTURES_DIR, INVALID_FIXTURE);
    const result = run(["--stack", "prod", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`plan-review: ${file}: the input is not valid JSON`);
  });

  test("fails with exit code 2 and the usage when --stack is missing", () => {
    const result = run(["-"], plan);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "--stack is missing: name the stack the plan is for, such as --stack miradore-example (its folder under cdktf.out/stacks/)\nusage: plan-review [--stack <name>]",
    );
  });

  test("fails with exit code 1 when the plan file does not exist", () => {
    const result = run(["--stack", "prod", join(dir, "missing.json")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*missing\.json: ENOENT/);
  });
});
