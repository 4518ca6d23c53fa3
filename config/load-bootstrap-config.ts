import { readFileSync } from "node:fs";
import { ConfigError, formatPath } from "./config-error";
import { BootstrapConfig, bootstrapConfigSchema } from "./bootstrap-config-schema";
import { describeIssue, parseYamlText } from "./load-config";

/** Where the bootstrap configuration is read from when neither an argument nor `MIRADORE_BOOTSTRAP_CONFIG` says. */
export const DEFAULT_BOOTSTRAP_CONFIG_FILE = "bootstrap.config.yaml";

/** Reads and validates the bootstrap configuration; throws {@link ConfigError} listing every problem. */
export function loadBootstrapConfig(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): BootstrapConfig {
  const env = options.env ?? process.env;
  const path = options.path ?? env.MIRADORE_BOOTSTRAP_CONFIG ?? DEFAULT_BOOTSTRAP_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [
      `the bootstrap configuration file ${path} cannot be read (${(error as Error).message})`,
    ]);
  }
  return parseBootstrapConfig(text, path);
}

/** Validates bootstrap configuration text (YAML or JSON); throws {@link ConfigError} listing every problem. */
export function parseBootstrapConfig(text: string, source: string): BootstrapConfig {
  const checked = bootstrapConfigSchema.safeParse(parseYamlText(text, source) ?? {}, { reportInput: true });
  if (!checked.success)
    throw new ConfigError(
      source,
      checked.error.issues.map((issue) => describeIssue(issue, formatPath)),
    );
  return checked.data;
}
