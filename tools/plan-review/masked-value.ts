// A plan value with every sensitive part and every part unknown until apply replaced by a Hidden marker.
// Everything that renders resource or output values reads them through maskValue, so a secret cannot reach the
// review: the masked copy no longer contains it.

/** Stands in for a value the review must not (sensitive) or cannot (unknown until apply) show. */
export class Hidden {
  static readonly SENSITIVE = new Hidden("sensitive");
  static readonly UNKNOWN = new Hidden("unknown");
  private constructor(readonly reason: "sensitive" | "unknown") {}
}

export type Masked = null | boolean | number | string | Hidden | readonly Masked[] | { readonly [key: string]: Masked };

/**
 * Masks `value` using Terraform's mark trees: `sensitive` (before_sensitive/after_sensitive) and `unknown`
 * (after_unknown) have the value's shape, with `true` where a part is sensitive or unknown.
 * `secretPaths` are attribute paths (names joined by ".", indexes left out) hidden whatever the marks say.
 */
export function maskValue(
  value: unknown,
  sensitive: unknown,
  unknown: unknown,
  secretPaths: ReadonlySet<string> = new Set(),
): Masked {
  return mask(value, sensitive, unknown, secretPaths, "");
}

function mask(
  value: unknown,
  sensitive: unknown,
  unknown: unknown,
  secretPaths: ReadonlySet<string>,
  path: string,
): Masked {
  if (sensitive === true || secretPaths.has(path)) {
    return Hidden.SENSITIVE;
  }
  if (unknown === true) {
    return Hidden.UNKNOWN;
  }
  if (Array.isArray(value) || (Array.isArray(unknown) && (value === undefined || value === null))) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, i) =>
      mask(items[i] ?? null, child(sensitive, i), child(unknown, i), secretPaths, path),
    );
  }
  if (isRecord(value) || (isRecord(unknown) && (value === undefined || value === null))) {
    const record = isRecord(value) ? value : {};
    // after_unknown names attributes that `after` leaves out because they are unknown.
    const keys = new Set([
      ...Object.keys(record),
      ...(isRecord(unknown) ? Object.keys(unknown).filter((k) => unknown[k] === true) : []),
    ]);
    const masked: Record<string, Masked> = {};
    for (const key of [...keys].sort()) {
      masked[key] = mask(
        record[key] ?? null,
        child(sensitive, key),
        child(unknown, key),
        secretPaths,
        path === "" ? key : `${path}.${key}`,
      );
    }
    return masked;
  }
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  return null;
}

function child(marks: unknown, step: string | number): unknown {
  if (Array.isArray(marks) && typeof step === "number") {
    return marks[step];
  }
  return isRecord(marks) ? marks[step] : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The attribute `key` of a masked object; a hidden object hides its attributes too. */
export function field(value: Masked | undefined, key: string): Masked | undefined {
  if (value instanceof Hidden) {
    return value;
  }
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    return undefined;
  }
  return (value as { readonly [key: string]: Masked })[key];
}

/** The items of a masked list or set; a hidden list is one hidden item, so callers still see that it is there. */
export function items(value: Masked | undefined): readonly Masked[] {
  if (value instanceof Hidden) {
    return [value];
  }
  return Array.isArray(value) ? value : [];
}

/** Compact text for a masked value, at most `maxChars` long: JSON, with hidden parts as "(sensitive)" or
 * "(known after apply)". */
export function formatMasked(value: Masked | undefined, maxChars = 120): string {
  const text = format(value);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function format(value: Masked | undefined): string {
  if (value instanceof Hidden) {
    return value.reason === "sensitive" ? "(sensitive)" : "(known after apply)";
  }
  if (value === undefined || value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return `[${value.map(format).join(", ")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as { readonly [key: string]: Masked });
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}: ${format(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}
