import {
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";
import { resolveTokensIn } from "./resolve-tokens-in";

// cdktf's element JSON is untyped; merging it key by key reads and writes anything.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = { [key: string]: any };

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * A stack's Terraform JSON, equal to cdktf 0.21's `TerraformStack.toTerraform()` (a test compares them on every kind
 * of site) for a fraction of the work. cdktf resolves each element's JSON, merges it, then resolves the merged JSON
 * once more, which finds no tokens left and, for a fleet, costs as much as the first pass; here each element is
 * resolved once, and only where it can hold tokens (resolveTokensIn). Stack-level overrides (`stack.addOverride`) may
 * hold tokens, so a stack with any is left to cdktf.
 */
export function stackTerraformJson(stack: TerraformStack, hasStackOverrides: boolean): Json {
  if (hasStackOverrides) return TerraformStack.prototype.toTerraform.call(stack);
  const resolve = (value: unknown) =>
    Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });
  const elements = terraformElementsOf(stack);

  const metadata: Json = {
    version: stack.node.tryGetContext("cdktfVersion"),
    stackName: stack.node.id,
    backend: "local",
    // As cdktf's: the key comes here, whichever element sets it (a cloud or remote backend, made at any point).
    cloud: undefined,
  };
  for (const element of elements) mergeInto(metadata, resolveTokensIn(element.toMetadata(), resolve) as Json);
  // Output ids by construct path, as cdktf lists them: { stack: { construct: { output: "friendly_id" } } }.
  const outputs: Json = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    const path = element.node.path.split("/");
    mergeInto(
      outputs,
      path.reduceRight<unknown>((inner, part) => ({ [part]: inner }), element.friendlyUniqueId) as Json,
    );
  }

  const json: Json = { "//": { metadata, outputs } };
  for (const element of elements) mergeInto(json, resolveTokensIn(element.toTerraform(), resolve) as Json);
  return json;
}

/** The stack's Terraform elements in construct order, not descending into nested stacks (as cdktf collects them). */
function terraformElementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElementsOf(child, into);
  return into;
}

/** cdktf's merge of resolved JSON: objects merge key by key, lists are appended, `undefined` removes a key. */
function mergeInto(target: Json, source: Json): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) delete target[key];
    else if (Array.isArray(value)) target[key] = Array.isArray(target[key]) ? [...target[key], ...value] : value;
    else if (value !== null && typeof value === "object") {
      if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
      mergeInto(target[key], value);
    } else target[key] = value;
  }
}
