import { Application } from "@cdktf/provider-azuread/lib/application";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { Construct } from "constructs";
import { GraphAppRole, MICROSOFT_GRAPH_APP_ID } from "./graph-facts";

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
export class MiradoreApplication extends Construct {
  /** The app registration (`azuread_application`). */
  public readonly application: Application;

  /** The app's service principal in this tenant (`azuread_service_principal`). */
  public readonly servicePrincipal: ServicePrincipal;

  constructor(scope: Construct, id: string, props: MiradoreApplicationProps) {
    super(scope, id);

    this.application = new Application(this, "registration", {
      displayName: props.displayName,
      description: "Lets Miradore MDM read users and groups from this directory to import them.",
      notes:
        props.notes ??
        "Miradore's Microsoft Entra ID connection (user import and group filtering). Managed by Terraform: " +
          "change it in code, not in the portal. Client secrets rotate on a schedule; see the repository's runbook.",
      // "Accounts in this organizational directory only".
      signInAudience: "AzureADMyOrg",
      owners: props.ownerObjectIds,
      // Creating a second app with the same name would leave an operator guessing which one Miradore uses.
      preventDuplicateNames: true,
      requiredResourceAccess: [
        {
          resourceAppId: MICROSOFT_GRAPH_APP_ID,
          resourceAccess: props.graphAppRoles.map((role) => ({ id: role.id, type: "Role" })),
        },
      ],
    });

    this.servicePrincipal = new ServicePrincipal(this, "service-principal", {
      clientId: this.application.clientId,
      owners: props.ownerObjectIds,
      // Miradore signs in as the app itself; no user assignment is involved.
      appRoleAssignmentRequired: false,
      notes: "Service principal of Miradore's Entra ID connection. Managed by Terraform.",
    });
  }
}
