// The drift record: what the drift check found per stack at its last check, so a run that checks only a slice of the
// fleet (drift.yml, a seventh a day) reports the whole fleet: the stacks checked today with today's findings, every
// other one with what its last check found. The drift issue closes only when every stack of the fleet has been
// checked and none has drift left; a stack never checked (a new site, a lost record) keeps it from closing.
// It holds what the issue shows (masked plan reviews, credential key ids and names), never a secret.
// Where it lives between runs: the GitHub Actions cache of the default branch (drift.yml), one new entry per run,
// restored by prefix, as the fleet record (README, "Many sites").
import { z } from "zod";
import { parseCachedRecord, recordStackName } from "./cached-record";
import type { StackDrift } from "./drift-report";

export const DRIFT_RECORD_VERSION = 1;

const entrySchema = z.strictObject({
  checkedAt: z.string().datetime({ offset: true }),
  // Bounded so a tampered cache entry cannot exhaust memory; far above a review's or report's size.
  review: z.string().max(1_000_000).optional(),
  credentials: z.string().max(1_000_000).optional(),
});
const driftRecordSchema = z.strictObject({
  version: z.literal(DRIFT_RECORD_VERSION),
  stacks: z.record(recordStackName, entrySchema),
});
export type DriftRecord = z.infer<typeof driftRecordSchema>;
type DriftEntry = z.infer<typeof entrySchema>;

/** The record, or an empty one with the reason it was not usable (then every stack counts as not yet checked). */
export function parseDriftRecord(text: string | undefined): { record: DriftRecord; problem?: string } {
  return parseCachedRecord(text, driftRecordSchema, { version: DRIFT_RECORD_VERSION, stacks: {} }, "the drift record");
}

/** What the fleet looks like after this run's checks. */
export interface DriftFleetView {
  readonly record: DriftRecord;
  /** Stacks with drift, at their last check. */
  readonly drifted: StackDrift[];
  /** Stacks of the fleet never checked (not today and not in the record). */
  readonly neverChecked: string[];
  /** The oldest last check among the fleet's stacks, when every one has been checked. */
  readonly oldestCheck?: string;
}

/**
 * The record after this run: each stack checked today takes today's findings (`checked`: every stack planned to the
 * end, drifted or not), each other stack of `fleet` keeps its last entry, stacks no longer in the fleet are dropped.
 */
export function updateDriftRecord(
  previous: DriftRecord,
  fleet: readonly string[],
  checked: ReadonlyMap<string, Omit<StackDrift, "stack">>,
  at: string,
): DriftFleetView {
  const stacks: Record<string, DriftEntry> = {};
  const neverChecked: string[] = [];
  for (const name of fleet) {
    const today = checked.get(name);
    const entry: DriftEntry | undefined = today
      ? {
          checkedAt: at,
          ...(today.review === undefined ? {} : { review: today.review }),
          ...(today.credentials === undefined ? {} : { credentials: today.credentials }),
        }
      : previous.stacks[name];
    if (entry) stacks[name] = entry;
    else neverChecked.push(name);
  }
  const drifted = Object.entries(stacks)
    .filter(([, e]) => e.review !== undefined || e.credentials !== undefined)
    .map(([stack, e]) => ({ stack, review: e.review, credentials: e.credentials }));
  const times = Object.values(stacks)
    .map((e) => e.checkedAt)
    .sort();
  return {
    record: { version: DRIFT_RECORD_VERSION, stacks },
    drifted,
    neverChecked,
    ...(neverChecked.length === 0 && times.length > 0 ? { oldestCheck: times[0] } : {}),
  };
}
