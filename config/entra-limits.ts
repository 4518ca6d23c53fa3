/** Limits Entra ID sets, used by the configuration schema and the policy checks (no dependencies, so both can load it). */

/** Entra ID limits an application's displayName to 256 characters (Microsoft Graph `application` resource type). */
export const MAX_DISPLAY_NAME_LENGTH = 256;

/** The Entra admin center offers at most 24 months for a client secret; tenants may enforce less by policy. */
export const DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS = 730;
