// The stack outputs a later job may see: `terraform output -json` minus every sensitive output (the client secret),
// written as a cdktf outputs file ({ "<stack>": { name: value } }) that expiry-check reads.
import { PipelineError } from "./command-context";

type TerraformOutputs = Record<string, { readonly sensitive: boolean; readonly value: unknown }>;

/** Drops sensitive outputs without reading their values. Throws when `text` is not `terraform output -json`. */
export function publicOutputs(stack: string, text: string): Record<string, Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never quote the text: it holds the client secret.
    throw new PipelineError(`terraform output -json for stack ${stack} did not print JSON (${text.length} characters)`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new PipelineError(`terraform output -json for stack ${stack} is not an object`);
  }
  const kept: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(json as TerraformOutputs)) {
    if (typeof entry !== "object" || entry === null || typeof entry.sensitive !== "boolean") {
      throw new PipelineError(
        `terraform output -json for stack ${stack}: output ${name} has no boolean "sensitive" field`,
      );
    }
    if (!entry.sensitive) kept[name] = entry.value;
  }
  return { [stack]: kept };
}

/** Merges several stacks' public outputs; a stack present twice is an error (two jobs wrote the same stack). */
export function mergeOutputs(
  files: readonly { readonly source: string; readonly outputs: Record<string, unknown> }[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const { source, outputs } of files) {
    for (const [stack, values] of Object.entries(outputs)) {
      if (from.has(stack)) throw new PipelineError(`stack ${stack} is in both ${from.get(stack)} and ${source}`);
      if (typeof values !== "object" || values === null || Array.isArray(values)) {
        throw new PipelineError(`${source}: stack ${stack} is not an object of outputs`);
      }
      from.set(stack, source);
      merged[stack] = values;
    }
  }
  return merged;
}
