import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { BootstrapConfig } from "../../config/bootstrap-config-schema";
import { GraphAdminConsent } from "../graph-admin-consent";
import { configureStateBackend } from "../state-backend";
import { CiApplication } from "./ci-application";
import { DEPLOYER_GRAPH_APP_ROLES } from "./deployer-graph-permissions";
import { GitHubFederatedCredentials } from "./github-federated-credentials";

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
 * The deploying identity of one tenant, made once by an administrator: an app registration and service principal for
 * CI, federated credentials for the GitHub repository (no secret exists), exactly the Graph application permissions in
 * {@link DEPLOYER_GRAPH_APP_ROLES} with admin consent, and as outputs the values CI needs (`ARM_CLIENT_ID`,
 * `ARM_TENANT_ID`). The administrator authenticates through the provider's standard environment (e.g. `az login`).
 */
export class BootstrapStack extends TerraformStack {
  public readonly ci: CiApplication;
  public readonly federation: GitHubFederatedCredentials;
  public readonly consent: GraphAdminConsent;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;

    new AzureadProvider(this, "azuread", { tenantId: config.tenantId });
    configureStateBackend(this, id, config.state);
    const administrator = new DataAzureadClientConfig(this, "administrator");
    const roles = [...DEPLOYER_GRAPH_APP_ROLES];

    this.ci = new CiApplication(this, "ci", {
      displayName: config.displayName,
      ownerObjectIds: [...config.ownerObjectIds],
      graphAppRoles: roles,
    });
    this.federation = new GitHubFederatedCredentials(this, "github", {
      applicationId: this.ci.application.id,
      repository: config.github.repository,
      mainBranch: config.github.mainBranch,
      deployEnvironment: config.github.deployEnvironment,
      pullRequests: config.github.pullRequests,
    });
    this.consent = new GraphAdminConsent(this, "consent", {
      principalObjectId: this.ci.servicePrincipal.objectId,
      graphAppRoles: roles,
    });

    const output = (name: string, value: string, description: string) =>
      new TerraformOutput(this, name, { value, description });
    output(
      "ARM_CLIENT_ID",
      this.ci.application.clientId,
      "CI variable ARM_CLIENT_ID: the deploying identity's client id.",
    );
    output("ARM_TENANT_ID", administrator.tenantId, "CI variable ARM_TENANT_ID: the directory the identity lives in.");
    output(
      "ci_service_principal_object_id",
      this.ci.servicePrincipal.objectId,
      "Object id of the deploying identity: add it as owner of a hand-made Miradore app, and give it the state container's role.",
    );
    output("graph_permissions", roles.map((r) => r.value).join(","), "Graph application permissions granted to CI.");
  }
}
