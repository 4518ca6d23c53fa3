// Pull request plans and drift checks in shards, without Terraform: ci:shard-plan with a scripted Terraform, the
// pull request comments it feeds, the day's slice of ci:stacks, and the drift report over a week of slices.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { sliceOf } from "../tools/pipeline/shards";
import {
  expectOneLineFailure,
  recordingContext as context,
  stepOutputs,
  synthesizedFleet,
} from "../test-support/pipeline-context";

const fleet = (names: readonly string[]) => synthesizedFleet(names, "sharded-plans-");

/** A change to the app's display name, as `terraform show -json` writes it: planned, or found by a refresh. */
const CHANGE = {
  address: "azuread_application.miradore",
  mode: "managed",
  type: "azuread_application",
  name: "miradore",
  provider_name: "registry.terraform.io/hashicorp/azuread",
  change: { actions: ["update"], before: { display_name: "Miradore" }, after: { display_name: "Miradore (old)" } },
};
const plan = (changed: boolean) =>
  JSON.stringify({
    format_version: "1.2",
    planned_values: {},
    ...(changed ? { resource_changes: [CHANGE], resource_drift: [CHANGE] } : {}),
  });

describe("ci:shard-plan with a scripted Terraform", () => {
  // Terraform stand-in: init succeeds without a lock only; a stack named *-changed has a change (planned and found by
  // a refresh); in one named *-bad the plan fails. Each plan notes how many plans run at that moment.
  const script = (dir: string) => `#!/bin/sh
case "$1" in
  init) case "$*" in *-lock=false*) exit 0 ;; esac ; echo "init without -lock=false" >&2 ; exit 9 ;;
  plan)
    case "$*" in *-lock=false*) ;; *) echo "plan without -lock=false" >&2 ; exit 9 ;; esac
    mkdir "${dir}/running/$$"
    ls "${dir}/running" | wc -l >> "${dir}/concurrency"
    sleep 0.2
    rmdir "${dir}/running/$$"
    case "$*" in *-refresh-only*) echo refresh-only >> "${dir}/modes" ;; *) echo normal >> "${dir}/modes" ;; esac
    case "$PWD" in *-bad) echo "Error: Retrieving application: 403 Forbidden" >&2 ; exit 1 ;; esac
    exit 0 ;;
  show)
    # Without a plan file: the state, which holds no application yet (the credentials check needs no Graph then).
    case "$*" in *tfplan*) ;; *) echo '{"format_version":"1.0"}' ; exit 0 ;; esac
    case "$PWD" in *-changed) echo '${plan(true)}' ;; *) echo '${plan(false)}' ;; esac
    exit 0 ;;
esac
echo "unexpected: $*" >&2
exit 9
`;
  const names = ["miradore-a", "miradore-b-changed", "miradore-c-bad", "miradore-d"];
  const setUp = () => {
    const dir = fleet(names);
    mkdirSync(join(dir, "running"));
    writeFileSync(join(dir, "terraform"), script(dir), { mode: 0o755 });
    const summary = join(dir, "summary.md");
    return {
      dir,
      summary,
      ...context(dir, {
        PATH: process.env.PATH,
        MIRADORE_TERRAFORM: join(dir, "terraform"),
        GITHUB_STEP_SUMMARY: summary,
      }),
    };
  };

  test("plans every stack without a lock, at most --parallel at once, writes each review, and a failure stops none", async () => {
    const { dir, summary, ctx, err } = setUp();
    const args = ["shard-plan", "--stacks", names.join(","), "--parallel", "2", "--reviews-dir", "reviews"];
    expect(await runPipeline(args, ctx)).toBe(1);
    expect(err.join("")).toContain("1 of 4 stacks could not be planned: miradore-c-bad");
    expect(readdirSync(join(dir, "reviews")).sort()).toEqual([
      "miradore-a.checked.json",
      "miradore-a.md",
      "miradore-b-changed.checked.json",
      "miradore-b-changed.md",
      "miradore-d.checked.json",
      "miradore-d.md",
    ]);
    expect(JSON.parse(readFileSync(join(dir, "reviews", "miradore-b-changed.checked.json"), "utf8"))).toEqual({
      stack: "miradore-b-changed",
      changes: true,
    });
    expect(JSON.parse(readFileSync(join(dir, "reviews", "miradore-a.checked.json"), "utf8")).changes).toBe(false);
    const review = readFileSync(join(dir, "reviews", "miradore-b-changed.md"), "utf8");
    expect(review).toContain("miradore-b-changed");
    expect(review).toContain("azuread_application.miradore");
    const seen = readFileSync(join(dir, "concurrency"), "utf8").trim().split("\n").map(Number);
    expect(seen).toHaveLength(4);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(readFileSync(join(dir, "modes"), "utf8").trim().split("\n")).toEqual(Array(4).fill("normal"));
    const table = readFileSync(summary, "utf8");
    expect(table).toContain("| `miradore-b-changed` | changes |  |");
    expect(table).toContain("| `miradore-c-bad` | failed | ");
  });

  test("--refresh-only writes a review only for a stack changed outside Terraform; --credentials checks each", async () => {
    const { dir, ctx, out } = setUp();
    const args = [
      "shard-plan",
      "--stacks",
      "miradore-a,miradore-b-changed",
      "--refresh-only",
      "--credentials",
      "--reviews-dir",
      "drift",
    ];
    expect(await runPipeline(args, ctx)).toBe(0);
    expect(out.join("")).toContain("[miradore-a] miradore-a: no application in the state yet; no credentials to check");
    expect(readdirSync(join(dir, "drift")).sort()).toEqual([
      "miradore-a.checked.json",
      "miradore-b-changed.checked.json",
      "miradore-b-changed.md",
    ]);
    expect(readFileSync(join(dir, "modes"), "utf8").trim().split("\n")).toEqual(["refresh-only", "refresh-only"]);
  });

  test("makes the shared plugin cache's folder, which Terraform would not make and without which it caches nothing", async () => {
    const { dir, ctx } = setUp();
    ctx.env.TF_PLUGIN_CACHE_DIR = "plugins";
    await runPipeline(["shard-plan", "--stacks", "miradore-a", "--reviews-dir", "reviews"], ctx);
    expect(existsSync(join(dir, "plugins"))).toBe(true);
  });

  test("ci:comment --reviews-dir posts the changed stacks' reviews and skips the unchanged ones", async () => {
    const { dir, ctx } = setUp();
    await runPipeline(["shard-plan", "--stacks", names.join(","), "--reviews-dir", "reviews"], ctx);
    const posted: string[] = [];
    let lists = 0;
    const fetch: CommandContext["fetch"] = (_url, init) => {
      if (init?.method === "GET") lists++;
      if (init?.method === "POST") posted.push((JSON.parse(String(init.body)) as { body: string }).body);
      return Promise.resolve(new Response(init?.method === "GET" ? "[]" : "{}", { status: 200 }));
    };
    const gh = context(dir, { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "contoso/miradore-entra" }, fetch);
    expect(await runPipeline(["comment", "--pr", "7", "--reviews-dir", "reviews"], gh.ctx)).toBe(0);
    expect(posted).toHaveLength(1);
    // Three stacks' reviews, one listing of the pull request's comments.
    expect(lists).toBe(1);
    expect(posted[0]).toContain("miradore-b-changed");
    expect(gh.out.join("")).toContain("miradore-a: plan review comment skipped");
    expect(gh.out.join("")).not.toContain("miradore-c-bad");
  });
});

