import { APPLICATION_READ_ALL, DIRECTORY_READ_ALL, type GraphAppRole } from "../graph-facts";

/**
 * Microsoft Graph application permissions that only read: the allowlist for an identity that must never change the
 * tenant, such as the bootstrap's plan identity, which pull requests and drift checks sign in as. Run
 * {@link MiradorePolicyChecks} with it as `allowedGraphAppRoles` on such an identity's constructs, and a write
 * permission requested or granted there stops synthesis (rule MIR-GRAPH-1).
 *
 * A permission joins this list only with the source that says it reads and nothing more:
 * - `Application.Read.All`: "Allows the app to read all applications and service principals without a signed-in
 *   user." (Microsoft Graph permissions reference, learn.microsoft.com/graph/permissions-reference; the description of
 *   app role 9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30 on the Microsoft Graph service principal).
 * - `Directory.Read.All`: "Allows the app to read data in your organization's directory, such as users, groups and
 *   apps, without a signed-in user." (the same reference, app role 7ab1d382-f21e-4acd-a863-ba3e13f7da61).
 */
export const READ_ONLY_GRAPH_APP_ROLES: readonly GraphAppRole[] = [APPLICATION_READ_ALL, DIRECTORY_READ_ALL];
