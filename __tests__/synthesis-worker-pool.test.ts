// The pool's protocol, with stand-in worker scripts: the real worker (app/synthesis/synthesis-worker.ts) is exercised
// through the built app in synth-command.test.ts and fleet-schema.test.ts.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SiteConfig } from "../config/config-schema";
import { PolicyViolationError } from "../constructs";
import type { SynthesisTask } from "../app/synthesis/synthesis-task";
import { SynthesisWorkerPool } from "../app/synthesis/synthesis-worker-pool";
import { siteCountHint, synthesizeSites, workerCountFor } from "../app/synthesis/synthesize-sites";

const dir = mkdtempSync(join(tmpdir(), "miradore-pool-"));

/** A worker script that answers each task as `answer` (JavaScript, given the task) says, and logs who did what. */
function standInWorker(name: string, answer: string): string {
  const script = join(dir, `${name}.js`);
  writeFileSync(
    script,
    `const { parentPort, threadId } = require("node:worker_threads");
     const { appendFileSync } = require("node:fs");
     parentPort.on("message", (task) => {
       appendFileSync(${JSON.stringify(join(dir, `${name}.log`))}, threadId + " " + task.outdir + "\\n");
       ${answer}
     });`,
  );
  return script;
}

const tasks = (count: number): SynthesisTask[] =>
  Array.from({ length: count }, (_, index) => ({
    sites: [{ name: `site-${index}` } as SiteConfig],
    outdir: `part-${index}`,
  }));

const withPool = async (script: string, size: number, use: (pool: SynthesisWorkerPool) => Promise<void>) => {
  const pool = new SynthesisWorkerPool(script, size);
  try {
    await use(pool);
  } finally {
    await pool.close();
  }
};

test("runs every task exactly once, sharing them among the workers", async () => {
  const script = standInWorker("shares", `setTimeout(() => parentPort.postMessage({ done: true }), 5);`);
  await withPool(script, 2, (pool) => pool.run(tasks(12)));
  const log = readFileSync(join(dir, "shares.log"), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" "));
  expect(log.map(([, outdir]) => outdir).sort()).toEqual(
    tasks(12)
      .map((task) => task.outdir)
      .sort(),
  );
  expect(new Set(log.map(([thread]) => thread)).size).toBe(2);
});

test("a policy violation in a worker fails the run as a PolicyViolationError with its message", async () => {
  const script = standInWorker(
    "violates",
    `parentPort.postMessage(task.outdir === "part-3" ? { policyViolation: "MIR-SEC-4 broken" } : { done: true });`,
  );
  await withPool(script, 2, async (pool) => {
    const run = pool.run(tasks(6));
    await expect(run).rejects.toThrow(PolicyViolationError);
    await expect(run).rejects.toThrow("MIR-SEC-4 broken");
  });
});

test("a worker that throws fails the run with its error", async () => {
  const script = standInWorker("throws", `throw new Error("construct failed in " + task.outdir);`);
  await withPool(script, 2, (pool) => expect(pool.run(tasks(3))).rejects.toThrow(/construct failed in part-/));
});

test("a worker that exits before its work is done fails the run", async () => {
  const script = standInWorker("exits", `process.exit(3);`);
  await withPool(script, 1, (pool) =>
    expect(pool.run(tasks(2))).rejects.toThrow("a synthesis worker stopped (exit code 3)"),
  );
});

test("a worker script that cannot start fails the run, even when it failed before the run began", async () => {
  const script = join(dir, "broken.js");
  writeFileSync(script, "this is not JavaScript");
  await withPool(script, 1, async (pool) => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(pool.run(tasks(1))).rejects.toThrow("Unexpected identifier");
  });
});

test("a policy violation leaves no output and no staging folder, even while another worker is still writing", async () => {
  const script = standInWorker(
    "busy-writer",
    `const fs = require("node:fs");
     if (task.outdir.endsWith(".part-0")) {
       return setTimeout(() => parentPort.postMessage({ policyViolation: "MIR-APP-1 broken" }), 50);
     }
     for (let i = 0, end = Date.now() + 500; Date.now() < end; i++) {
       fs.mkdirSync(task.outdir + "/stacks/s" + i, { recursive: true });
       fs.writeFileSync(task.outdir + "/stacks/s" + i + "/cdk.tf.json", "{}");
     }
     parentPort.postMessage({ done: true });`,
  );
  const parent = mkdtempSync(join(tmpdir(), "miradore-pool-out-"));
  const sites = Array.from({ length: 50 }, (_, index) => ({ name: `site-${index}` }) as SiteConfig);
  await withPool(script, 2, (pool) =>
    expect(synthesizeSites(sites, join(parent, "cdktf.out"), pool)).rejects.toThrow("MIR-APP-1 broken"),
  );
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(readdirSync(parent)).toEqual([]);
});

test("workers are used only for fleets big enough to pay for them, at most one per core", () => {
  expect(workerCountFor(1, 2)).toBe(1);
  expect(workerCountFor(79, 2)).toBe(1);
  expect(workerCountFor(80, 2)).toBe(2);
  expect(workerCountFor(1000, 2)).toBe(2);
  expect(workerCountFor(1000, 8)).toBe(8);
});

test("the site count hint counts the tenantId keys in the configuration text, whatever its syntax", () => {
  expect(siteCountHint("sites:\n  - name: a\n    tenantId: x\n  - {name: b, tenantId: y}\n")).toBe(2);
  expect(siteCountHint(JSON.stringify({ sites: [{ name: "a", tenantId: "x" }] }))).toBe(1);
  expect(siteCountHint("")).toBe(0);
});

test("MIRADORE_SYNTH_WORKERS is capped by the cores and by the fleet's tasks (25 sites each)", () => {
  // 128 workers for one site took 9.6 s and 2 GB: each idle worker still loads the construct library.
  expect(workerCountFor(1, 2, 128)).toBe(1);
  expect(workerCountFor(1, 64, 128)).toBe(1);
  expect(workerCountFor(26, 64, 128)).toBe(2);
  expect(workerCountFor(1000, 2, 128)).toBe(2);
  expect(workerCountFor(1000, 64, 3)).toBe(3);
  expect(workerCountFor(1000, 64, 1)).toBe(1);
  // Asked for, workers are used even where the fleet alone would not pay for them.
  expect(workerCountFor(60, 4, 4)).toBe(3);
});