describe("ci:stacks --slice today/7", () => {
  const names = Array.from({ length: 60 }, (_, i) => `miradore-${i}`);

  test("takes the day's seventh of a fleet above --slice-above, and covers it in a week", async () => {
    const dir = fleet(names);
    const seen: string[] = [];
    for (let day = 0; day < 7; day++) {
      const now = new Date(Date.UTC(2026, 4, 10 + day, 6, 43)).toISOString();
      const out = join(dir, `out-${day}`);
      const { ctx } = context(dir, { GITHUB_OUTPUT: out });
      const args = ["stacks", "--shard-size", "50", "--slice", "today/7", "--slice-above", "50", "--now", now];
      expect(await runPipeline(args, ctx)).toBe(0);
      const today = JSON.parse(stepOutputs(out).stacks!) as string[];
      expect([...today].sort()).toEqual(sliceOf(names, Math.floor(Date.parse(now) / 86_400_000) % 7, 7).sort());
      seen.push(...today);
    }
    expect(seen.sort()).toEqual([...names].sort());
  });

  test("checks a fleet of at most --slice-above stacks whole every day", async () => {
    const dir = fleet(names.slice(0, 50));
    const { ctx } = context(dir, { GITHUB_OUTPUT: join(dir, "out") });
    const args = ["stacks", "--shard-size", "50", "--slice", "today/7", "--slice-above", "50"];
    expect(await runPipeline(args, ctx)).toBe(0);
    expect(JSON.parse(stepOutputs(join(dir, "out")).stacks!)).toHaveLength(50);
  });
});

