// Shards and the fleet record, without Terraform: how stacks are grouped, which ones the scheduled run leaves out and
// what it writes for them, and how a run's results become the next run's record.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import { parseFleetRecord } from "../tools/pipeline/fleet-record";
import { shardStacks, sliceOf, slotOf } from "../tools/pipeline/shards";
import {
  expectOneLineFailure,
  recordingContext as context,
  stepOutputs,
  synthesizedFleet,
} from "../test-support/pipeline-context";

const fleet = (names: readonly string[]) => synthesizedFleet(names, "fleet-shards-");

const NOW = "2026-05-10T05:17:00Z";
/** ci:fleet-record from record.json and the results folder into next.json, as the record tests run it. */
const RECORD_ARGS = [
  ...["fleet-record", "--record", "record.json", "--results-dir", "results", "--out-file", "next.json"],
  ...["--now", NOW],
];

const quietOutputs = {
  next_rotation_date: "2026-06-20T08:00:00Z",
  handoff_deadline: "2026-04-30T08:00:00Z",
  client_secret_end_date: "2026-10-01T08:00:00Z",
};

describe("shards", () => {
  test("keep the order and never exceed the size", () => {
    const names = Array.from({ length: 7 }, (_, i) => `s${i}`);
    expect(shardStacks(names, 3)).toEqual([
      { name: "shard-1-of-3", stacks: "s0,s1,s2" },
      { name: "shard-2-of-3", stacks: "s3,s4,s5" },
      { name: "shard-3-of-3", stacks: "s6" },
    ]);
  });

  test("grow when the matrix would hold more than 256 jobs", () => {
    const names = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    const shards = shardStacks(names, 10);
    expect(shards.length).toBeLessThanOrEqual(256);
    expect(shards.flatMap((s) => s.stacks.split(","))).toEqual(names);
  });

  test("no due stack makes no shard", () => {
    expect(shardStacks([], 50)).toEqual([]);
  });

  test("seven slices cover every stack once, and adding a stack moves no other", () => {
    const names = Array.from({ length: 700 }, (_, i) => `miradore-${i}`);
    const slices = Array.from({ length: 7 }, (_, day) => sliceOf(names, day, 7));
    expect(slices.flat().sort()).toEqual([...names].sort());
    for (const slice of slices) expect(slice.length).toBeGreaterThan(60);
    const more = Array.from({ length: 7 }, (_, day) => sliceOf([...names, "miradore-new"], day, 7));
    for (const [day, slice] of slices.entries()) expect(more[day]!.filter((n) => n !== "miradore-new")).toEqual(slice);
  });
});

describe("ci:stacks with the fleet record", () => {
  test("shards only the due stacks, and writes the others' result and recorded outputs", async () => {
    const dir = fleet(["miradore-a", "miradore-b", "miradore-c"]);
    const hash = (name: string) => createHash("sha256").update(JSON.stringify({ name })).digest("hex");
    const record = {
      version: 1,
      writtenAt: "2026-05-09T05:30:00Z",
      stacks: {
        "miradore-a": {
          lastResult: "unchanged",
          lastAppliedAt: "2026-05-09T05:20:00Z",
          configHash: hash("miradore-a"),
          outputs: quietOutputs,
        },
        "miradore-b": {
          lastResult: "failed",
          lastAppliedAt: "2026-05-09T05:20:00Z",
          configHash: hash("miradore-b"),
          outputs: quietOutputs,
        },
      },
    };
    writeFileSync(join(dir, "record.json"), JSON.stringify(record));
    const { ctx, out } = context(dir, { GITHUB_OUTPUT: join(dir, "out") });
    // A day that is not miradore-a's sweep day.
    const now = [NOW, "2026-05-11T05:17:00Z"].find(
      (t) => Math.floor(Date.parse(t) / 86_400_000) % 7 !== slotOf("miradore-a", 7),
    )!;
    const args = ["stacks", "--shard-size", "50", "--record", "record.json", "--skipped-dir", "skipped", "--now", now];
    expect(await runPipeline(args, ctx)).toBe(0);
    const outputs = stepOutputs(join(dir, "out"));
    expect(JSON.parse(outputs.shards!)).toEqual([{ name: "shard-1-of-1", stacks: "miradore-b,miradore-c" }]);
    expect(JSON.parse(outputs.stacks!)).toEqual(["miradore-a", "miradore-b", "miradore-c"]);
    expect(outputs["due-count"]).toBe("2");
    expect(out.join("")).toContain("miradore-b: due: the last run failed");
    expect(out.join("")).toContain("miradore-c: due: no record of an earlier run");
    expect(readdirSync(join(dir, "skipped")).sort()).toEqual(["miradore-a.json", "miradore-a.result.json"]);
    expect(JSON.parse(readFileSync(join(dir, "skipped", "miradore-a.result.json"), "utf8"))).toMatchObject({
      stack: "miradore-a",
      result: "unchanged",
      selection: { due: false, reason: expect.stringMatching(/^nothing due before/) },
    });
    expect(JSON.parse(readFileSync(join(dir, "skipped", "miradore-a.json"), "utf8"))).toEqual({
      "miradore-a": quietOutputs,
    });
  });

  test.each([
    ["missing", undefined],
    ["not JSON", "{"],
    ["of another version", JSON.stringify({ version: 2, writtenAt: NOW, stacks: {} })],
  ])("applies every stack when the record is %s", async (_, text) => {
    const dir = fleet(["miradore-a", "miradore-b"]);
    if (text !== undefined) writeFileSync(join(dir, "record.json"), text);
    const { ctx, out } = context(dir, { GITHUB_OUTPUT: join(dir, "out") });
    const args = ["stacks", "--shard-size", "1", "--record", "record.json", "--skipped-dir", "skipped", "--now", NOW];
    expect(await runPipeline(args, ctx)).toBe(0);
    expect(stepOutputs(join(dir, "out"))["due-count"]).toBe("2");
    expect(out.join("")).toMatch(/every stack is applied/);
  });
});

