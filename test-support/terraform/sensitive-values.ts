// Finds secret values in `terraform show -json` output (plans and states) that Terraform did not mark sensitive.
// Every place such JSON carries a value has a sibling structure saying what is sensitive: `values` ↔
// `sensitive_values`, `before`/`after` ↔ `before_sensitive`/`after_sensitive`, an output's `value` ↔ its `sensitive`.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** True when `path` in `root` is marked sensitive, by a `true` at that path or at any parent of it. */
function markedSensitive(root: Json, markerPath: readonly (string | number)[]): boolean {
  let cur: Json | undefined = root;
  for (const step of markerPath) {
    if (cur === true) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string | number, Json>)[step];
  }
  return cur === true;
}

/** The sensitivity marker that belongs to a value at `path`, or undefined when the JSON has none for it. */
function markerFor(path: readonly (string | number)[]): (string | number)[] | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if (step === "values") return [...path.slice(0, i), "sensitive_values", ...path.slice(i + 1)];
    if (step === "before" || step === "after") return [...path.slice(0, i), `${step}_sensitive`, ...path.slice(i + 1)];
    if (step === "value" && path[i - 2] === "outputs") return [...path.slice(0, i), "sensitive"];
  }
  return undefined;
}

export interface SecretOccurrence {
  readonly path: string;
  readonly sensitive: boolean;
}

/** Every place one of `secrets` occurs in `document`, and whether Terraform marked it sensitive there. */
export function secretOccurrences(document: unknown, secrets: ReadonlySet<string>): SecretOccurrence[] {
  const root = document as Json;
  const found: SecretOccurrence[] = [];
  const walk = (value: Json, path: (string | number)[]): void => {
    if (typeof value === "string" && secrets.has(value)) {
      const marker = markerFor(path);
      found.push({ path: path.join("."), sensitive: marker !== undefined && markedSensitive(root, marker) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i]));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(root, []);
  return found;
}
