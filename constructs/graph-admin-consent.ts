import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { DataAzureadServicePrincipal } from "@cdktf/provider-azuread/lib/data-azuread-service-principal";
import { Construct } from "constructs";
import { GraphAppRole, MICROSOFT_GRAPH_APP_ID } from "./graph-facts";

/** Properties of {@link GraphAdminConsent}. */
export interface GraphAdminConsentProps {
  /** Object id of the service principal that receives the permissions (the Miradore app's). */
  readonly principalObjectId: string;

  /** The Graph application permissions to grant; one app role assignment each. */
  readonly graphAppRoles: GraphAppRole[];
}

/**
 * Portal step "Grant admin consent": for application permissions, consent is one app role assignment per permission,
 * from the app's service principal to the tenant's Microsoft Graph service principal.
 */
export class GraphAdminConsent extends Construct {
  /** The tenant's Microsoft Graph service principal (read, never managed). */
  public readonly graphServicePrincipal: DataAzureadServicePrincipal;

  /** One assignment per permission, keyed by the permission's name (e.g. `User.Read.All`). */
  public readonly assignments: ReadonlyMap<string, AppRoleAssignment>;

  constructor(scope: Construct, id: string, props: GraphAdminConsentProps) {
    super(scope, id);

    this.graphServicePrincipal = new DataAzureadServicePrincipal(this, "microsoft-graph", {
      clientId: MICROSOFT_GRAPH_APP_ID,
    });
    // Our app role ids are literals (see graph-facts.ts); fail the plan, not the consent, if the tenant disagrees.
    this.graphServicePrincipal.addOverride(
      "lifecycle.postcondition",
      props.graphAppRoles.map((role) => ({
        condition: `\${lookup(self.app_role_ids, "${role.value}", "") == "${role.id}"}`,
        error_message: `Microsoft Graph in this tenant does not publish ${role.value} as app role ${role.id}.`,
      })),
    );

    this.assignments = new Map(
      props.graphAppRoles.map((role) => [
        role.value,
        new AppRoleAssignment(this, role.value, {
          appRoleId: role.id,
          principalObjectId: props.principalObjectId,
          resourceObjectId: this.graphServicePrincipal.objectId,
        }),
      ]),
    );
  }
}
