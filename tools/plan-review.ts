// CLI: renders `terraform show -json <planfile>` output as the Markdown of a pull-request comment.
//   plan-review [--stack <name>] [--max-changes N] <plan.json | ->
// Markdown goes to stdout; a problem with the input goes to stderr with exit code 1, a usage error with 2.
// --stack names the stack in the review (and its hidden marker); a plan file inside a stack's folder
// (cdktf.out/stacks/<name>/…) names it by itself.
import { readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { runCli, startedAsCommand } from "./cli/run-cli";
import { PlanInputError, PlanReviewOptionsError, renderPlanReview } from "./plan-review/index";

const USAGE =
  "usage: plan-review [--stack <name>] [--max-changes <n>] <plan.json | - for stdin>\n" +
  "  the plan: terraform plan -out=tfplan && terraform show -json tfplan > plan.json, in the stack's folder\n" +
  "  --stack: the stack's name; may be left out for a plan file inside cdktf.out/stacks/<name>/";

/** The stack a plan file belongs to, from its path (`…/stacks/<name>/plan.json`), if it is inside a stack's folder. */
export function stackOfPlanFile(path: string): string | undefined {
  const parts = resolve(path).split(sep);
  const at = parts.lastIndexOf("stacks");
  return at !== -1 && at < parts.length - 2 ? parts[at + 1] : undefined;
}

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
  if (positionals.length !== 1) {
    return usageError(`expected one plan file (or - for stdin), got ${positionals.length}`);
  }
  const source = positionals[0]!;
  const stack = values.stack ?? (source === "-" ? undefined : stackOfPlanFile(source));
  if (stack === undefined) {
    return usageError(
      "--stack is missing: name the stack the plan is for, such as --stack miradore-example (its folder under cdktf.out/stacks/)",
    );
  }
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
    process.stdout.write(renderPlanReview(text, { stack, maxChanges }));
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

if (startedAsCommand("plan-review")) void runCli("plan-review", main);
