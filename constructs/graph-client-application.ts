import { Application } from "@cdktf/provider-azuread/lib/application";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { Construct } from "constructs";
import { GraphAppRole, MICROSOFT_GRAPH_APP_ID } from "./graph-facts";

/** Properties of {@link GraphClientApplication}. */
export interface GraphClientApplicationProps {
  /** The app's name in the Entra admin center ("App registrations" and "Enterprise applications"). */
  readonly displayName: string;

  /** Object ids of the app's and its service principal's owners: who may manage it (and add credentials to it). */
  readonly ownerObjectIds: string[];

  /** The Microsoft Graph application permissions the app requests, as app roles (`type = "Role"`). */
  readonly graphAppRoles: readonly GraphAppRole[];

  /** What the app is for, shown as its description. */
  readonly description: string;

  /** Internal notes for admins in the Entra admin center: who manages it and how. */
  readonly notes: string;

  /** Internal notes on the service principal. */
  readonly servicePrincipalNotes: string;

  /**
   * Whether users must be assigned to the app before they can sign in to it.
   * @default - not set: the provider's default (false)
   */
  readonly appRoleAssignmentRequired?: boolean;
}

/**
 * A single-tenant app registration ("Accounts in this organizational directory only") that requests Microsoft Graph
 * application permissions, refuses a duplicate name, and its service principal (the "enterprise application" that
 * consent is granted to and that signs in). No credential is made here.
 */
export class GraphClientApplication extends Construct {
  /** The app registration (`azuread_application`). */
  public readonly application: Application;

  /** The app's service principal in this tenant (`azuread_service_principal`). */
  public readonly servicePrincipal: ServicePrincipal;

  constructor(scope: Construct, id: string, props: GraphClientApplicationProps) {
    super(scope, id);

    this.application = new Application(this, "registration", {
      displayName: props.displayName,
      description: props.description,
      notes: props.notes,
      signInAudience: "AzureADMyOrg",
      owners: props.ownerObjectIds,
      // A second app with the same name would leave an operator guessing which one is in use.
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
      appRoleAssignmentRequired: props.appRoleAssignmentRequired,
      notes: props.servicePrincipalNotes,
    });
  }
}
