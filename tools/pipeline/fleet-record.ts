// The fleet record: what the scheduled runs remember between days, per stack: the non-sensitive outputs after its
// last run, how that run ended and why, when its configuration was last applied and which one (sha256 of its
// cdk.tf.json). The next run reads it to apply only what is due (rotation/due-selection.ts). It holds no secret (the
// outputs pass through publicOutputs), and it is only ever a reason to apply: a record that is missing, unreadable or
// of another version is treated as empty, so everything is applied.
// Where it lives between runs: the GitHub Actions cache of the default branch (rotation.yml), one new entry per run,
// restored by prefix; see README, "Many sites".
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { StackRunRecord } from "../../rotation/due-selection";
import type { ApplyRecord } from "./apply-records";
import { parseCachedRecord, recordStackName } from "./cached-record";
import type { SynthesizedStack } from "./stack-manifest";

export const FLEET_RECORD_VERSION = 1;

const stackRecordSchema = z.strictObject({
  outputs: z.record(z.string(), z.unknown()).optional(),
  lastResult: z.enum(["applied", "unchanged", "held", "failed", "missing"]).optional(),
  lastReasons: z.array(z.string().max(4000)).max(20).optional(),
  lastRunAt: z.string().datetime({ offset: true }).optional(),
  lastAppliedAt: z.string().datetime({ offset: true }).optional(),
  configHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
const fleetRecordSchema = z.strictObject({
  version: z.literal(FLEET_RECORD_VERSION),
  writtenAt: z.string().datetime({ offset: true }),
  stacks: z.record(recordStackName, stackRecordSchema),
});

export type FleetStackRecord = z.infer<typeof stackRecordSchema> & StackRunRecord;
export type FleetRecord = z.infer<typeof fleetRecordSchema>;

/** The record, or an empty one with the reason it was not usable (a missing file is not a problem, only a fact). */
export function parseFleetRecord(text: string | undefined): { record: FleetRecord; problem?: string } {
  const empty: FleetRecord = { version: FLEET_RECORD_VERSION, writtenAt: new Date(0).toISOString(), stacks: {} };
  return parseCachedRecord(text, fleetRecordSchema, empty, "the fleet record", ": every stack is applied");
}

/** sha256 of the stack's synthesized cdk.tf.json: a change of configuration, provider or construct changes it. */
export function configHashOf(stack: SynthesizedStack): string {
  return createHash("sha256")
    .update(readFileSync(join(stack.dir, "cdk.tf.json")))
    .digest("hex");
}

export interface RunOfStack {
  readonly stack: SynthesizedStack;
  /** The run's result for it; undefined when the run expected it but it left none. */
  readonly result?: ApplyRecord;
  /** Whether the run applied it (false: it was not due and only its record was carried over). */
  readonly applied: boolean;
  /** Its public outputs after the run, when it left them. */
  readonly outputs?: Record<string, unknown>;
}

/**
 * The record after a run: each stack the run covered gets its result; one it applied also the configuration hash
 * and time of that apply; a stack no longer synthesized is dropped; one the run did not cover keeps its entry.
 */
export function updateFleetRecord(
  before: FleetRecord,
  runs: readonly RunOfStack[],
  synthesized: readonly string[],
  now: Date,
): FleetRecord {
  const kept = new Set(synthesized);
  const stacks: Record<string, FleetStackRecord> = Object.fromEntries(
    Object.entries(before.stacks).filter(([name]) => kept.has(name)),
  );
  for (const run of runs) {
    const old = stacks[run.stack.name] ?? {};
    if (!run.result) {
      stacks[run.stack.name] = { ...old, lastResult: "missing", lastReasons: [], lastRunAt: now.toISOString() };
      continue;
    }
    if (!run.applied) {
      stacks[run.stack.name] = { ...old, outputs: run.outputs ?? old.outputs };
      continue;
    }
    const reachedTerraform = run.result.result !== "failed";
    stacks[run.stack.name] = {
      ...old,
      outputs: run.outputs ?? old.outputs,
      lastResult: run.result.result,
      lastReasons: run.result.reasons,
      lastRunAt: run.result.at,
      ...(reachedTerraform ? { lastAppliedAt: run.result.at, configHash: configHashOf(run.stack) } : {}),
    };
  }
  return { version: FLEET_RECORD_VERSION, writtenAt: now.toISOString(), stacks };
}
