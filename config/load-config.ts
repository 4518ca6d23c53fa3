import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, describeValue, formatPath } from "./config-error";
import { fileSchema, SiteConfig, siteSchema, siteSettingsSchema } from "./config-schema";
import { activeOverrides } from "./environment-overrides";

/** The validated configuration: one entry per Miradore site, defaults and overrides applied. */
export interface MiradoreConfig {
  /** Where it was read from, for messages. */
  readonly source: string;
  readonly sites: readonly SiteConfig[];
}

/** Where the configuration is read from when neither an argument nor `MIRADORE_CONFIG` says otherwise. */
export const DEFAULT_CONFIG_FILE = "miradore.config.yaml";

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads and validates the configuration file; throws {@link ConfigError} listing every problem. */
export function loadConfig(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): MiradoreConfig {
  const { text, source } = readConfigFile(options);
  return parseConfig(text, source, options.env ?? process.env);
}

/** The configuration file's text, from `path`, else `MIRADORE_CONFIG`, else miradore.config.yaml. */
export function readConfigFile(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): {
  text: string;
  source: string;
} {
  const path = options.path ?? (options.env ?? process.env).MIRADORE_CONFIG ?? DEFAULT_CONFIG_FILE;
  try {
    return { text: readFileSync(path, "utf8"), source: path };
  } catch (error) {
    throw new ConfigError(path, [`the configuration file ${path} cannot be read (${(error as Error).message})`]);
  }
}

/** Validates configuration text (YAML or JSON); throws {@link ConfigError} listing every problem. */
export function parseConfig(text: string, source: string, env: NodeJS.ProcessEnv = {}): MiradoreConfig {
  const file = fileSchema.safeParse(parseYamlText(text, source) ?? {}, { reportInput: true });
  if (!file.success)
    throw new ConfigError(
      source,
      file.error.issues.map((issue) => describeIssue(issue, formatPath)),
    );

  const problems: string[] = [];
  const defaults = file.data.defaults ?? {};
  const checkedDefaults = siteSettingsSchema.safeParse(defaults, { reportInput: true });
  if (!checkedDefaults.success) {
    problems.push(
      ...checkedDefaults.error.issues.map((issue) => describeIssue(issue, (p) => formatPath(["defaults", ...p]))),
    );
  }

  const overrides = activeOverrides(env);
  for (const { override } of overrides) {
    if (override.singleSiteOnly && file.data.sites.length !== 1) {
      problems.push(
        `${override.variable} is set, but applies only to a configuration with exactly one site (this one lists ${file.data.sites.length}); set ${formatPath(override.path)} per site instead`,
      );
    }
  }

  const sites: SiteConfig[] = [];
  file.data.sites.forEach((rawSite, index) => {
    const merged = mergeSettings(defaults, rawSite);
    for (const { override, value } of overrides) setPath(merged, override.path, value);
    const label = (path: readonly PropertyKey[]) => {
      const fromEnv = overrides.find(({ override }) => formatPath(override.path) === formatPath(path));
      if (fromEnv) return `${fromEnv.override.variable} (${formatPath(["sites", index, ...path])})`;
      if (!hasPath(rawSite, path) && hasPath(defaults, path)) return formatPath(["defaults", ...path]);
      return formatPath(["sites", index, ...path]);
    };
    const siteName = typeof rawSite.name === "string" ? ` [site "${rawSite.name}"]` : "";
    const checked = siteSchema.safeParse(merged, { reportInput: true });
    if (checked.success) sites.push(checked.data);
    // Problems with a value inherited from defaults were reported once, above.
    else
      problems.push(
        ...checked.error.issues
          .filter((issue) => checkedDefaults.success || !label(issue.path).startsWith("defaults."))
          .map((issue) => describeIssue(issue, label) + siteName),
      );
  });
  problems.push(...duplicateProblems(sites));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { source, sites };
}

/** Parses YAML (or JSON) text; throws {@link ConfigError} naming the line and column of each syntax error. */
export function parseYamlText(text: string, source: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return `${source}${at ? ` line ${at.line}, column ${at.col}` : ""} is not valid YAML: ${message}`;
      }),
    );
  }
  return document.toJS();
}

/** One sentence per issue: "<field> is <value>, but <expectation>". */
export function describeIssue(issue: z.core.$ZodIssue, label: (path: readonly PropertyKey[]) => string): string {
  if (issue.code === "unrecognized_keys") {
    const where = isRecord(issue.input) ? Object.keys(issue.input).filter((k) => !issue.keys.includes(k)) : [];
    return issue.keys
      .map((key) => {
        const field = label([...issue.path, key]);
        const value = isRecord(issue.input) ? issue.input[key] : undefined;
        return `${field} is ${describeValue(value)}, but ${key} is not a known setting here${where.length > 0 ? ` (known: ${where.join(", ")})` : ""}`;
      })
      .join("\n");
  }
  // A union reports the whole mapping; show the field it was told apart by instead.
  const key = issue.path.at(-1);
  const input =
    issue.code === "invalid_union" && isRecord(issue.input) && typeof key === "string" ? issue.input[key] : issue.input;
  return `${label(issue.path)} is ${describeValue(input)}, but ${issue.message}`;
}

/**
 * Site names must be unique (each is its own stack and state). So must tenants, unless every site sharing one sets
 * `allowSharedTenant`; sites in one tenant then need distinct display names (`prevent_duplicate_names`).
 */
function duplicateProblems(sites: readonly SiteConfig[]): string[] {
  const problems: string[] = [];
  const firstBy = new Map<string, number>();
  const check = (index: number, field: string, key: string, allowed: (earlier: SiteConfig) => boolean, why: string) => {
    const site = sites[index]!;
    const earlierIndex = firstBy.get(key);
    if (earlierIndex === undefined) return void firstBy.set(key, index);
    const earlier = sites[earlierIndex]!;
    if (allowed(earlier)) return;
    const value = (site as unknown as Record<string, unknown>)[field];
    problems.push(
      `sites[${index}].${field} is ${describeValue(value)}, but ${why}: sites[${earlierIndex}] (site "${earlier.name}") uses it too [site "${site.name}"]`,
    );
  };
  sites.forEach((site, index) => {
    check(index, "name", `name:${site.name}`, () => false, "must be unique");
    check(
      index,
      "tenantId",
      `tenant:${site.tenantId.toLowerCase()}`,
      (earlier) => earlier.allowSharedTenant && site.allowSharedTenant,
      "must be unique unless both sites set allowSharedTenant: true",
    );
    check(
      index,
      "displayName",
      `tenant-name:${site.tenantId.toLowerCase()}:${site.displayName.toLowerCase()}`,
      () => false,
      "must differ from the other sites in the same tenant (Entra refuses duplicate app names here)",
    );
  });
  return problems;
}

/** Site values over defaults, recursively for mappings; a different state backend replaces the whole block. */
function mergeSettings(base: Raw, over: Raw): Raw {
  const result: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = result[key];
    const replaces = !isRecord(under) || !isRecord(value) || ("backend" in value && value.backend !== under.backend);
    result[key] = replaces ? value : mergeSettings(under, value);
  }
  return result;
}

function setPath(target: Raw, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = isRecord(target[head]) ? { ...(target[head] as Raw) } : {};
  target[head] = next;
  setPath(next, rest, value);
}

function hasPath(source: unknown, path: readonly PropertyKey[]): boolean {
  let current = source;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return false;
    if (!(String(key) in (current as Raw))) return false;
    current = (current as Raw)[String(key)];
  }
  return true;
}
