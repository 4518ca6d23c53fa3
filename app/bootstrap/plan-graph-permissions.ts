import { APPLICATION_READ_ALL, DIRECTORY_READ_ALL, type GraphAppRole } from "../../constructs";
import type { DeployerGraphPermission } from "./deployer-graph-permissions";

/** A Graph application permission the plan identity holds, with what needs it and where that is documented. */
export type PlanGraphPermission = DeployerGraphPermission;

const PROVIDER = "hashicorp/terraform-provider-azuread v3.7.0";
const GRAPH_DOCS = "microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/includes/permissions/";

/**
 * Exactly what `terraform plan` (and the drift check's `terraform plan -refresh-only`) of the Miradore stack needs:
 * reading, never writing. Planning refreshes every managed object and reads every data source; each read, in the
 * provider's source, and the least privileged application permission Microsoft Graph documents for its call:
 * - `azuread_application`: `applicationResourceRead` → GET /applications/{id} (and a beta GET of one property), then
 *   GET /applications/{id}/owners (owners are kept as object ids only, which Graph returns without user-read rights).
 *   "Get application" and "List owners": Application.Read.All.
 * - `azuread_application_password`: `applicationPasswordResourceRead` → GET /applications/{id}, then the password is
 *   looked up in its `passwordCredentials`. Application.Read.All.
 * - `azuread_service_principal`: `servicePrincipalResourceRead` → GET /servicePrincipals/{id}, then …/owners.
 *   "Get servicePrincipal" and "List owners": Application.Read.All.
 * - `azuread_app_role_assignment`: `appRoleAssignmentResourceRead` → GET /servicePrincipals/{resource}/appRoleAssignedTo/{id}.
 *   "Get appRoleAssignment" for a resource service principal, and "List appRoleAssignedTo": Application.Read.All.
 * - `data.azuread_service_principal` (Microsoft Graph, by client id): GET /servicePrincipals?$filter=appId eq '…'.
 *   "List servicePrincipals": Application.Read.All; the provider's docs: "`Application.Read.All` or `Directory.Read.All`".
 * - `data.azuread_client_config`: no Graph call (tenant, client and object id come from the token); the provider's
 *   docs: "No additional roles are required to use this data source."
 * Directory.Read.All would also do for these, and reads far more (users, groups, the whole directory); it is granted
 * only for what nothing narrower is documented for: the drift check's listing of the Miradore service principal's
 * delegated grants (tools/pipeline/unmanaged-credentials.ts). It adds little for whoever can run code as this
 * identity: such code can already read the state, whose client secret holds User.Read.All and Group.Read.All.
 */
export const PLAN_GRAPH_PERMISSIONS: readonly PlanGraphPermission[] = [
  {
    role: APPLICATION_READ_ALL,
    neededFor:
      "refreshing azuread_application and azuread_service_principal (with their owners), azuread_application_password " +
      "and azuread_app_role_assignment; reading data.azuread_service_principal (the tenant's Microsoft Graph)",
    source:
      `${PROVIDER}, internal/services/applications (applicationResourceRead, applicationPasswordResourceRead), ` +
      "serviceprincipals (servicePrincipalResourceRead, servicePrincipalDataSourceRead), approleassignments " +
      `(appRoleAssignmentResourceRead); ${GRAPH_DOCS}application-get-permissions.md, ` +
      "serviceprincipal-get-permissions.md, serviceprincipal-list-owners-permissions.md, " +
      "serviceprincipal-list-approleassignedto-permissions.md (Application: least privileged Application.Read.All); " +
      "learn.microsoft.com/graph/api/application-list-owners, serviceprincipal-list, approleassignment-get",
  },
  {
    role: DIRECTORY_READ_ALL,
    neededFor: "the drift check: listing the delegated permission grants of the Miradore service principal",
    source:
      "learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants (Application: least privileged " +
      "Directory.Read.All); docs/credential-drift.md",
  },
];

/** The Graph application permissions the bootstrap stack requests and grants to the plan identity. */
export const PLAN_GRAPH_APP_ROLES: readonly GraphAppRole[] = PLAN_GRAPH_PERMISSIONS.map((p) => p.role);
