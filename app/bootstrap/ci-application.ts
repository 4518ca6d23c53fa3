import { Construct } from "constructs";
import { type GraphAppRole, GraphClientApplication } from "../../constructs";
import { multiTenantAudience } from "./multi-tenant-identity";

/** Properties of {@link CiApplication}. */
export interface CiApplicationProps {
  /** The app's name in the Entra admin center. */
  readonly displayName: string;

  /**
   * Object ids of the app's owners. Every owner can add a credential to the app and so act with its permissions:
   * list only administrators who already hold a privileged role.
   */
  readonly ownerObjectIds: string[];

  /** The Microsoft Graph application permissions the deploying identity needs (`type = "Role"`). */
  readonly graphAppRoles: GraphAppRole[];

  /**
   * Whether customer tenants may consent to the app (a service provider's fleet; README "Many sites").
   * @default false - single tenant
   */
  readonly multiTenant?: boolean;
}

/**
 * The deploying identity: an app registration (single tenant, or multi-tenant for a fleet of customer tenants) that requests the Graph application permissions deploying
 * needs, and its service principal (which consent is granted to and which CI signs in as). It has no password or
 * certificate: CI signs in with federated credentials only (see {@link GitHubFederatedCredentials}).
 */
export class CiApplication extends GraphClientApplication {
  constructor(scope: Construct, id: string, props: CiApplicationProps) {
    const { multiTenant, ...rest } = props;
    super(scope, id, {
      ...rest,
      signInAudience: multiTenantAudience(multiTenant),
      description: "The identity the Miradore Entra ID pipeline deploys with (GitHub Actions, federated credentials).",
      notes:
        "Privileged: it can grant Microsoft Graph application permissions (AppRoleAssignment.ReadWrite.All). " +
        "Made by the repository's bootstrap stack, run once by an administrator; do not add secrets or owners by hand.",
      servicePrincipalNotes:
        "Service principal of the Miradore deployment pipeline. Privileged; managed by the bootstrap stack.",
    });
  }
}
