// The link a customer tenant's administrator opens to add a CI identity to their tenant and grant it its Microsoft
// Graph application permissions in one step (a service provider's fleet, README "Many sites").
import { isGuid } from "../../constructs";

/**
 * Entra's admin consent endpoint (v1): `https://login.microsoftonline.com/{organization}/adminconsent?client_id={id}`,
 * where `{organization}` is the tenant id (or a verified domain). It asks a signed-in administrator to consent, for
 * the whole tenant, to every permission the app's registration lists ("required resource access"): for an app
 * that only requests application permissions, exactly those. Source: Microsoft Learn, "Grant tenant-wide admin
 * consent to an application", section "Construct the URL for granting tenant-wide admin consent"
 * (learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent). The v2.0 endpoint (`/v2.0/adminconsent`)
 * requires `scope` and a `redirect_uri` registered on the app ("Admin consent on the Microsoft identity platform",
 * learn.microsoft.com/entra/identity-platform/v2-admin-consent); the CI apps register none, hence v1.
 */
export const ADMIN_CONSENT_ENDPOINT = "https://login.microsoftonline.com/{tenant}/adminconsent";

/** The admin consent link for app `clientId` in tenant `tenantId` (both GUIDs; anything else is refused). */
export function adminConsentUrl(tenantId: string, clientId: string): string {
  for (const [name, value, what] of [
    ["tenant id", tenantId, "the customer's directory (tenant) id"],
    ["client id", clientId, "an application (client) id"],
  ] as const) {
    if (!isGuid(value)) {
      throw new Error(`admin consent link: the ${name} is ${JSON.stringify(value)}, but must be a GUID (${what})`);
    }
  }
  return `${ADMIN_CONSENT_ENDPOINT.replace("{tenant}", tenantId)}?client_id=${clientId}`;
}
