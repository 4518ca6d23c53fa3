import { basename } from "node:path";

/** A Terraform outputs file that cannot be read as one; the message names the place and never quotes a value. */
export class OutputsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputsInputError";
  }
}

/** One stack's outputs, reduced to the names asked for; a sensitive output is never read. */
export interface StackOutputs {
  /** The stack's name (cdktf outputs file), or the file's name (`terraform output -json`, which has no stack). */
  readonly stack: string;
  /** The wanted, non-sensitive outputs that are present, by name. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Wanted outputs that the file marks sensitive (`terraform output -json` only): present, but not read. */
  readonly sensitive: ReadonlySet<string>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `terraform output -json`: every entry is `{ sensitive, type, value }`. */
const isTerraformOutput = (entry: unknown): entry is { sensitive: boolean; value?: unknown } =>
  isObject(entry) && typeof entry.sensitive === "boolean" && "value" in entry;

/**
 * Reads `terraform output -json` ({ name: { sensitive, type, value } }) or a cdktf outputs file
 * ({ "<stack>": { name: value } }, one entry per stack) and keeps only the outputs named in `wanted`, so nothing else
 * (the client secret above all) is ever held, let alone printed. Error messages give positions and names, never
 * the file's text: a broken file may hold a secret.
 */
export function parseOutputsFile(text: string, source: string, wanted: readonly string[]): StackOutputs[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new OutputsInputError(`${source} is not valid JSON${jsonErrorPlace(text, error)}`);
  }
  if (!isObject(document) || Object.keys(document).length === 0) {
    throw new OutputsInputError(
      `${source} is ${describeShape(
        document,
      )}, but must be an object: \`terraform output -json\` output or a cdktf outputs file`,
    );
  }
  const entries = Object.entries(document);
  if (entries.every(([, entry]) => isTerraformOutput(entry))) {
    const values = new Map<string, unknown>();
    const sensitive = new Set<string>();
    for (const name of wanted) {
      const entry = document[name];
      if (!isTerraformOutput(entry)) continue;
      if (entry.sensitive) sensitive.add(name);
      else values.set(name, entry.value);
    }
    return [{ stack: basename(source), values, sensitive }];
  }
  const notStacks = entries.filter(([, entry]) => !isObject(entry)).map(([name]) => name);
  if (notStacks.length > 0) {
    const names = notStacks.map((name) => JSON.stringify(name)).join(", ");
    throw new OutputsInputError(
      `${source}: ${names} ${notStacks.length === 1 ? "is" : "are"} not an object, ` +
        "but the file must be `terraform output -json` output ({ name: { sensitive, type, value } }) " +
        'or a cdktf outputs file ({ "<stack>": { name: value } })',
    );
  }
  return entries.map(([stack, outputs]) => {
    const values = new Map<string, unknown>();
    for (const name of wanted) if (name in (outputs as Json)) values.set(name, (outputs as Json)[name]);
    return { stack, values, sensitive: new Set<string>() };
  });
}

/** What a value is, without showing it: "an array", "a number", "null". */
export function describeShape(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an empty object";
  return `a ${typeof value}`;
}

/** " (line 3, column 7)" from JSON.parse's error, whose message may quote the text (and so a secret): never reused. */
function jsonErrorPlace(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  if (position === null) return text.trim() === "" ? " (the file is empty)" : "";
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return ` (line ${line}, column ${column})`;
}
