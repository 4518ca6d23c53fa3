import { Construct } from "constructs";
import {
  GraphAdminConsent,
  type GraphAppRole,
  GraphClientApplication,
  READ_ONLY_GRAPH_APP_ROLES,
} from "../../constructs";
import { GitHubFederatedCredentials } from "./github-federated-credentials";
import { multiTenantAudience } from "./multi-tenant-identity";
import { PLAN_GRAPH_APP_ROLES } from "./plan-graph-permissions";

/** Properties of {@link PlanIdentity}. */
export interface PlanIdentityProps {
  /** The app's name in the Entra admin center; must differ from every other app's (duplicate names are refused). */
  readonly displayName: string;

  /** Object ids of the app's and its service principal's owners (administrators). */
  readonly ownerObjectIds: string[];

  /** The repository whose workflows may sign in, as `owner/name`, spelled as GitHub does. */
  readonly repository: string;

  /** The branch whose workflows outside any environment may sign in (the scheduled drift check). */
  readonly mainBranch: string;

  /**
   * Whether pull request workflows may sign in to plan: `true` admits every pull request job (subject
   * `pull_request`); an environment name admits only jobs in that environment (give it required reviewers, so each
   * pull request plan waits for approval); `false` admits none.
   * @default true
   */
  readonly pullRequests?: boolean | { readonly environment: string };

  /**
   * The Microsoft Graph application permissions to request and grant; each must be in {@link READ_ONLY_GRAPH_APP_ROLES}.
   * @default PLAN_GRAPH_APP_ROLES - exactly what planning the Miradore stack needs (Application.Read.All)
   */
  readonly graphAppRoles?: readonly GraphAppRole[];

  /**
   * Whether customer tenants may consent to the app (a service provider's fleet; README "Many sites").
   * @default false - single tenant
   */
  readonly multiTenant?: boolean;
}

/**
 * The read-only identity pull request plans and drift checks sign in as: an app registration and service principal
 * with read-only Microsoft Graph application permissions and admin consent for them, and federated credentials for
 * the main branch and pull requests. It cannot change the tenant; in the state container it gets Storage Blob Data
 * Reader (by hand, README "CI from zero"), and the state holds Miradore's client secret: what it can read is listed
 * in the README's "Security" section.
 */
export class PlanIdentity extends Construct {
  public readonly app: GraphClientApplication;
  public readonly federation: GitHubFederatedCredentials;
  public readonly consent: GraphAdminConsent;

  constructor(scope: Construct, id: string, props: PlanIdentityProps) {
    super(scope, id);
    const roles = [...(props.graphAppRoles ?? PLAN_GRAPH_APP_ROLES)];
    const readOnly = new Set(READ_ONLY_GRAPH_APP_ROLES.map((role) => role.id));
    const writes = roles.filter((role) => !readOnly.has(role.id));
    if (writes.length > 0) {
      throw new Error(
        `PlanIdentity ${this.node.path}: graphAppRoles includes ${writes.map((r) => r.value).join(", ")}, but a plan identity may only hold read-only permissions (${READ_ONLY_GRAPH_APP_ROLES.map((r) => r.value).join(", ")})`,
      );
    }
    const pullRequests = props.pullRequests ?? true;

    this.app = new GraphClientApplication(this, "app", {
      displayName: props.displayName,
      ownerObjectIds: props.ownerObjectIds,
      graphAppRoles: roles,
      signInAudience: multiTenantAudience(props.multiTenant),
      description:
        "The read-only identity the Miradore Entra ID pipeline plans with (pull requests, drift checks; GitHub Actions).",
      notes:
        "Read-only in Microsoft Graph; reads the Terraform state, which holds Miradore's client secret. " +
        "Made by the repository's bootstrap stack, run once by an administrator; do not add permissions, secrets or owners by hand.",
      servicePrincipalNotes:
        "Service principal of the Miradore plan pipeline (read-only); managed by the bootstrap stack.",
    });
    this.federation = new GitHubFederatedCredentials(this, "github", {
      applicationId: this.app.application.id,
      repository: props.repository,
      branch: props.mainBranch,
      pullRequests: pullRequests === true,
      environment: typeof pullRequests === "object" ? pullRequests.environment : undefined,
    });
    this.consent = new GraphAdminConsent(this, "consent", {
      principalObjectId: this.app.servicePrincipal.objectId,
      graphAppRoles: roles,
    });
  }
}