describe("ci:fleet-record", () => {
  test("records applied stacks with their configuration, carries skipped ones over, and marks silent ones missing", async () => {
    const dir = fleet(["miradore-a", "miradore-b", "miradore-c"]);
    const before = {
      version: 1,
      writtenAt: "2026-05-09T05:30:00Z",
      stacks: {
        "miradore-a": {
          lastResult: "unchanged",
          lastAppliedAt: "2026-05-09T05:20:00Z",
          configHash: "0".repeat(64),
          outputs: quietOutputs,
        },
        "miradore-gone": { lastResult: "applied", lastAppliedAt: "2026-05-01T05:20:00Z" },
      },
    };
    writeFileSync(join(dir, "record.json"), JSON.stringify(before));
    const results = join(dir, "results");
    mkdirSync(results);
    const write = (file: string, json: unknown) => writeFileSync(join(results, file), JSON.stringify(json));
    write("miradore-a.result.json", {
      stack: "miradore-a",
      result: "unchanged",
      at: NOW,
      reasons: [],
      selection: { due: false, reason: "nothing due" },
    });
    write("miradore-a.json", { "miradore-a": quietOutputs });
    write("miradore-b.result.json", { stack: "miradore-b", result: "applied", at: NOW, reasons: [] });
    write("miradore-b.json", { "miradore-b": { ...quietOutputs, next_rotation_date: "2026-08-01T00:00:00Z" } });
    const { ctx } = context(dir);
    expect(await runPipeline(RECORD_ARGS, ctx)).toBe(0);
    const { record, problem } = parseFleetRecord(readFileSync(join(dir, "next.json"), "utf8"));
    expect(problem).toBeUndefined();
    expect(Object.keys(record.stacks).sort()).toEqual(["miradore-a", "miradore-b", "miradore-c"]);
    // Not due: nothing changes but the outputs, so its old configuration hash still makes a changed config due.
    expect(record.stacks["miradore-a"]).toEqual(before.stacks["miradore-a"]);
    expect(record.stacks["miradore-b"]).toMatchObject({
      lastResult: "applied",
      lastAppliedAt: NOW,
      configHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      outputs: { next_rotation_date: "2026-08-01T00:00:00Z" },
    });
    expect(record.stacks["miradore-c"]).toMatchObject({ lastResult: "missing" });
  });

  test("a failed stack keeps the time and configuration of its last good apply", async () => {
    const dir = fleet(["miradore-a"]);
    const before = {
      version: 1,
      writtenAt: "2026-05-09T05:30:00Z",
      stacks: {
        "miradore-a": { lastResult: "applied", lastAppliedAt: "2026-05-09T05:20:00Z", configHash: "0".repeat(64) },
      },
    };
    writeFileSync(join(dir, "record.json"), JSON.stringify(before));
    mkdirSync(join(dir, "results"));
    writeFileSync(
      join(dir, "results", "miradore-a.result.json"),
      JSON.stringify({
        stack: "miradore-a",
        result: "failed",
        at: NOW,
        reasons: ["stack miradore-a: terraform plan failed: 403"],
      }),
    );
    const { ctx } = context(dir);
    expect(await runPipeline(RECORD_ARGS, ctx)).toBe(0);
    const { record } = parseFleetRecord(readFileSync(join(dir, "next.json"), "utf8"));
    expect(record.stacks["miradore-a"]).toEqual({
      lastResult: "failed",
      lastReasons: ["stack miradore-a: terraform plan failed: 403"],
      lastRunAt: NOW,
      lastAppliedAt: "2026-05-09T05:20:00Z",
      configHash: "0".repeat(64),
    });
  });
});

