// A service provider's fleet: one pair of CI identities (deploy, plan) in the provider's own tenant, enabled for other
// organizations, each with a service principal and admin consent in every customer tenant. Workload identity
// federation keeps working across tenants: the federated credentials live on the app registration in its home tenant,
// and the token exchange (a client-credentials request with GitHub's token as client assertion) can be made against
// any tenant where the app has a service principal. Sources: Microsoft Learn, "Workload identity federation"
// (learn.microsoft.com/entra/workload-id/workload-identity-federation: the credential is configured on the app
// registration) and "Configure an application to trust a managed identity"
// (learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity: a multitenant
// app with a federated credential in its home tenant requests tokens for a target tenant where it is provisioned).
import type { IConstruct } from "constructs";
import { suppressPolicyRule } from "../../constructs";

/** The sign-in audience of a CI app: any organization's directory for a fleet, else this one only. */
export function multiTenantAudience(multiTenant: boolean | undefined): "AzureADMyOrg" | "AzureADMultipleOrgs" {
  return multiTenant ? "AzureADMultipleOrgs" : "AzureADMyOrg";
}

/** Suppresses MIR-APP-1 (single tenant only) on a CI app of a fleet, with the reason. */
export function allowMultiTenantCiApp(scope: IConstruct): void {
  suppressPolicyRule(scope, {
    ruleId: "MIR-APP-1",
    reason:
      "a service provider's CI identity serves many customer tenants: each tenant's administrator consents to it " +
      "(npm run onboard); its federated credentials, in the provider's tenant, still admit only this repository's jobs",
  });
}
