// CLI: renders `terraform show -json <planfile>` output as the Markdown of a pull-request comment.
//   plan-review --stack <name> [--max-changes N] <plan.json | ->
// Markdown goes to stdout; a problem with the input goes to stderr with exit code 1, a usage error with 2.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PlanInputError, PlanReviewOptionsError, renderPlanReview } from "./plan-review/index";

const USAGE = "usage: plan-review --stack <name> [--max-changes <n>] <plan.json | - for stdin>";

function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, "max-changes": { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.stack === undefined) {
    return usageError("--stack is missing");
  }
  if (positionals.length !== 1) {
    return usageError(`expected one plan file (or - for stdin), got ${positionals.length}`);
  }
  const source = positionals[0]!;
  const maxChangesText = values["max-changes"];
  if (maxChangesText !== undefined && !/^\d+$/.test(maxChangesText)) {
    return usageError(`--max-changes is ${JSON.stringify(maxChangesText)}, but must be a whole number`);
  }
  const maxChanges = maxChangesText === undefined ? undefined : Number(maxChangesText);

  let text: string;
  try {
    text = readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (error) {
    process.stderr.write(
      `plan-review: cannot read ${source === "-" ? "stdin" : source}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  try {
    process.stdout.write(renderPlanReview(text, { stack: values.stack, maxChanges }));
    return 0;
  } catch (error) {
    if (error instanceof PlanInputError) {
      process.stderr.write(`plan-review: ${source === "-" ? "stdin" : source}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof PlanReviewOptionsError) {
      return usageError(error.message);
    }
    throw error;
  }
}

function usageError(message: string): number {
  process.stderr.write(`plan-review: ${message}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
