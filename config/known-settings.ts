import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

/**
 * The settings a configuration schema allows at a place in the file, read from the schema itself, so that an unknown
 * key is answered with the real list (not the keys the file happens to have) and the nearest real name ("did you mean
 * `groupFiltering`?").
 */

// Zod's definitions are read through `_zod.def`, its documented way to introspect a schema (zod.dev, "Metadata and
// introspection"); only the kinds the configuration schemas use are followed.
interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly shape?: Record<string, Schema>;
  readonly element?: Schema;
  readonly keyType?: Schema;
  readonly valueType?: Schema;
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
  readonly entries?: Record<string, string>;
  readonly values?: readonly unknown[];
}
type Schema = { readonly _zod: { readonly def: Def } };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema inside defaults, optionals and pipes. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
}

/** The option of a discriminated union that `value` selects, if its discriminator names one. */
function unionOption(def: Def, value: unknown): Schema | undefined {
  if (!def.discriminator || !isRecord(value)) return undefined;
  const wanted = value[def.discriminator];
  return def.options?.find((option) => {
    const discriminator = unwrap(option)._zod.def.shape?.[def.discriminator!];
    const literal = discriminator && unwrap(discriminator)._zod.def;
    return literal?.values?.includes(wanted) ?? false;
  });
}

/** The keys a mapping validated by `schema` may have, given its value. */
function keysOf(schema: Schema, value: unknown): string[] {
  const def = unwrap(schema)._zod.def;
  if (def.shape) return Object.keys(def.shape);
  if (def.type === "record" && def.keyType) return Object.keys(unwrap(def.keyType)._zod.def.entries ?? {});
  if (def.type === "union" && def.options) {
    const option = unionOption(def, value);
    if (option) return keysOf(option, value);
    return [...new Set(def.options.flatMap((choice) => keysOf(choice, value)))];
  }
  return [];
}

/**
 * The keys `schema` allows for the mapping at `path` inside `root` (the value being validated), in the schema's
 * order; empty when the path leads nowhere the schema describes.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], root: unknown): string[] {
  let current: Schema | undefined = schema as unknown as Schema;
  let value = root;
  for (const key of path) {
    if (!current) return [];
    const def: Def = unwrap(current)._zod.def;
    if (def.shape) current = def.shape[String(key)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "union") current = unionOption(def, value);
    else current = undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[String(key)] : undefined;
  }
  return current ? keysOf(current, value) : [];
}

/**
 * The known key `unknown` is most likely a typo of: the nearest by edit distance, if it is near enough (at most a
 * third of the longer name's letters differ, ignoring case).
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = known.map((key) => key.toLowerCase());
  const nearest = closest(unknown.toLowerCase(), lower);
  const limit = Math.max(1, Math.floor(Math.max(unknown.length, nearest.length) / 3));
  return distance(unknown.toLowerCase(), nearest) <= limit ? known[lower.indexOf(nearest)] : undefined;
}
