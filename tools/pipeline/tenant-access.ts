// The message for a stack whose CI identity the site's tenant does not let in: it names the tenant and the admin
// consent link that lets it in again, so the operator notice says whom to ask and what to send.
import { adminConsentUrl } from "../../app/onboarding/admin-consent-url";
import type { ApplyFailure } from "./apply-failures";
import { PipelineError } from "./command-context";
import type { StackSignIn } from "./stack-sign-in";

/** A run the site's tenant did not let in; the apply record keeps the tenant and client id for the notice's link. */
export class TenantAccessError extends PipelineError {
  constructor(
    message: string,
    readonly signIn: StackSignIn,
  ) {
    super(message);
  }
}

type NoAccess = Extract<ApplyFailure, { kind: "no-access" }>;

/** One line: what failed, in which tenant, and the link (or command) that fixes it; never a secret. */
export function describeNoAccess(stack: string, command: string, failure: NoAccess, signIn: StackSignIn): string {
  const tenant = signIn.tenantId ?? "(the site's tenant)";
  const clientId = failure.clientId ?? signIn.clientId;
  const who = clientId ? `the CI identity (client id ${clientId})` : "the CI identity";
  const what =
    failure.reason === "not-in-tenant"
      ? `tenant ${tenant} does not let ${who} sign in: it has no service principal there (Entra AADSTS700016: the tenant's administrator has not consented to it, or removed it, which revokes the consent)`
      : `tenant ${tenant} refused ${who} a Microsoft Graph call it needs (403 Authorization_RequestDenied: its admin consent was revoked or lacks a permission, or it does not own an app made by hand)`;
  const onboard = `npm run onboard -- --tenant ${signIn.tenantId ?? "<tenant id>"}`;
  const link =
    signIn.tenantId && clientId
      ? `: ${adminConsentUrl(signIn.tenantId, clientId)} (${onboard} prints both identities' links and a Terraform alternative)`
      : ` (${onboard} prints the links)`;
  return (
    `stack ${stack}: terraform ${command} failed: ${failure.summary}: ${what}; not retried, and the site's current ` +
    "secret keeps working in Miradore until it expires. " +
    `Ask that tenant's administrator to grant the consent again${link}. If the customer has left, remove the site ` +
    'from the configuration instead (README, "Many sites")'
  );
}
