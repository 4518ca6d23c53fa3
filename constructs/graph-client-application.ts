import { Application } from "@cdktf/provider-azuread/lib/application";
import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { Construct } from "constructs";
import { displayNameProblem, guidProblem } from "./entra-limits";
import { GraphAppRole, MICROSOFT_GRAPH_APP_ID } from "./graph-facts";
import { assertProps, eachOf } from "./private/prop-problems";
import { AZUREAD, providerFor } from "./private/providers";
import { terraformLiteral } from "./terraform-literal";

/** Properties of {@link GraphClientApplication}. */
export interface GraphClientApplicationProps {
  /** The app's name in the Entra admin center ("App registrations" and "Enterprise applications"), 1-256 characters. */
  readonly displayName: string;

  /**
   * Object ids (GUIDs) of the app's and its service principal's owners: who may manage it (and add credentials to it).
   * The policy checks (rule MIR-APP-2) refuse an app without owners unless suppressed.
   */
  readonly ownerObjectIds: readonly string[];

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

  /**
   * Who may sign in to the app: `AzureADMyOrg` (this tenant only) or `AzureADMultipleOrgs` (any Entra tenant whose
   * administrator consents: a service provider's one CI identity for many customer tenants). A multi-tenant app
   * violates policy rule MIR-APP-1 unless that rule is suppressed on it with the reason.
   * @default "AzureADMyOrg"
   */
  readonly signInAudience?: "AzureADMyOrg" | "AzureADMultipleOrgs";

  /**
   * The azuread provider (of this stack) that manages the app; one with an alias selects that configuration.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly provider?: AzureadProvider;
}

/**
 * An app registration, single tenant ("Accounts in this organizational directory only") unless `signInAudience` says
 * otherwise, that requests Microsoft Graph
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
    assertProps(this, [
      ["displayName", props.displayName, displayNameProblem(props.displayName)],
      ...eachOf("ownerObjectIds", props.ownerObjectIds, (owner) =>
        guidProblem(owner, "the object id of a user or service principal"),
      ),
    ]);
    const provider = providerFor(this, "provider", AZUREAD, props.provider);
    const owners = [...props.ownerObjectIds];

    this.application = new Application(this, "registration", {
      displayName: terraformLiteral(props.displayName),
      description: terraformLiteral(props.description),
      notes: terraformLiteral(props.notes),
      signInAudience: props.signInAudience ?? "AzureADMyOrg",
      owners,
      // A second app with the same name would leave an operator guessing which one is in use.
      preventDuplicateNames: true,
      requiredResourceAccess: [
        {
          resourceAppId: MICROSOFT_GRAPH_APP_ID,
          resourceAccess: props.graphAppRoles.map((role) => ({ id: role.id, type: "Role" })),
        },
      ],
      provider,
    });

    this.servicePrincipal = new ServicePrincipal(this, "service-principal", {
      clientId: this.application.clientId,
      owners,
      appRoleAssignmentRequired: props.appRoleAssignmentRequired,
      notes: terraformLiteral(props.servicePrincipalNotes),
      provider,
    });
  }
}
