import {
  APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
  APPLICATION_READ_ALL,
  APPLICATION_READ_WRITE_OWNED_BY,
  AUDIT_LOG_READ_ALL,
  GraphAppRole,
  graphAppRoleNames,
  MIRADORE_GRAPH_APP_ROLES,
} from "../../constructs";

/** A Graph application permission the deploying identity holds, with what needs it and where that is documented. */
export interface DeployerGraphPermission {
  readonly role: GraphAppRole;
  /** The Terraform resources and data sources of the Miradore stack that need it. */
  readonly neededFor: string;
  /** Where the need is documented. */
  readonly source: string;
}

const PROVIDER_DOCS = "hashicorp/terraform-provider-azuread v3.7.0, docs/";

/**
 * Exactly what deploying the Miradore stack (constructs/miradore-stack.ts) needs, and nothing more. Each need is the
 * least privileged choice the azuread provider's "API Permissions" sections offer for that resource:
 * - `azuread_application`, `azuread_service_principal`, `azuread_application_password`: `Application.ReadWrite.OwnedBy`
 *   (rather than `Application.ReadWrite.All`), which only reaches apps and service principals the identity owns; the
 *   stack lists the deploying identity as owner of both.
 * - `azuread_app_role_assignment`: `AppRoleAssignment.ReadWrite.All` and `Application.Read.All` (the alternatives,
 *   `Application.ReadWrite.All` or `Directory.ReadWrite.All`, are broader).
 * - `data.azuread_service_principal` (Microsoft Graph's): `Application.Read.All` (or the broader `Directory.Read.All`).
 * - `data.azuread_client_config`: none.
 */
export const DEPLOYER_GRAPH_PERMISSIONS: readonly DeployerGraphPermission[] = [
  {
    role: APPLICATION_READ_WRITE_OWNED_BY,
    neededFor: "azuread_application, azuread_service_principal, azuread_application_password (as their owner)",
    source: `${PROVIDER_DOCS}resources/application.md, service_principal.md, application_password.md ("API Permissions")`,
  },
  {
    role: APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
    neededFor: `azuread_app_role_assignment (admin consent for ${graphAppRoleNames(MIRADORE_GRAPH_APP_ROLES)})`,
    source: `${PROVIDER_DOCS}resources/app_role_assignment.md ("API Permissions")`,
  },
  {
    role: APPLICATION_READ_ALL,
    neededFor: "azuread_app_role_assignment, and data.azuread_service_principal (the tenant's Microsoft Graph)",
    source: `${PROVIDER_DOCS}resources/app_role_assignment.md, data-sources/service_principal.md ("API Permissions")`,
  },
];

/** The Graph application permissions the bootstrap stack requests and grants to the deploying identity. */
export const DEPLOYER_GRAPH_APP_ROLES: readonly GraphAppRole[] = DEPLOYER_GRAPH_PERMISSIONS.map((p) => p.role);

/**
 * Opt-in (`signInLogs: true` in bootstrap.config.yaml): the rotation run reads Miradore's service-principal sign-ins
 * (ci:sign-ins, docs/sign-in-logs.md) as the deploy identity, which runs it before each apply. Read-only; the logs
 * also need an Entra ID P1/P2 licence in the tenant.
 */
export const SIGN_IN_LOGS_PERMISSION: DeployerGraphPermission = {
  role: AUDIT_LOG_READ_ALL,
  neededFor: "ci:sign-ins: GET /beta/auditLogs/signIns (which secret Miradore signs in with)",
  source:
    'learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta ("Permissions": Application AuditLog.Read.All); docs/sign-in-logs.md',
};

/** What the deploy identity is granted under `config`: the permissions above, and the opt-in one when it is on. */
export function deployerGraphPermissions(options: {
  readonly signInLogs: boolean;
}): readonly DeployerGraphPermission[] {
  return options.signInLogs ? [...DEPLOYER_GRAPH_PERMISSIONS, SIGN_IN_LOGS_PERMISSION] : DEPLOYER_GRAPH_PERMISSIONS;
}
