/**
 * Environment variables that override the configuration file, for every site (CI sets them as repository variables).
 * Precedence: environment, then the site's own entry, then `defaults`, then built-in defaults.
 */
export interface EnvironmentOverride {
  /** The variable's name. */
  readonly variable: string;
  /** The setting it overrides, as a path inside a site. */
  readonly path: readonly string[];
  /** How the text is read. Text that does not fit is passed on unchanged, so validation reports it as given. */
  readonly kind: "text" | "number" | "boolean" | "list";
  /** Only meaningful when the file has exactly one site. */
  readonly singleSiteOnly?: boolean;
}

export const ENVIRONMENT_OVERRIDES: readonly EnvironmentOverride[] = [
  { variable: "MIRADORE_TENANT_ID", path: ["tenantId"], kind: "text", singleSiteOnly: true },
  { variable: "MIRADORE_DISPLAY_NAME", path: ["displayName"], kind: "text" },
  { variable: "MIRADORE_GROUP_FILTERING", path: ["groupFiltering"], kind: "boolean" },
  { variable: "MIRADORE_ADDITIONAL_OWNER_OBJECT_IDS", path: ["additionalOwnerObjectIds"], kind: "list" },
  { variable: "MIRADORE_SECRET_LIFETIME_DAYS", path: ["secret", "lifetimeDays"], kind: "number" },
  { variable: "MIRADORE_SECRET_ROTATION_INTERVAL_DAYS", path: ["secret", "rotationIntervalDays"], kind: "number" },
  { variable: "MIRADORE_SECRET_HANDOFF_DAYS", path: ["secret", "handoffDays"], kind: "number" },
  { variable: "MIRADORE_SECRET_MAX_RUN_GAP_DAYS", path: ["secret", "maxRunGapDays"], kind: "number" },
  { variable: "MIRADORE_TENANT_MAX_SECRET_LIFETIME_DAYS", path: ["secret", "tenantMaxLifetimeDays"], kind: "number" },
  { variable: "MIRADORE_STATE_BACKEND", path: ["state", "backend"], kind: "text" },
  { variable: "MIRADORE_STATE_STORAGE_ACCOUNT", path: ["state", "storageAccountName"], kind: "text" },
  { variable: "MIRADORE_STATE_CONTAINER", path: ["state", "containerName"], kind: "text" },
  { variable: "MIRADORE_STATE_KEY_PREFIX", path: ["state", "keyPrefix"], kind: "text" },
];

/** Reads a variable's text as its kind; text that does not parse is returned as is for validation to reject. */
export function readOverride(kind: EnvironmentOverride["kind"], text: string): unknown {
  switch (kind) {
    case "number":
      return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "list":
      return text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    case "text":
      return text;
  }
}

/** The overrides set in `env` (empty values count as unset). */
export function activeOverrides(env: NodeJS.ProcessEnv): { override: EnvironmentOverride; value: unknown }[] {
  return ENVIRONMENT_OVERRIDES.flatMap((override) => {
    const text = env[override.variable];
    return text === undefined || text === "" ? [] : [{ override, value: readOverride(override.kind, text) }];
  });
}
