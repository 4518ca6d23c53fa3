import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TerraformLocal, TerraformProvider, TerraformVariable, type TerraformStack } from "cdktf";
import type { SiteConfig } from "../config/config-schema";
import { CI_CLIENT_IDS_LOCAL, CI_IDENTITY_VARIABLE, CI_ROLES } from "./ci-identity-names";

/**
 * A site whose tenant insists on CI apps of its own (`ciIdentity`) instead of the service provider's multi-tenant
 * ones: the stack's azuread provider signs in with the site's deploy or plan client id, chosen per run by the
 * variable `miradore_ci_identity` (the workflows set TF_VAR_miradore_ci_identity to `deploy` in the production jobs
 * and to `plan` in the plan jobs), so the trust boundary stays: plan jobs can only sign in as the site's plan
 * identity, whose federated credentials admit them, and only production jobs as its deploy identity. Left empty (a
 * person deploying by hand), the provider signs in as the environment says (ARM_CLIENT_ID, az login). The state
 * backend is not affected: it keeps signing in as ARM_CLIENT_ID, in the service provider's tenant.
 */
export function useSiteCiIdentity(stack: TerraformStack, ciIdentity: NonNullable<SiteConfig["ciIdentity"]>): void {
  const provider = stack.node.children.find(
    (child): child is AzureadProvider =>
      TerraformProvider.isTerraformProvider(child) &&
      child.terraformResourceType === "azuread" &&
      child.alias === undefined,
  );
  if (!provider) throw new Error(`${stack.node.path}: ciIdentity needs the stack's azuread provider`);
  const roles = CI_ROLES.map((role) => JSON.stringify(role)).join(", ");
  new TerraformVariable(stack, CI_IDENTITY_VARIABLE, {
    type: "string",
    default: "",
    description: `Which of the site's own CI identities signs in: ${roles}, or "" for the environment's (ARM_CLIENT_ID).`,
    validation: [
      {
        condition: `\${contains(["", ${roles}], var.${CI_IDENTITY_VARIABLE})}`,
        errorMessage: `${CI_IDENTITY_VARIABLE} must be ${roles} or "" (set TF_VAR_${CI_IDENTITY_VARIABLE}).`,
      },
    ],
  });
  new TerraformLocal(stack, CI_CLIENT_IDS_LOCAL, {
    deploy: ciIdentity.deployClientId,
    plan: ciIdentity.planClientId,
  });
  provider.clientId = `\${var.${CI_IDENTITY_VARIABLE} == "" ? null : local.${CI_CLIENT_IDS_LOCAL}[var.${CI_IDENTITY_VARIABLE}]}`;
}
