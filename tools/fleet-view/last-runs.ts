// The fleet view's last runs: per stack, what the scheduled rotation run recorded (tools/pipeline/fleet-record.ts):
// the result and why, when, when its configuration was last applied, and when its next rotation is due. Dates and
// reasons only; the record never holds a secret.
import { EXPIRY_OUTPUTS } from "../../rotation/expiry-status";
import type { FleetRecord } from "../pipeline/fleet-record";
import type { FleetEntry } from "./fleet-entry";
import { textTable } from "./text-table";

export interface LastRun {
  readonly stackName: string;
  /** applied, unchanged, held, failed, missing; "no record" when the record does not know the stack. */
  readonly result: string;
  readonly at?: string;
  readonly lastAppliedAt?: string;
  readonly nextRotation?: string;
  readonly reasons: readonly string[];
}

export function lastRuns(entries: readonly FleetEntry[], record: FleetRecord): LastRun[] {
  return entries.map((entry) => {
    const stack = record.stacks[entry.stackName];
    const next = stack?.outputs?.[EXPIRY_OUTPUTS.nextRotation];
    return {
      stackName: entry.stackName,
      result: stack?.lastResult ?? "no record",
      at: stack?.lastRunAt,
      lastAppliedAt: stack?.lastAppliedAt,
      nextRotation: typeof next === "string" ? next : undefined,
      reasons: stack?.lastReasons ?? [],
    };
  });
}

const minute = (iso: string | undefined) => (iso === undefined ? "-" : `${iso.slice(0, 16).replace("T", " ")}`);
/** A reason on one terminal line. */
const brief = (reasons: readonly string[]) => {
  const text = reasons.join(" ").replace(/\s+/g, " ");
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
};

export function renderLastRuns(runs: readonly LastRun[], source: string): string {
  return (
    `\nLast runs, from ${source} (UTC):\n\n` +
    textTable(
      [
        { header: "STACK" },
        { header: "RESULT" },
        { header: "RUN" },
        { header: "LAST APPLY" },
        { header: "NEXT ROTATION" },
        { header: "WHY" },
      ],
      runs.map((run) => [
        run.stackName,
        run.result,
        minute(run.at),
        minute(run.lastAppliedAt),
        minute(run.nextRotation),
        brief(run.reasons),
      ]),
    )
  );
}
