// Terraform values as plain JavaScript, and their msgpack wire form (docs/plugin-protocol/object-wire-format.md):
// null is nil, unknown is a msgpack extension (code 0 plain, code 12 refined: both read as UNKNOWN), sets and lists
// are arrays, maps and objects are plain objects.
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";

/** The single marker for a value that is known only after apply. */
export const UNKNOWN: unique symbol = Symbol("unknown");

export type TfValue = null | string | number | boolean | typeof UNKNOWN | TfValue[] | TfObject;
export interface TfObject {
  [name: string]: TfValue;
}

const UNREFINED_UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: UNREFINED_UNKNOWN_EXTENSION,
  encode: (input: unknown) => (input === UNKNOWN ? new Uint8Array(0) : null),
  decode: () => UNKNOWN,
});
// Refinements (prefixes, bounds) only narrow an unknown; ignoring them is always safe.
extensionCodec.register({ type: REFINED_UNKNOWN_EXTENSION, encode: () => null, decode: () => UNKNOWN });

export function decodeMsgpack(bytes: Uint8Array | undefined | null): TfValue {
  if (bytes === undefined || bytes === null || bytes.length === 0) return null;
  return decode(bytes, { extensionCodec }) as TfValue;
}

export function encodeMsgpack(value: TfValue): Uint8Array {
  return encode(value, { extensionCodec });
}

/** Reads a DynamicValue, msgpack first, JSON as the documented fallback. */
export function decodeDynamicValue(dv: { msgpack?: Uint8Array; json?: Uint8Array } | null | undefined): TfValue {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack);
  if (dv.json && dv.json.length > 0) return JSON.parse(Buffer.from(dv.json).toString("utf8")) as TfValue;
  return null;
}

export function isObject(value: TfValue | undefined): value is TfObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: TfValue | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Structural equality; an unknown equals nothing, not even another unknown (it may turn out different). */
export function sameValue(a: TfValue | undefined, b: TfValue | undefined): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/** Deep copy that keeps the UNKNOWN marker (structuredClone cannot copy symbols). */
export function cloneValue<T extends TfValue>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isObject(value)) {
    const out: TfObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v);
    return out as T;
  }
  return value;
}
