// What `npm run onboard` prints for one customer tenant: the consent links, what the customer's administrator will
// see and grant, and the Terraform alternative. Pure text, so it is tested as such.
import { graphAppRoleNames } from "../../constructs";
import { adminConsentUrl } from "./admin-consent-url";
import { CUSTOMER_TENANT_IDENTITIES, type CustomerTenantStackProps } from "./customer-tenant-stack";

const WHAT_FOR: Readonly<Record<(typeof CUSTOMER_TENANT_IDENTITIES)[number]["id"], string>> = {
  deploy:
    "deploy identity: creates and rotates the Miradore app it owns and grants its consent (jobs in the production environment only)",
  plan: "plan identity: reads only (pull request plans, the daily drift check)",
};

/** The instructions for onboarding `props.tenantId`; `stackDir` is where the Terraform alternative was written. */
export function onboardingInstructions(props: CustomerTenantStackProps, stackDir: string): string {
  const lines = [
    `Onboarding customer tenant ${props.tenantId}: send its administrator (Global Administrator, or Privileged Role`,
    "Administrator: Microsoft Graph application permissions need one of these) both links, one after the other:",
    "",
  ];
  for (const identity of CUSTOMER_TENANT_IDENTITIES) {
    lines.push(
      `  ${WHAT_FOR[identity.id]}`,
      `    permissions (Microsoft Graph, application): ${graphAppRoleNames(identity.rolesOf(props))}`,
      `    ${adminConsentUrl(props.tenantId, identity.clientIdOf(props))}`,
      "",
    );
  }
  lines.push(
    "Each link asks the administrator to sign in to their tenant and shows the app's name, its publisher and the",
    "permissions above; Accept adds the app to their Enterprise applications and grants exactly those. The CI apps",
    "register no reply address, so the page that follows may be an error: the administrator checks Enterprise",
    "applications → the app → Permissions to see the grants.",
    "",
    `Or, with Terraform, the administrator applies ${stackDir} (az login --tenant ${props.tenantId},`,
    "then terraform init && terraform apply): the same service principals and grants, as code.",
    "",
    "Then add the site to miradore.config.yaml with this tenantId. Until the consent is granted its runs fail with",
    "a message that names this tenant and these links.",
  );
  return `${lines.join("\n")}\n`;
}
