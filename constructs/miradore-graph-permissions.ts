import { GROUP_READ_ALL, type GraphAppRole, USER_READ_ALL } from "./graph-facts";

/**
 * The Microsoft Graph application permissions Miradore's Entra ID connection needs, in the order they are requested:
 * `User.Read.All` to import users, and `Group.Read.All` for group filtering (Miradore's article "Connecting Miradore
 * to Microsoft Entra ID"). The one list of them: what {@link MiradoreApplication} requests and
 * {@link GraphAdminConsent} grants (through {@link miradoreGraphAppRoles}), what {@link MiradorePolicyChecks} allows by
 * default, and what messages name.
 */
export const MIRADORE_GRAPH_APP_ROLES: readonly GraphAppRole[] = [USER_READ_ALL, GROUP_READ_ALL];

/** Miradore's Graph application permissions by name (`User.Read.All` → its app role). */
export const GRAPH_APP_ROLES: ReadonlyMap<string, GraphAppRole> = new Map(
  MIRADORE_GRAPH_APP_ROLES.map((role) => [role.value, role]),
);

/** The permission that group filtering adds; without group filtering it is neither requested nor granted. */
export const GROUP_FILTERING_GRAPH_APP_ROLE: GraphAppRole = GROUP_READ_ALL;

/** The permissions a Miradore site requests: all of {@link MIRADORE_GRAPH_APP_ROLES}, less group filtering's when off. */
export function miradoreGraphAppRoles(groupFiltering: boolean): GraphAppRole[] {
  return MIRADORE_GRAPH_APP_ROLES.filter((role) => groupFiltering || role !== GROUP_FILTERING_GRAPH_APP_ROLE);
}

/** Permission names for a sentence: "User.Read.All and Group.Read.All". */
export function graphAppRoleNames(roles: readonly GraphAppRole[]): string {
  const names = roles.map((role) => role.value);
  return names.length <= 1 ? (names[0] ?? "none") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
