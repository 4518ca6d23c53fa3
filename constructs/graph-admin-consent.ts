import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { DataAzureadServicePrincipal } from "@cdktf/provider-azuread/lib/data-azuread-service-principal";
import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { Construct } from "constructs";
import { guidProblem } from "./entra-limits";
import { GraphAppRole, MICROSOFT_GRAPH_APP_ID } from "./graph-facts";
import { assertProps, eachOf } from "./private/prop-problems";
import { AZUREAD, providerFor } from "./private/providers";

/** Properties of {@link GraphAdminConsent}. */
export interface GraphAdminConsentProps {
  /** Object id of the service principal that receives the permissions (the Miradore app's). */
  readonly principalObjectId: string;

  /** The Graph application permissions to grant; one app role assignment each, named by the permission. */
  readonly graphAppRoles: readonly GraphAppRole[];

  /**
   * The azuread provider (of this stack) that grants the consent; one with an alias selects that configuration.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly provider?: AzureadProvider;
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
    const names = props.graphAppRoles.map((role) => role.value);
    assertProps(this, [
      [
        "principalObjectId",
        props.principalObjectId,
        guidProblem(props.principalObjectId, "a service principal's object id"),
      ],
      [
        "graphAppRoles",
        names,
        new Set(names).size === names.length ? undefined : "must name each permission once (one assignment each)",
      ],
      // Both are written into the postcondition's expression below: only a permission's name and a GUID may be.
      ...eachOf("graphAppRoles", props.graphAppRoles, (role) => graphAppRoleProblem(role as GraphAppRole)),
    ]);
    const provider = providerFor(this, "provider", AZUREAD, props.provider);

    this.graphServicePrincipal = new DataAzureadServicePrincipal(this, "microsoft-graph", {
      clientId: MICROSOFT_GRAPH_APP_ID,
      provider,
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
          provider,
        }),
      ]),
    );
  }
}

/** Why `role` cannot be written into a Terraform expression as a permission, or undefined when it can. */
function graphAppRoleProblem(role: GraphAppRole): string | undefined {
  if (typeof role?.value !== "string" || !/^[A-Za-z][A-Za-z0-9.]*$/.test(role.value)) {
    return "must have a permission name as value, such as User.Read.All";
  }
  return guidProblem(role.id, "the app role id");
}
