/**
 * Limits and formats Entra ID sets, and the rules that judge a value against them: used by the constructs to check
 * their props and by any configuration loader (this repository's config/), so both refuse the same values with the
 * same words. Each rule returns what the value must be ("<field> is <value>, but <rule's answer>"), or undefined.
 */

/** Entra ID limits an application's displayName to 256 characters (Microsoft Graph `application` resource type). */
export const MAX_DISPLAY_NAME_LENGTH = 256;

/** The Entra admin center offers at most 24 months for a client secret; tenants may enforce less by policy. */
export const DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS = 730;

/** Tenant ids and object ids are GUIDs (Microsoft Graph: `id` and `tenantId` are `String (identifier)`, a GUID). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a GUID (any case): the one test for tenant, client, object and key ids. */
export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/** A GUID to show in messages. */
export const GUID_EXAMPLE = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";

/** Why `value` is not a GUID naming `what` (e.g. "the Entra directory (tenant) id"), or undefined when it is one. */
export function guidProblem(value: unknown, what: string): string | undefined {
  return isGuid(value) ? undefined : `must be a GUID (${what}) such as ${GUID_EXAMPLE}`;
}

/** Why `value` cannot be an application's display name, or undefined when it can. */
export function displayNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a display name (text)";
  if (value.trim() === "") return "must not be empty (the app's name in the Entra admin center)";
  if (value.length > MAX_DISPLAY_NAME_LENGTH) {
    return `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters (Entra ID's limit)`;
  }
  return undefined;
}
