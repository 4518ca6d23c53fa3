import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { BootstrapConfig } from "../../config/bootstrap-config-schema";
import { GraphAdminConsent } from "../../constructs";
import { configureStateBackend } from "../state-backend";
import { CiApplication } from "./ci-application";
import { deployerGraphPermissions } from "./deployer-graph-permissions";
import { GitHubFederatedCredentials } from "./github-federated-credentials";
import { PLAN_GRAPH_APP_ROLES } from "./plan-graph-permissions";
import { allowMultiTenantCiApp } from "./multi-tenant-identity";
import { PlanIdentity } from "./plan-identity";

/** Properties of {@link BootstrapStack}. */
export interface BootstrapStackProps {
  /** The validated bootstrap configuration (see config/bootstrap-config-schema.ts). */
  readonly config: BootstrapConfig;
}

/** The stack name of a bootstrap configuration: stable, derived from its name only. */
export function bootstrapStackNameOf(name: string): string {
  return `miradore-bootstrap-${name}`;
}

/**
 * The two CI identities of one tenant, made once by an administrator; neither has a password or certificate (GitHub's
 * OIDC token is exchanged through federated credentials):
 * - the deploy identity (`ci`, `github`, `consent`): exactly the Graph application permissions in
 *   {@link deployerGraphPermissions} (AuditLog.Read.All only with `signInLogs`) with admin consent, and one federated credential, for jobs in the deploy
 *   environment. No branch and no pull request can sign in as it; only jobs GitHub lets into that environment.
 * - the plan identity (`plan`, a {@link PlanIdentity}): read-only Graph permissions ({@link PLAN_GRAPH_APP_ROLES}),
 *   for pull request plans and the drift check on the main branch.
 * With `multiTenant`, both apps accept consent from other tenants (a service provider's fleet): each customer
 * tenant's administrator then adds their service principals and consent (`npm run onboard`, README "Many sites").
 * Outputs are the values CI needs as GitHub variables. The administrator authenticates through the provider's
 * standard environment (e.g. `az login`).
 */
export class BootstrapStack extends TerraformStack {
  /** The deploy identity's app registration and service principal. */
  public readonly ci: CiApplication;
  /** The deploy identity's federated credential (the deploy environment only). */
  public readonly federation: GitHubFederatedCredentials;
  /** The deploy identity's admin consent. */
  public readonly consent: GraphAdminConsent;
  /** The read-only plan identity. */
  public readonly plan: PlanIdentity;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;

    new AzureadProvider(this, "azuread", { tenantId: config.tenantId });
    configureStateBackend(this, id, config.state);
    const administrator = new DataAzureadClientConfig(this, "administrator");
    const roles = deployerGraphPermissions(config).map((p) => p.role);

    this.ci = new CiApplication(this, "ci", {
      displayName: config.displayName,
      ownerObjectIds: [...config.ownerObjectIds],
      graphAppRoles: roles,
      multiTenant: config.multiTenant,
    });
    this.federation = new GitHubFederatedCredentials(this, "github", {
      applicationId: this.ci.application.id,
      repository: config.github.repository,
      environment: config.github.deployEnvironment,
    });
    this.consent = new GraphAdminConsent(this, "consent", {
      principalObjectId: this.ci.servicePrincipal.objectId,
      graphAppRoles: roles,
    });

    const { github } = config;
    this.plan = new PlanIdentity(this, "plan", {
      displayName: config.planDisplayName,
      ownerObjectIds: [...config.ownerObjectIds],
      repository: github.repository,
      mainBranch: github.mainBranch,
      pullRequests:
        github.pullRequests && github.pullRequestEnvironment !== undefined
          ? { environment: github.pullRequestEnvironment }
          : github.pullRequests,
      multiTenant: config.multiTenant,
    });
    if (config.multiTenant) {
      allowMultiTenantCiApp(this.ci);
      allowMultiTenantCiApp(this.plan.app);
    }

    const output = (name: string, value: string, description: string) =>
      new TerraformOutput(this, name, { value, description });
    output(
      "ARM_DEPLOY_CLIENT_ID",
      this.ci.application.clientId,
      `GitHub variable ARM_DEPLOY_CLIENT_ID of the "${github.deployEnvironment}" environment (not of the repository): the deploy identity's client id.`,
    );
    output(
      "ARM_PLAN_CLIENT_ID",
      this.plan.app.application.clientId,
      "GitHub repository variable ARM_PLAN_CLIENT_ID: the read-only plan identity's client id.",
    );
    output(
      "ARM_TENANT_ID",
      administrator.tenantId,
      "GitHub repository variable ARM_TENANT_ID: the identities' directory.",
    );
    output(
      "ci_service_principal_object_id",
      this.ci.servicePrincipal.objectId,
      "Object id of the deploy identity: add it as owner of a hand-made Miradore app; Storage Blob Data Contributor on the state container.",
    );
    output(
      "plan_service_principal_object_id",
      this.plan.app.servicePrincipal.objectId,
      "Object id of the plan identity: Storage Blob Data Reader on the state container.",
    );
    output(
      "graph_permissions",
      roles.map((r) => r.value).join(","),
      "Graph application permissions granted to the deploy identity.",
    );
    output(
      "plan_graph_permissions",
      PLAN_GRAPH_APP_ROLES.map((r) => r.value).join(","),
      "Graph application permissions granted to the plan identity (read-only).",
    );
  }
}
