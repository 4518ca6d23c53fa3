import { Tokenization } from "cdktf";

/**
 * Resolves unresolved element JSON the way cdktf's `resolve` does, but hands it only the parts that can hold tokens.
 * cdktf walks every key and value, and spends as much on a plain string or an unset argument as on a token: for a
 * fleet that was a third of synthesis. Here plain JSON (strings without token markers, ordinary numbers, booleans,
 * null, and objects and lists made only of those) is kept as it is and `undefined` dropped, as cdktf would; any other
 * value, and any list or object with something unusual in it, goes to `resolve` whole, so cdktf decides everything
 * about tokens. `stackTerraformJson` is tested equal to cdktf's own output on every kind of stack.
 */
export function resolveTokensIn(value: unknown, resolve: (value: unknown) => unknown): unknown {
  if (value === undefined || isPlainScalar(value)) return value;
  if (Array.isArray(value)) {
    // cdktf reads a list with a token string or number in it as a whole (list tokens).
    if (value.some((item) => (typeof item === "string" || typeof item === "number") && !isPlainScalar(item))) {
      return resolve(value);
    }
    return value.map((item) => resolveTokensIn(item, resolve)).filter((item) => item !== undefined);
  }
  if (!isPlainObject(value) || !Object.keys(value).every(isPlainScalar)) return resolve(value);
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const result = resolveTokensIn(item, resolve);
    if (result !== undefined) resolved[key] = result;
  }
  return resolved;
}

/**
 * Token markers in strings look like `${TfToken[TOKEN.1]}` (and `#{`/`&{` for lists and maps); numbers that are
 * tokens are huge negative doubles (about -1.9e289), which show in concatenated strings in exponent notation.
 */
function isPlainScalar(value: unknown): boolean {
  switch (typeof value) {
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && Math.abs(value) < 1e200;
    case "string":
      return !value.includes("TfToken[") && !/\de[-+]?\d/i.test(value);
    default:
      return value === null;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Tokenization.isResolvable(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
