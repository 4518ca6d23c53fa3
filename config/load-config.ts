import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, describeValue, formatPath } from "./config-error";
import { fileSchema, SiteConfig, siteSchema, siteSettingsSchema } from "./config-schema";
import { activeOverrides, ENVIRONMENT_OVERRIDES, type EnvironmentOverride } from "./environment-overrides";
import { knownKeysAt, suggestKey } from "./known-settings";
import { readUtf8File } from "./read-utf8-file";

/** The validated configuration: one entry per Miradore site, defaults and overrides applied. */
export interface MiradoreConfig {
  /** Where it was read from, for messages. */
  readonly source: string;
  readonly sites: readonly SiteConfig[];
}

/** Where the configuration is read from when neither an argument nor `MIRADORE_CONFIG` says otherwise. */
export const DEFAULT_CONFIG_FILE = "miradore.config.yaml";

/**
 * How many times YAML aliases (`*name`) may be expanded in one file. A configuration has no use for more; without a
 * limit, a few lines of nested aliases expand into gigabytes (the "billion laughs" attack). The yaml library's own
 * default, stated here so the message can name it.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads and validates the configuration file; throws {@link ConfigError} listing every problem. */
export function loadConfig(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): MiradoreConfig {
  const { text, source } = readConfigFile(options);
  return parseConfig(text, source, options.env ?? process.env);
}

/** The configuration file's text (UTF-8 only), from `path`, else `MIRADORE_CONFIG`, else miradore.config.yaml. */
export function readConfigFile(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): {
  text: string;
  source: string;
} {
  const path = options.path ?? ((options.env ?? process.env).MIRADORE_CONFIG || DEFAULT_CONFIG_FILE);
  return { text: readUtf8File(path), source: path };
}

/** Validates configuration text (YAML or JSON); throws {@link ConfigError} listing every problem. */
export function parseConfig(text: string, source: string, env: NodeJS.ProcessEnv = {}): MiradoreConfig {
  const raw = parseYamlText(text, source) ?? {};
  if (!isRecord(raw)) {
    throw new ConfigError(source, [
      `the configuration is ${describeValue(raw)}, but must be a mapping with sites (and optionally defaults)`,
    ]);
  }
  const problems: string[] = [];
  // Unknown top-level keys are reported together with everything below: they must not hide the other problems.
  const topLevel = Object.keys(fileSchema.shape);
  for (const key of Object.keys(raw).filter((k) => !topLevel.includes(k)))
    problems.push(unknownKeyProblem(key, key, raw[key], topLevel));
  const file = fileSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => topLevel.includes(k))), {
    reportInput: true,
  });
  if (!file.success) {
    problems.push(...file.error.issues.map((issue) => describeIssue(issue, formatPath)));
    throw new ConfigError(source, problems);
  }

  const defaults = file.data.defaults ?? {};
  const checkedDefaults = siteSettingsSchema.safeParse(defaults, { reportInput: true });
  if (!checkedDefaults.success) {
    problems.push(
      ...checkedDefaults.error.issues.map((issue) =>
        describeIssue(
          issue,
          (p) => formatPath(["defaults", ...p]),
          (p) => knownKeysAt(siteSettingsSchema, p, defaults),
        ),
      ),
    );
  }

  // An override that only makes sense for one site (the tenant) is refused for a fleet, and then not applied: applied
  // to every site it would only add follow-on problems (every site in one tenant).
  const siteCount = file.data.sites.length;
  const overrides = activeOverrides(env).filter(({ override }) => {
    if (!override.singleSiteOnly || siteCount === 1) return true;
    problems.push(
      `${override.variable} is set, but applies only to a configuration with exactly one site (this one lists ${siteCount}); unset it and set ${formatPath(override.path)} per site instead`,
    );
    return false;
  });

  const sites: SiteConfig[] = [];
  /** Problems with an environment variable's value, by message, with the sites they occur in. */
  const fromEnvironment = new Map<string, string[]>();
  file.data.sites.forEach((rawSite, index) => {
    const merged = mergeSettings(defaults, rawSite);
    for (const { override, value } of overrides) setPath(merged, override.path, value);
    const siteName = typeof rawSite.name === "string" ? rawSite.name : `#${index + 1}`;
    const checked = siteSchema.safeParse(merged, { reportInput: true });
    if (checked.success) {
      sites.push(checked.data);
      return;
    }
    for (const issue of checked.error.issues) {
      const variable = overrideOf(overrides, issue.path);
      if (variable) {
        const message = describeIssue(issue, () => variableLabel(variable)) + overriddenSetting(variable.override);
        fromEnvironment.set(message, [...(fromEnvironment.get(message) ?? []), siteName]);
        continue;
      }
      // Problems with a value inherited from defaults were reported once, above.
      const inherited = !hasPath(rawSite, issue.path) && hasPath(defaults, issue.path);
      if (inherited && !checkedDefaults.success) continue;
      const label = (path: readonly PropertyKey[]) =>
        inherited ? formatPath(["defaults", ...path]) : formatPath(["sites", index, ...path]);
      problems.push(
        describeIssue(issue, label, (p) => knownKeysAt(siteSchema, p, merged)) +
          unsetOverrideHint(issue) +
          ` [site "${siteName}"]`,
      );
    }
  });
  for (const [message, affected] of fromEnvironment) {
    // Once for all sites; per site only when the value fits some sites and not others.
    if (affected.length === siteCount) problems.push(message);
    else problems.push(...affected.map((name) => `${message} [site "${name}"]`));
  }
  problems.push(...duplicateProblems(sites));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { source, sites };
}

