// Names the Microsoft Graph permissions a reviewer knows, from the project's Graph facts; any other API permission
// is named by its ids.
import { GRAPH_APP_ROLES, MICROSOFT_GRAPH_APP_ID } from "../../constructs";
import { code, shown } from "./markdown";
import type { Masked } from "./masked-value";

const GRAPH_APP_ROLES_BY_ID = new Map([...GRAPH_APP_ROLES.values()].map((role) => [role.id, role]));

/**
 * One entry of `required_resource_access` (or `azuread_application_api_access`) as Markdown, for example
 * "Microsoft Graph application permission **Group.Read.All** (`5b567255-…`)".
 */
export function describeRequestedPermission(
  apiAppId: Masked | undefined,
  permissionId: Masked | undefined,
  type: Masked | undefined,
): string {
  const kind =
    type === "Role"
      ? "application permission"
      : type === "Scope"
        ? "delegated permission"
        : `permission of type ${shown(type)}`;
  if (apiAppId === MICROSOFT_GRAPH_APP_ID) {
    const role =
      type === "Role" && typeof permissionId === "string" ? GRAPH_APP_ROLES_BY_ID.get(permissionId) : undefined;
    return role
      ? `Microsoft Graph ${kind} **${role.value}** (${code(role.id)}: ${role.description})`
      : `Microsoft Graph ${kind} ${shown(permissionId)} (not one this project knows by name)`;
  }
  return `${kind} ${shown(permissionId)} of the API with client id ${shown(apiAppId)}`;
}

/** The app role an `azuread_app_role_assignment` grants. Graph's app role ids are global, so they name themselves. */
export function describeAssignedAppRole(appRoleId: Masked | undefined, resourceObjectId: Masked | undefined): string {
  const role = typeof appRoleId === "string" ? GRAPH_APP_ROLES_BY_ID.get(appRoleId) : undefined;
  return role
    ? `Microsoft Graph application permission **${role.value}** (${code(role.id)}: ${role.description})`
    : `app role ${shown(appRoleId)} of the service principal ${shown(resourceObjectId)}`;
}
