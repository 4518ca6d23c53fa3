import { Construct } from "constructs";
import { GraphClientApplication } from "./graph-client-application";
import type { GraphAppRole } from "./graph-facts";

/** Properties of {@link MiradoreApplication}. */
export interface MiradoreApplicationProps {
  /**
   * The app's name in the Entra admin center ("App registrations" and "Enterprise applications").
   * Changing it renames the app in place.
   */
  readonly displayName: string;

  /**
   * Object ids of the app's owners: users or service principals that may manage it.
   * The stack passes the deploying principal first, so Terraform keeps the right to manage what it created
   * (required when the deploying identity only has `Application.ReadWrite.OwnedBy`).
   */
  readonly ownerObjectIds: string[];

  /** The Microsoft Graph application permissions Miradore needs, requested as app roles (`type = "Role"`). */
  readonly graphAppRoles: GraphAppRole[];

  /**
   * Text for the app's internal notes, shown to admins in the Entra admin center.
   * @default - says the app is Miradore's Entra ID connection and is managed by Terraform
   */
  readonly notes?: string;
}

/**
 * Portal steps "Register an application" and "Add a permission": a single-tenant app registration that requests the
 * Graph application permissions, and its service principal (the "enterprise application" that consent is granted to).
 */
export class MiradoreApplication extends GraphClientApplication {
  constructor(scope: Construct, id: string, props: MiradoreApplicationProps) {
    super(scope, id, {
      ...props,
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