/**
 * Parses YAML (or JSON) text holding one document; throws {@link ConfigError} naming the line and column of each
 * syntax error, a second document, or aliases that expand too far.
 */
export function parseYamlText(text: string, source: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = `${source}${at ? ` line ${at.line}, column ${at.col}` : ""}`;
        if (error.code === "MULTIPLE_DOCS") {
          return `${where} starts a second YAML document (after a \`---\` or \`...\` line), but the configuration must be one document: remove the separator and merge the settings into one`;
        }
        const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return `${where} is not valid YAML: ${message}`;
      }),
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    if (/Excessive alias count/.test(message)) {
      throw new ConfigError(source, [
        `${source} expands its YAML aliases (*name) more than ${MAX_YAML_ALIAS_COUNT} times, but at most ${MAX_YAML_ALIAS_COUNT} are allowed (more is how a few lines grow into gigabytes): write the values out, or put settings every site shares under defaults`,
      ]);
    }
    if (/Unresolved alias/.test(message)) {
      throw new ConfigError(source, [
        `${source} is not valid YAML: ${message.split("\n")[0]} (an alias *name needs an anchor &name earlier in the file)`,
      ]);
    }
    throw error;
  }
}

/**
 * One sentence per issue: "<field> is <value>, but <expectation>". `knownKeys` lists the keys the schema allows at a
 * path, for unknown keys (the file's own keys are no guide to what else it may hold).
 */
export function describeIssue(
  issue: z.core.$ZodIssue,
  label: (path: readonly PropertyKey[]) => string,
  knownKeys?: (path: readonly PropertyKey[]) => readonly string[],
): string {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys?.(issue.path) ?? [];
    return issue.keys
      .map((key) =>
        unknownKeyProblem(
          label([...issue.path, key]),
          key,
          isRecord(issue.input) ? issue.input[key] : undefined,
          known,
        ),
      )
      .join("\n");
  }
  // A union reports the whole mapping; show the field it was told apart by instead.
  const key = issue.path.at(-1);
  const input =
    issue.code === "invalid_union" && isRecord(issue.input) && typeof key === "string" ? issue.input[key] : issue.input;
  return `${label(issue.path) || "the configuration"} is ${describeValue(input)}, but ${issue.message}`;
}

/** "<field> is <value>, but <key> is not a known setting here: did you mean `<nearest>`? (known here: …)". */
function unknownKeyProblem(field: string, key: string, value: unknown, known: readonly string[]): string {
  const nearest = suggestKey(key, known);
  return (
    `${field} is ${describeValue(value)}, but ${key} is not a known setting here` +
    (nearest ? `: did you mean \`${nearest}\`?` : "") +
    (known.length > 0 ? ` (known here: ${known.join(", ")})` : "")
  );
}

/** The override that set the value at `path` (or the list or mapping it is inside), if one did. */
function overrideOf(
  overrides: readonly { override: EnvironmentOverride }[],
  path: readonly PropertyKey[],
): { override: EnvironmentOverride; rest: readonly PropertyKey[] } | undefined {
  for (const { override } of overrides) {
    if (override.path.every((key, i) => path[i] === key)) return { override, rest: path.slice(override.path.length) };
  }
  return undefined;
}

/** The variable, and the item in it for a list: `MIRADORE_ADDITIONAL_OWNER_OBJECT_IDS[1]`. */
function variableLabel({ override, rest }: { override: EnvironmentOverride; rest: readonly PropertyKey[] }): string {
  return `${override.variable}${rest.length > 0 ? formatPath(rest).replace(/^([^[])/, ".$1") : ""}`;
}

/** " [environment variable, overrides secret.lifetimeDays]": where the value came from and what it replaced. */
function overriddenSetting(override: EnvironmentOverride): string {
  return ` [environment variable, overrides ${formatPath(override.path)}]`;
}

/** For a missing value an environment variable could also set: "; or set <VARIABLE>". */
function unsetOverrideHint(issue: z.core.$ZodIssue): string {
  if (issue.input !== undefined) return "";
  const variable = overrideFor(issue.path);
  return variable ? `; or set ${variable}` : "";
}

function overrideFor(path: readonly PropertyKey[]): string | undefined {
  return ENVIRONMENT_OVERRIDES.find((o) => formatPath(o.path) === formatPath(path))?.variable;
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
