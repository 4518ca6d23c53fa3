// The sharded, due-only rotation run through Terraform and the provider doubles: two sites (each in its own tenant,
// rotating every 10 days so a quarter holds several rotations) in one shard, run daily for a simulated quarter as rotation.yml runs them: ci:stacks picks the
// due stacks from the fleet record, ci:shard applies them, ci:fleet-record keeps what the next day reads, and the
// notice is made from every stack's result. One site's state file is cut off for two weeks (a killed Terraform), so
// its shard fails while the other stack in it still runs. Every rotation must happen at the first run after it falls
// due, every new secret must be in that day's notice, and most stacks must be left alone on most days. The same
// selection over 1000 sites, without Terraform, is fleet-rehearsal.test.ts.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { parseFleetRecord, type FleetRecord } from "../tools/pipeline/fleet-record";
import { describeWithTerraform, ProviderDoubles, synthesizeWithNpm } from "../test-support/terraform-harness";
import { noticeStep } from "../test-support/notice-step";

const T0 = new Date("2026-03-02T05:17:00Z");
const DAY_MS = 86_400_000;
const DAYS = 91;
const STACKS = ["miradore-east", "miradore-west"] as const;
const BROKEN = "miradore-west";
const BROKEN_FROM_DAY = 20;
const REPAIRED_ON_DAY = 34;
const LIMIT_MS = 600_000;

interface Day {
  readonly day: number;
  readonly now: string;
  readonly due: string[];
  readonly shardCodes: number[];
  readonly record: FleetRecord;
  readonly notice: string;
  readonly summary: string;
}

