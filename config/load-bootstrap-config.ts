import { ConfigError, formatPath } from "./config-error";
import { BootstrapConfig, bootstrapConfigSchema } from "./bootstrap-config-schema";
import { knownKeysAt } from "./known-settings";
import { describeIssue, parseYamlText } from "./load-config";
import { readUtf8File } from "./read-utf8-file";

/** Where the bootstrap configuration is read from when neither an argument nor `MIRADORE_BOOTSTRAP_CONFIG` says. */
export const DEFAULT_BOOTSTRAP_CONFIG_FILE = "bootstrap.config.yaml";

/** Reads and validates the bootstrap configuration; throws {@link ConfigError} listing every problem. */
export function loadBootstrapConfig(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): BootstrapConfig {
  const env = options.env ?? process.env;
  const path = options.path ?? (env.MIRADORE_BOOTSTRAP_CONFIG || DEFAULT_BOOTSTRAP_CONFIG_FILE);
  return parseBootstrapConfig(readUtf8File(path, "the bootstrap configuration file"), path);
}

/** Validates bootstrap configuration text (YAML or JSON); throws {@link ConfigError} listing every problem. */
export function parseBootstrapConfig(text: string, source: string): BootstrapConfig {
  const raw = parseYamlText(text, source) ?? {};
  const checked = bootstrapConfigSchema.safeParse(raw, { reportInput: true });
  if (!checked.success)
    throw new ConfigError(
      source,
      checked.error.issues.map((issue) =>
        describeIssue(issue, formatPath, (path) => knownKeysAt(bootstrapConfigSchema, path, raw)),
      ),
    );
  return checked.data;
}
