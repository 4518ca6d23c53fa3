// Shards: the stacks a workflow run applies, in groups, one job per group. A job's start-up (checkout, npm ci, the
// build artifact, Terraform) costs far more than a Miradore stack's plan, and GitHub runs at most 256 jobs from one
// matrix, so one job per stack neither scales past 256 sites nor pays for itself (bench: "fleet operations").
import { createHash } from "node:crypto";
import { PipelineError } from "./command-context";
import { GITHUB_MATRIX_MAX_JOBS } from "./stack-manifest";

/**
 * Stacks per shard when the workflow does not say: with one job start-up about a minute and a stack's plan and apply
 * a few seconds (bench, "fleet operations"), 50 stacks keep a shard's start-up under half its time at 4 in parallel,
 * 5000 sites fit in 100 jobs, and a failing or slow shard holds up only 50.
 */
export const DEFAULT_SHARD_SIZE = 50;

/** One matrix entry: a shard's name (for the job's title and artifact) and its stacks, comma-separated. */
export interface Shard {
  readonly name: string;
  readonly stacks: string;
}

/** `names` in shards of at most `size` stacks, in order; the size grows when the matrix would be too long. */
export function shardStacks(names: readonly string[], size: number): Shard[] {
  if (!Number.isInteger(size) || size < 1) throw new PipelineError(`the shard size is ${size}, but must be at least 1`);
  const effective = Math.max(size, Math.ceil(names.length / GITHUB_MATRIX_MAX_JOBS));
  const count = Math.ceil(names.length / effective);
  return Array.from({ length: count }, (_, i) => ({
    name: `shard-${i + 1}-of-${count}`,
    stacks: names.slice(i * effective, (i + 1) * effective).join(","),
  }));
}

/**
 * The stacks of slice `index` (0-based) of `slices`: a stable split by a hash of the name, so a daily drift run can
 * cover the fleet once a week, and adding a site moves no other site to another day.
 */
export function sliceOf(names: readonly string[], index: number, slices: number): string[] {
  return names.filter((name) => slotOf(name, slices) === index);
}

/** The stack's slice among `slices`, from a hash of its name: stable, and independent of the other names. */
export function slotOf(name: string, slices: number): number {
  return createHash("sha256").update(name).digest().readUInt32BE(0) % slices;
}

/**
 * `--slice <index>/<count>` ("3/7": the fourth of seven slices, 0-based), or `today/<count>`: the slice of the day,
 * days since 1970-01-01 (UTC) modulo count, so a daily run goes round every slice in `count` days.
 */
export function parseSlice(text: string, now: Date = new Date()): { index: number; slices: number } {
  const match = /^(\d{1,3}|today)\/(\d{1,3})$/.exec(text);
  const slices = Number(match?.[2]);
  const index = match?.[1] === "today" ? Math.floor(now.getTime() / DAY_MS) % slices : Number(match?.[1]);
  if (!match || slices < 1 || index >= slices) {
    throw new PipelineError(
      `stacks: --slice is ${JSON.stringify(text)}, but must be <index>/<count> with 0 ≤ index < count, such as 3/7, or today/<count>`,
    );
  }
  return { index, slices };
}

const DAY_MS = 86_400_000;
