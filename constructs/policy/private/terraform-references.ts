/**
 * Finding Terraform references in synthesized JSON. cdktf renders every reference as `${type.name.attribute}` inside
 * a string, with names made of letters, digits, `_` and `-` (e.g. `app_registration_996789F8`).
 */

/** One reference to a named block, e.g. `azuread_application_password.slot_a.value` or `local.secret`. */
export interface TerraformReference {
  /** The block's name (its friendly unique id). */
  readonly name: string;
  /** The attribute read, if any; `undefined` when the whole block (or a splat of it) is referenced. */
  readonly attribute?: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * References whose address starts with `prefix` (`azuread_application_password`, `data.azuread_service_principal`,
 * `local`) in an expression string. Indexes and splats between the name and the attribute (`x[0].value`,
 * `x[*].value`, `x.*.value`) are skipped over.
 */
export function referencesIn(text: string, prefix: string): TerraformReference[] {
  if (!text.includes("${")) return [];
  return [...text.matchAll(referencePattern(prefix))].map((match) => ({ name: match[1]!, attribute: match[2] }));
}

// Rules ask for the same few prefixes on every construct of every stack: compile each pattern once.
const patterns = new Map<string, RegExp>();
function referencePattern(prefix: string): RegExp {
  let pattern = patterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(
      `(?<![\\w.-])${escape(prefix)}\\.([A-Za-z_][\\w-]*)(?:\\[[^\\]]*\\]|\\.\\*)*(?:\\.([A-Za-z_][\\w-]*))?`,
      "g",
    );
    patterns.set(prefix, pattern);
  }
  return pattern; // matchAll works on a copy, so sharing the global pattern is safe
}

/** Every string in a JSON value, depth first: where a block's expressions are. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** True when a value is an expression Terraform computes (contains `${`), so its content is unknown at synth time. */
export const isExpression = (value: unknown): boolean => typeof value === "string" && value.includes("${");
