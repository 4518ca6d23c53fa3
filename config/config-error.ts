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

/** How YAML spells the numbers JSON cannot (`.inf`, `-.inf`, `.nan`), so a message shows what the file says. */
function yamlNumber(value: number): string | undefined {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  return undefined;
}

/** A value as an error message shows it: JSON (with YAML's `.inf` and `.nan`), shortened; "missing" when absent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const marks: string[] = [];
  const text =
    JSON.stringify(value, (_key, item: unknown) => {
      const spelled = typeof item === "number" ? yamlNumber(item) : undefined;
      if (spelled === undefined) return item;
      marks.push(spelled);
      return `\u0000${marks.length - 1}\u0000`;
    }) ?? String(value);
  const shown = text.replace(/"\\u0000(\d+)\\u0000"/g, (_match, index: string) => marks[Number(index)]!);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/** `sites[0].secret.lifetimeDays` from ["sites", 0, "secret", "lifetimeDays"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`),
    "",
  );
}
