import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { Construct } from "constructs";
import { GraphClientApplication } from "./graph-client-application";
import type { GraphAppRole } from "./graph-facts";
import { MIRADORE_GRAPH_APP_ROLES } from "./miradore-graph-permissions";

/** The app's name when none is given (MiradoreConnection, MiradoreStack). */
export const DEFAULT_DISPLAY_NAME = "Miradore MDM";

/** Properties of {@link MiradoreApplication}. */
export interface MiradoreApplicationProps {
  /**
   * The app's name in the Entra admin center ("App registrations" and "Enterprise applications"), 1-256 characters.
   * Changing it renames the app in place.
   */
  readonly displayName: string;

  /**
   * Object ids of the app's owners: users or service principals that may manage it.
   * {@link MiradoreConnection} passes the deploying principal first, so Terraform keeps the right to manage what it
   * created (required when the deploying identity only has `Application.ReadWrite.OwnedBy`).
   */
  readonly ownerObjectIds: readonly string[];

  /**
   * The Microsoft Graph application permissions Miradore needs, requested as app roles (`type = "Role"`).
   * @default MIRADORE_GRAPH_APP_ROLES - User.Read.All and Group.Read.All (see `miradoreGraphAppRoles`)
   */
  readonly graphAppRoles?: readonly GraphAppRole[];

  /**
   * Text for the app's internal notes, shown to admins in the Entra admin center.
   * @default - says the app is Miradore's Entra ID connection and is managed by Terraform
   */
  readonly notes?: string;

  /**
   * The azuread provider (of this stack) that manages the app; one with an alias selects that configuration.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly provider?: AzureadProvider;
}

/**
 * Portal steps "Register an application" and "Add a permission": a single-tenant app registration that requests the
 * Graph application permissions, and its service principal (the "enterprise application" that consent is granted to).
 */
export class MiradoreApplication extends GraphClientApplication {
  constructor(scope: Construct, id: string, props: MiradoreApplicationProps) {
    super(scope, id, {
      displayName: props.displayName,
      ownerObjectIds: props.ownerObjectIds,
      graphAppRoles: props.graphAppRoles ?? MIRADORE_GRAPH_APP_ROLES,
      provider: props.provider,
      description: "Lets Miradore MDM read users and groups from this directory to import them.",
      notes:
        props.notes ??
        "Miradore's Microsoft Entra ID connection (user import and group filtering). Managed by Terraform: " +
          "change it in code, not in the portal. Client secrets rotate on a schedule; see the repository's runbook.",
      servicePrincipalNotes: "Service principal of Miradore's Entra ID connection. Managed by Terraform.",
      // Miradore signs in as the app itself; no user assignment is involved.
      appRoleAssignmentRequired: false,
    });
  }
}
