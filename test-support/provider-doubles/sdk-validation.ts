// Configuration checks of terraform-plugin-sdk v2 (helper/schema's ExactlyOneOf and RequiredWith, helper/validation's
// IsRFC3339Time and IntAtLeast) with the SDK's messages, for the doubles of SDK-based providers (azuread, azurerm).
// Unknown values count as set, as the SDK counts them; their content is never checked.
import { parseRfc3339 } from "./planning";
import { ProviderError } from "./provider-definition";
import type { TfObject } from "./values";

/** validation.IsRFC3339Time. */
export function rfc3339Error(config: TfObject, name: string): ProviderError[] {
  const v = config[name];
  if (typeof v !== "string" || parseRfc3339(v)) return [];
  return [
    new ProviderError(`invalid value for ${name}`, `expected "${name}" to be a valid RFC3339 date, got "${v}"`, name),
  ];
}

/** validation.IntAtLeast(min). */
export function intAtLeastError(config: TfObject, name: string, min: number): ProviderError[] {
  const v = config[name];
  if (typeof v !== "number" || v >= min) return [];
  return [new ProviderError(`invalid value for ${name}`, `expected ${name} to be at least (${min}), got ${v}`, name)];
}

/** `ExactlyOneOf: names` on each of `names`: the SDK reports the problem once per attribute. */
export function exactlyOneOfErrors(config: TfObject, names: readonly string[]): ProviderError[] {
  const given = names.filter((n) => (config[n] ?? null) !== null);
  if (given.length === 1) return [];
  const all = names.join(",");
  return names.map(
    (name) =>
      new ProviderError(
        "Invalid combination of arguments",
        given.length === 0
          ? `"${name}": one of \`${all}\` must be specified`
          : `"${name}": only one of \`${all}\` can be specified, but \`${given.join(",")}\` were specified.`,
        name,
      ),
  );
}

/** `RequiredWith: others` on `name`: when `name` is set, so must every one of `others` be. */
export function requiredWithErrors(config: TfObject, name: string, others: readonly string[]): ProviderError[] {
  if ((config[name] ?? null) === null) return [];
  const all = [...new Set([...others, name])].sort();
  if (all.every((n) => (config[n] ?? null) !== null)) return [];
  return [
    new ProviderError("Missing required argument", `"${name}": all of \`${all.join(",")}\` must be specified`, name),
  ];
}
