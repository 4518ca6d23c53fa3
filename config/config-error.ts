/** A configuration that cannot be synthesized; each problem names the field, the value given and what is expected. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    super(problems.map((problem) => `config error: ${problem}`).join("\n") + `\n(in ${source})`);
    this.name = "ConfigError";
  }
}

/** A value as an error message shows it: JSON, shortened; "missing" when absent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `sites[0].secret.lifetimeDays` from ["sites", 0, "secret", "lifetimeDays"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`),
    "",
  );
}
