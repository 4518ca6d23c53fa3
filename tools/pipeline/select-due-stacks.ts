// The scheduled run's choice of stacks: each synthesized stack is judged against the fleet record
// (rotation/due-selection.ts). A stack that is not due gets the result file and outputs file a job would have left
// (its outputs as recorded), so the notice and the fleet record see every stack, applied today or not.
import { join } from "node:path";
import { type DueSelectionOptions, selectDue } from "../../rotation/due-selection";
import { type ApplyRecord, RESULT_FILE_SUFFIX } from "./apply-records";
import type { CommandContext } from "./command-context";
import { writeTextFile } from "./command-args";
import { configHashOf, type FleetRecord } from "./fleet-record";
import { slotOf } from "./shards";
import type { SynthesizedStack } from "./stack-manifest";

export interface StackChoice {
  readonly stack: SynthesizedStack;
  readonly due: boolean;
  readonly reason: string;
}

/** Judges every stack; the options' configHash is each stack's own. */
export function chooseStacks(
  stacks: readonly SynthesizedStack[],
  record: FleetRecord,
  options: Omit<DueSelectionOptions, "configHash" | "sweepSlot">,
): StackChoice[] {
  return stacks.map((stack) => ({
    stack,
    ...selectDue(record.stacks[stack.name], {
      ...options,
      configHash: configHashOf(stack),
      sweepSlot: slotOf(stack.name, options.sweepDays),
    }),
  }));
}

/** Writes `<stack>.result.json` ("unchanged", not due, and why) and `<stack>.json` (recorded outputs) into `dir`. */
export function writeNotDueFiles(
  context: CommandContext,
  dir: string,
  choice: StackChoice,
  record: FleetRecord,
  now: Date,
): void {
  const name = choice.stack.name;
  const result: ApplyRecord = {
    stack: name,
    result: "unchanged",
    at: now.toISOString(),
    reasons: [],
    selection: { due: false, reason: choice.reason },
  };
  writeTextFile(context, join(dir, `${name}${RESULT_FILE_SUFFIX}`), `${JSON.stringify(result, null, 2)}\n`);
  const outputs = record.stacks[name]?.outputs;
  if (outputs) writeTextFile(context, join(dir, `${name}.json`), `${JSON.stringify({ [name]: outputs }, null, 2)}\n`);
}