describeWithTerraform("a sharded fleet applies only what is due, through Terraform, for a quarter", () => {
  let work: string;
  let doubles: ProviderDoubles;
  const days: Day[] = [];
  const recordBefore: FleetRecord[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "fleet-rehearsal-"));
    const quick =
      "    secret:\n      lifetimeDays: 40\n      rotationIntervalDays: 10\n      handoffDays: 5\n      maxRunGapDays: 5\n";
    writeFileSync(
      join(work, "miradore.config.yaml"),
      "sites:\n" +
        `  - name: east\n    displayName: Miradore east\n    tenantId: 1a1a1a1a-1111-4222-8333-444455556666\n${quick}` +
        `  - name: west\n    displayName: Miradore west\n    tenantId: 3c3c3c3c-1111-4222-8333-444455556666\n${quick}`,
    );
    synthesizeWithNpm(join(work, "miradore.config.yaml"), join(work, "cdktf.out"));
    doubles = await ProviderDoubles.start({ now: T0 });
    const outDir = join(work, "cdktf.out");
    const record = join(work, "fleet-record.json");
    let brokenState: string | undefined;

    for (let day = 0; day < DAYS; day++) {
      const now = new Date(T0.getTime() + day * DAY_MS).toISOString();
      doubles.setClock(new Date(now));
      const dir = join(work, `day-${day}`);
      const results = join(dir, "results");
      mkdirSync(results, { recursive: true });
      if (day === BROKEN_FROM_DAY) brokenState = cutOffState(outDir, dir);
      if (day === REPAIRED_ON_DAY) copyFileSync(`${brokenState!}.saved`, brokenState!);
      recordBefore.push(parseFleetRecord(readOrUndefined(record)).record);

      const githubOutput = join(dir, "github-output");
      const summary = join(dir, "summary.md");
      const ctx = contextFor({ GITHUB_OUTPUT: githubOutput, GITHUB_STEP_SUMMARY: summary });
      const stacksArgs = [
        "stacks",
        "--out-dir",
        outDir,
        "--shard-size",
        "2",
        "--record",
        record,
        "--skipped-dir",
        results,
        "--now",
        now,
      ];
      expect(await runPipeline(stacksArgs, ctx)).toBe(0);
      const outputs = stepOutputs(githubOutput);
      const shards = JSON.parse(outputs.shards!) as { name: string; stacks: string }[];
      const shardCodes: number[] = [];
      for (const shard of shards) {
        // One stack at a time: the doubles' long-lived process serves every Terraform run with one provider
        // configuration, so two tenants' runs at once would mix. Parallel runs are tested with a scripted Terraform
        // (fleet-shards.test.ts).
        const args = [
          "shard",
          "--stacks",
          shard.stacks,
          "--parallel",
          "1",
          "--out-dir",
          outDir,
          "--results-dir",
          results,
          "--now",
          now,
        ];
        shardCodes.push(await runPipeline(args, ctx));
      }
      const recordArgs = [
        "fleet-record",
        "--record",
        record,
        "--results-dir",
        results,
        "--expected-stacks",
        outputs.stacks!,
        "--out-dir",
        outDir,
        "--out-file",
        record,
        "--now",
        now,
      ];
      expect(await runPipeline(recordArgs, ctx)).toBe(0);

      const { markdown } = await noticeStep(ctx, {
        resultsDir: results,
        runDir: dir,
        now: new Date(now),
        expectedStacks: outputs.stacks!,
      });
      days.push({
        day,
        now,
        due: shards.flatMap((s) => s.stacks.split(",")),
        shardCodes,
        record: parseFleetRecord(readFileSync(record, "utf8")).record,
        notice: markdown,
        summary: readOrUndefined(summary) ?? "",
      });
    }
  }, LIMIT_MS);

  afterAll(async () => {
    await doubles?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function contextFor(extra: Record<string, string>): CommandContext {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("MIRADORE_") && !k.startsWith("GITHUB_")),
    );
    return {
      env: { ...inherited, ...doubles.env(), MIRADORE_RETRY_BASE_MS: "0", ...extra },
      cwd: work,
      stdout: () => undefined,
      stderr: () => undefined,
      fetch: () => Promise.reject(new Error("no network")),
    };
  }

  /** Whether the stack's run failed that day (the broken state file). */
  const failedOn = (d: Day, stack: string) =>
    d.record.stacks[stack]?.lastResult === "failed" && d.record.stacks[stack]?.lastRunAt === d.now;
  const outputsOn = (record: FleetRecord, stack: string) => record.stacks[stack]?.outputs ?? {};

  test("every rotation happens at the first run after it falls due, and nothing rotates early", () => {
    let rotations = 0;
    for (const d of days.slice(1)) {
      for (const stack of STACKS) {
        // A failed run changes nothing; a held rotation waits for the handoff (the guard's rule, tested elsewhere).
        if (failedOn(d, stack) || d.record.stacks[stack]?.lastResult === "held") continue;
        const before = outputsOn(recordBefore[d.day]!, stack);
        const after = outputsOn(d.record, stack);
        // A rotation that fell due while the stack was broken happens on the first day it applies again.
        const wasDue = Date.parse(String(before.next_rotation_date)) < Date.parse(d.now);
        if (wasDue) rotations++;
        const expectedStart = wasDue ? d.now : before.client_secret_start_date;
        expect([d.day, stack, Date.parse(String(after.client_secret_start_date))]).toEqual([
          d.day,
          stack,
          Date.parse(String(expectedStart)),
        ]);
      }
    }
    expect(rotations).toBeGreaterThanOrEqual(8);
  });

  test("every new secret is in that day's notice, and so is every held rotation", () => {
    let seen = 0;
    for (const d of days.slice(1)) {
      for (const stack of STACKS) {
        const after = outputsOn(d.record, stack);
        if (after.client_secret_start_date !== outputsOn(recordBefore[d.day]!, stack).client_secret_start_date) {
          const block = d.notice.split("\n### ").find((b) => b.startsWith(`\`${stack}\``)) ?? "";
          expect([d.day, stack, block]).toEqual([
            d.day,
            stack,
            expect.stringContaining(String(after.client_secret_key_id)),
          ]);
          expect(block).toContain("paste");
          seen++;
        }
        if (d.record.stacks[stack]?.lastResult === "held")
          expect(d.notice).toContain(`### \`${stack}\`: a rotation is held`);
      }
    }
    expect(seen).toBeGreaterThanOrEqual(8);
  });

  test("a failing stack never stops the other stack of its shard, and the notice and summary say why", () => {
    const failing = days.filter((d) => failedOn(d, BROKEN));
    expect(failing.length).toBeGreaterThan(5);
    for (const { day, due, shardCodes, notice, summary } of failing) {
      expect(day).toBeGreaterThanOrEqual(BROKEN_FROM_DAY);
      expect(day).toBeLessThan(REPAIRED_ON_DAY);
      expect(shardCodes).toContain(1);
      expect(notice).toContain(`### \`${BROKEN}\`: the pipeline could not apply it`);
      expect(notice).toMatch(/The last run failed: stack miradore-west: terraform init failed: .*is cut off/);
      expect(summary).toMatch(/\| `miradore-west` \| failed \| stack miradore-west: terraform init failed/);
      for (const other of due.filter((s) => s !== BROKEN))
        expect(summary).toMatch(new RegExp(`\\| \`${other}\` \\| (applied|unchanged) \\|`));
    }
    // Every day after the first failure until the repair, the broken stack is due again.
    const firstFailure = failing[0]!.day;
    expect(failing.map((d) => d.day)).toEqual(
      Array.from({ length: REPAIRED_ON_DAY - firstFailure }, (_, i) => firstFailure + i),
    );
    const repaired = days.find((d) => d.day === REPAIRED_ON_DAY)!;
    expect(repaired.record.stacks[BROKEN]?.lastResult).not.toBe("failed");
    expect(repaired.notice).not.toContain("could not apply it");
    for (const d of days) if (!failedOn(d, BROKEN)) expect(d.notice).not.toContain("could not apply it");
  });

  test("stacks with nothing due are left alone, and every stack is applied at least weekly", () => {
    // A 10-day rotation (due, then its handoff ending) and two weeks of failures keep these two busy; at 60 days and
    // without failures, three quarters of the stacks are left alone on a day (fleet-rehearsal.test.ts).
    const planned = days.slice(1).reduce((sum, d) => sum + d.due.length, 0);
    expect(planned).toBeLessThan(STACKS.length * (DAYS - 1) * 0.75);
    expect(days.filter((d) => d.due.length === 0).length).toBeGreaterThan(10);
    expect(days[0]!.due).toEqual([...STACKS]);
    for (const stack of STACKS) {
      const applied = days.filter((d) => d.due.includes(stack)).map((d) => d.day);
      for (let i = 1; i < applied.length; i++) expect(applied[i]! - applied[i - 1]!).toBeLessThanOrEqual(7);
      expect(applied.at(-1)).toBeGreaterThanOrEqual(DAYS - 8);
    }
  });
});

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function stepOutputs(file: string): Record<string, string> {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  // Each day's file is appended to once per step: the last value of a name wins, as on GitHub.
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

/** Cuts the broken stack's local state file in half, as a killed Terraform leaves it; returns its path. */
function cutOffState(outDir: string, dayDir: string): string {
  const stackDir = join(outDir, "stacks", BROKEN);
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
    terraform: { backend: { local: { path: string } } };
  };
  const state = join(stackDir, json.terraform.backend.local.path);
  copyFileSync(state, `${state}.saved`);
  const text = readFileSync(state, "utf8");
  writeFileSync(state, text.slice(0, text.length / 2));
  expect(dirname(state)).toBeTruthy();
  expect(dayDir).toBeTruthy();
  return state;
}
