/**
 * Facts about Microsoft Graph that are the same in every Entra ID tenant.
 *
 * Source for every GUID below: Microsoft Graph permissions reference,
 * https://learn.microsoft.com/en-us/graph/permissions-reference ("All permissions and IDs"), and the `appRoles` of the
 * Microsoft Graph service principal (`az ad sp show --id 00000003-0000-0000-c000-000000000000 --query appRoles`).
 *
 * Why literals and not a look-up of the Graph service principal's `app_role_ids`: app role ids of first-party APIs are
 * published, global and never reused, so literals make every plan show exactly which permission is requested (a
 * look-up would print "(known after apply)" on a first deploy), keep synthesis and plan review offline, and save a
 * Graph read on every plan. The stack still reads the Graph service principal (its object id differs per tenant) and
 * checks these literals against its `app_role_ids` with a postcondition, so a wrong GUID fails the plan, not consent.
 */

/** Microsoft Graph's application (client) id: the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** A Microsoft Graph application permission (an app role, `type = "Role"` in `required_resource_access`). */
export interface GraphAppRole {
  /** The permission's name, as the Entra admin center and `app_role_ids` show it. */
  readonly value: string;
  /** The app role id. */
  readonly id: string;
  /** What the permission allows, in the words of the permissions reference. */
  readonly description: string;
}

/** Read the full profile of every user, without a signed-in user. Miradore imports users with it. */
export const USER_READ_ALL: GraphAppRole = {
  value: "User.Read.All",
  id: "df021288-bdef-4463-88db-98f22de89214",
  description: "Read all users' full profiles without a signed-in user",
};

/** Read every group and its memberships, without a signed-in user. Miradore's group filtering needs it. */
export const GROUP_READ_ALL: GraphAppRole = {
  value: "Group.Read.All",
  id: "5b567255-7703-4780-807c-7be8301ae99b",
  description: "Read all groups and their memberships without a signed-in user",
};

// The application permissions an identity that deploys a Miradore connection needs, and the read-only ones for planning.
// Which resource needs which, with sources: docs/bootstrap.md (this repository's bootstrap stack grants them).

/**
 * Create applications, and fully manage (read, update, update secrets, delete) those the caller owns; it cannot update
 * apps it does not own. The Miradore stack makes the deploying identity an owner of what it creates for this reason.
 */
export const APPLICATION_READ_WRITE_OWNED_BY: GraphAppRole = {
  value: "Application.ReadWrite.OwnedBy",
  id: "18a4783c-866b-4cc7-a460-3d5e5662c884",
  description: "Manage apps that this app creates or owns",
};

/**
 * Grant and revoke app role assignments (application permissions) to any API, Microsoft Graph included, without a
 * signed-in user. The permissions reference cautions that it lets an app grant additional privileges to itself.
 */
export const APP_ROLE_ASSIGNMENT_READ_WRITE_ALL: GraphAppRole = {
  value: "AppRoleAssignment.ReadWrite.All",
  id: "06b708a9-e830-4db3-a914-8e69da51d44f",
  description: "Manage app permission grants and app role assignments",
};

/** Read all applications and service principals without a signed-in user (e.g. the tenant's Graph service principal). */
export const APPLICATION_READ_ALL: GraphAppRole = {
  value: "Application.Read.All",
  id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  description: "Read all applications",
};

/**
 * Read the directory's data (users, groups, apps, service principals and grants) without a signed-in user. The drift
 * check needs it for one call: the delegated permission grants of the Miradore service principal
 * (`GET /servicePrincipals/{id}/oauth2PermissionGrants`), whose least privileged documented application permission it
 * is (Microsoft Graph API reference, "List oauth2PermissionGrants": Application: Directory.Read.All).
 */
export const DIRECTORY_READ_ALL: GraphAppRole = {
  value: "Directory.Read.All",
  id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
  description: "Read directory data",
};

/**
 * Read the tenant's audit and sign-in logs without a signed-in user. Only with the bootstrap's opt-in `signInLogs`:
 * the rotation run reads which secret Miradore signs in with (Microsoft Graph API reference, "List signIns",
 * beta: Application: AuditLog.Read.All; docs/sign-in-logs.md). The id: Microsoft Graph permissions reference.
 */
export const AUDIT_LOG_READ_ALL: GraphAppRole = {
  value: "AuditLog.Read.All",
  id: "b0afded3-3588-46d8-8b3d-9842eff778da",
  description: "Read all audit log data",
};