describe("ci:shard with a scripted Terraform", () => {
  // Terraform stand-in: init and output succeed; plan finds no changes, except in a stack named *-bad, where it fails.
  // Each plan notes how many plans run at that moment.
  const script = (dir: string) => `#!/bin/sh
case "$1" in
  init) exit 0 ;;
  output) echo '{}' ; exit 0 ;;
  plan)
    mkdir "${dir}/running/$$"
    ls "${dir}/running" | wc -l >> "${dir}/concurrency"
    sleep 0.2
    rmdir "${dir}/running/$$"
    case "$PWD" in *-bad) echo "Error: Retrieving application: 403 Forbidden" >&2 ; exit 1 ;; esac
    exit 0 ;;
esac
echo "unexpected: $*" >&2
exit 9
`;

  test("runs every stack, at most --parallel at once, and a failure stops none of the others", async () => {
    const names = ["miradore-a", "miradore-b", "miradore-c-bad", "miradore-d", "miradore-e"];
    const dir = fleet(names);
    mkdirSync(join(dir, "running"));
    writeFileSync(join(dir, "terraform"), script(dir), { mode: 0o755 });
    const summary = join(dir, "summary.md");
    const { ctx, err } = context(dir, {
      PATH: process.env.PATH,
      MIRADORE_TERRAFORM: join(dir, "terraform"),
      MIRADORE_APPLY_ATTEMPTS: "1",
      GITHUB_STEP_SUMMARY: summary,
    });
    // miradore-a twice: run once.
    const args = [
      "shard",
      "--stacks",
      `${names.join(",")},miradore-a`,
      "--parallel",
      "2",
      "--results-dir",
      "results",
      "--now",
      NOW,
    ];
    expect(await runPipeline(args, ctx)).toBe(1);
    expect(err.join("")).toContain("1 of 5 stacks failed: miradore-c-bad");
    const results = Object.fromEntries(
      names.map((n) => [n, JSON.parse(readFileSync(join(dir, "results", `${n}.result.json`), "utf8")).result]),
    );
    expect(results).toEqual({
      "miradore-a": "unchanged",
      "miradore-b": "unchanged",
      "miradore-c-bad": "failed",
      "miradore-d": "unchanged",
      "miradore-e": "unchanged",
    });
    for (const n of names)
      expect(JSON.parse(readFileSync(join(dir, "results", `${n}.json`), "utf8"))).toEqual({ [n]: {} });
    const seen = readFileSync(join(dir, "concurrency"), "utf8").trim().split("\n").map(Number);
    expect(seen).toHaveLength(5);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    const table = readFileSync(summary, "utf8");
    expect(table).toContain("| `miradore-c-bad` | failed | stack miradore-c-bad: terraform plan failed");
    expect(table).toContain("| `miradore-e` | unchanged |  |");
  });

  test("rejects a stack that was not synthesized before running any", async () => {
    const dir = fleet(["miradore-a"]);
    const { ctx, err } = context(dir);
    expect(await runPipeline(["shard", "--stacks", "miradore-a,miradore-x", "--results-dir", "r"], ctx)).toBe(1);
    expect(err.join("")).toMatch(/--stack is "miradore-x", but .* has no such stack/);
  });
});

test.each([
  [["shard", "--results-dir", "r"], "pipeline shard: shard: --stacks is missing"],
  [
    ["shard", "--stacks", "miradore-a", "--results-dir", "r", "--parallel", "0"],
    '--parallel is "0", but must be a whole number of at least 1',
  ],
  [["stacks", "--shard-size", "0"], '--shard-size is "0", but must be a whole number of at least 1'],
  [["stacks", "--shard-size", "5", "--record", "record.json"], "--record needs --skipped-dir"],
  [["stacks", "--shard-size", "5", "--slice", "7/7"], '--slice is "7/7", but must be <index>/<count>'],
  [
    ["stacks", "--shard-size", "5", "--record", "r.json", "--skipped-dir", "s", "--sign-ins", "true"],
    'stacks: --sign-ins is "true", but must be "on" (read the sign-in logs) or empty (off)',
  ],
  [["fleet-record", "--out-file", "x.json"], "fleet-record: --results-dir is missing"],
  [
    ["fleet-record", "--results-dir", "r", "--out-file", "x.json", "--expected-stacks", "miradore-a"],
    "must be a JSON list of stack names",
  ],
])("%j fails with one line: %s", (args, message) => expectOneLineFailure(args, message));
