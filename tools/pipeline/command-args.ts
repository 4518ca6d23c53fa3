// Argument parsing shared by the pipeline commands: node's util.parseArgs, strict, errors as PipelineError.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type CommandContext, PipelineError } from "./command-context";
import { writePrivateFile } from "./private-files";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<T extends Options>(
  command: string,
  argv: readonly string[],
  options: T,
  positionals = 0,
) {
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length !== positionals) {
      throw new Error(
        `expected ${positionals} file argument${positionals === 1 ? "" : "s"}, got ${parsed.positionals.length}`,
      );
    }
    return parsed;
  } catch (error) {
    throw new PipelineError(`${command}: ${(error as Error).message}`);
  }
}

/** A required string option, or a PipelineError that names it. */
export function required(
  command: string,
  name: string,
  value: string | boolean | (string | boolean)[] | undefined,
): string {
  if (typeof value !== "string" || value === "") throw new PipelineError(`${command}: --${name} is missing`);
  return value;
}

/** One of `allowed`, or a PipelineError naming the option, the value and the choices. */
/**
 * A switch a workflow sets from a repository variable: "on", or empty for off (what `${{ … && 'on' || '' }}` gives),
 * so the step's command line is the same either way.
 */
export function onOrEmpty(command: string, name: string, value: string | undefined, what: string): boolean {
  if (value === undefined || value === "") return false;
  if (value === "on") return true;
  throw new PipelineError(
    `${command}: --${name} is ${JSON.stringify(value)}, but must be "on" (${what}) or empty (off)`,
  );
}

export function oneOf<T extends string>(command: string, name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new PipelineError(
      `${command}: --${name} is ${JSON.stringify(value)}, but must be one of ${allowed.join(", ")}`,
    );
  }
  return value as T;
}

export function readTextFile(context: CommandContext, path: string, what: string): string {
  try {
    return readFileSync(resolve(context.cwd, path), "utf8");
  } catch (error) {
    throw new PipelineError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/**
 * Writes a file only the runner's user can read (0600, replacing whatever was there): plan JSON holds secrets, the
 * rest costs nothing to protect too.
 */
export function writeTextFile(context: CommandContext, path: string, text: string): void {
  writePrivateFile(resolve(context.cwd, path), text);
}

/** `--<name>` as a whole number of at least `min` (six digits at most). */
export function wholeNumber(command: string, name: string, text: string, min: number): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < min)
    throw new PipelineError(
      `${command}: --${name} is ${JSON.stringify(text)}, but must be a whole number of at least ${min}`,
    );
  return Number(text);
}