describe("ci:drift-report --record", () => {
  const names = ["miradore-a", "miradore-b", "miradore-c"];
  /** One day's drift run: the stacks checked (with their drift review, if any), then the report over the record. */
  const day = async (dir: string, checked: Record<string, string | undefined>, n: number) => {
    const reviews = join(dir, `drift-${n}`);
    mkdirSync(reviews);
    for (const [stack, review] of Object.entries(checked)) {
      writeFileSync(join(reviews, `${stack}.checked.json`), JSON.stringify({ stack, changes: review !== undefined }));
      if (review !== undefined) writeFileSync(join(reviews, `${stack}.md`), review);
    }
    const out = join(dir, `out-${n}`);
    const { ctx } = context(dir, { GITHUB_OUTPUT: out });
    const args = ["drift-report", "--dir", reviews, "--record", "drift-record.json", "--out-file", `body-${n}.md`];
    expect(await runPipeline(args, ctx)).toBe(0);
    return { state: stepOutputs(out).state, body: readFileSync(join(dir, `body-${n}.md`), "utf8") };
  };

  test("keeps a stack's drift until it is checked clean, and closes only when every stack was checked", async () => {
    const dir = fleet(names);
    // Day 1: a drifts; b and c not checked yet, and nothing is known of them.
    const first = await day(dir, { "miradore-a": "a's display name changed" }, 1);
    expect(first.state).toBe("open");
    expect(first.body).toContain("a's display name changed");
    // Day 2: b is clean; a, not checked today, still drifts as last seen.
    const second = await day(dir, { "miradore-b": undefined }, 2);
    expect(second.state).toBe("open");
    expect(second.body).toContain("a's display name changed");
    expect(second.body).toContain("This run checked 1 of 3 stacks");
    // Day 3: a is clean now, but c has never been checked: the issue is left as it is.
    const third = await day(dir, { "miradore-a": undefined }, 3);
    expect(third.state).toBe("keep");
    expect(third.body).toContain("`miradore-c`");
    // Day 4: c is clean: every stack has been checked and none drifts.
    expect((await day(dir, { "miradore-c": undefined }, 4)).state).toBe("closed");
    // A stack whose check failed (no .checked.json) keeps its last result, whatever files it left.
    mkdirSync(join(dir, "drift-5"));
    writeFileSync(join(dir, "drift-5", "miradore-b.md"), "half a review");
    const { ctx } = context(dir, { GITHUB_OUTPUT: join(dir, "out-5") });
    const args = ["drift-report", "--dir", "drift-5", "--record", "drift-record.json", "--out-file", "body-5.md"];
    expect(await runPipeline(args, ctx)).toBe(0);
    expect(stepOutputs(join(dir, "out-5")).state).toBe("closed");
    expect(readFileSync(join(dir, "body-5.md"), "utf8")).not.toContain("half a review");
  });

  test("a record that is not usable counts every stack not checked today as never checked", async () => {
    const dir = fleet(names);
    writeFileSync(join(dir, "drift-record.json"), "{");
    const result = await day(dir, { "miradore-a": undefined, "miradore-b": undefined }, 1);
    expect(result.state).toBe("keep");
    // The record is written anew, with today's checks and without a stack that left the fleet.
    const record = JSON.parse(readFileSync(join(dir, "drift-record.json"), "utf8")) as { stacks: object };
    expect(Object.keys(record.stacks).sort()).toEqual(["miradore-a", "miradore-b"]);
    expect(existsSync(join(dir, "body-1.md"))).toBe(true);
  });
});

test.each([
  [["shard-plan", "--reviews-dir", "r"], "pipeline shard-plan: shard-plan: --stacks is missing"],
  [["shard-plan", "--stacks", "miradore-a"], "shard-plan: --reviews-dir is missing"],
  [
    ["shard-plan", "--stacks", "miradore-a", "--reviews-dir", "r", "--parallel", "x"],
    '--parallel is "x", but must be a whole number of at least 1',
  ],
  [["shard-plan", "--stacks", "miradore-x", "--reviews-dir", "r"], '--stack is "miradore-x", but'],
  [["stacks", "--slice", "tomorrow/7"], '--slice is "tomorrow/7", but must be <index>/<count>'],
  [["stacks", "--slice", "today/7", "--slice-above", "x"], '--slice-above is "x", but must be a whole number'],
  [["comment", "--pr", "7"], "comment: --body-file is missing"],
])("%j fails with one line: %s", (args, message) => expectOneLineFailure(args, message));

test("ci:comment --reviews-dir names a note that is not JSON", async () => {
  const dir = fleet(["miradore-a"]);
  mkdirSync(join(dir, "reviews"));
  writeFileSync(join(dir, "reviews", "miradore-a.checked.json"), "{");
  const { ctx, err } = context(dir, { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "contoso/miradore-entra" });
  expect(await runPipeline(["comment", "--pr", "7", "--reviews-dir", "reviews"], ctx)).toBe(1);
  expect(err.join("")).toMatch(/miradore-a\.checked\.json is not JSON/);
});
