import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { GraphAdminConsent, type GraphAppRole, guidProblem } from "../../constructs";
import { deployerGraphPermissions } from "../bootstrap/deployer-graph-permissions";
import { PLAN_GRAPH_APP_ROLES } from "../bootstrap/plan-graph-permissions";

/** Properties of {@link CustomerTenantStack}. */
export interface CustomerTenantStackProps {
  /** The customer's directory (tenant) id. */
  readonly tenantId: string;
  /** Client id of the service provider's deploy identity (bootstrap output ARM_DEPLOY_CLIENT_ID). */
  readonly deployClientId: string;
  /** Client id of the service provider's read-only plan identity (bootstrap output ARM_PLAN_CLIENT_ID). */
  readonly planClientId: string;
  /**
   * The bootstrap's `signInLogs` is on: the deploy identity also reads Entra's sign-in logs (AuditLog.Read.All), in
   * this tenant too.
   * @default false
   */
  readonly signInLogs?: boolean;
}

/** The CI identities in a customer tenant, each with exactly the Graph permissions the bootstrap lists for it. */
export const CUSTOMER_TENANT_IDENTITIES = [
  {
    id: "deploy",
    rolesOf: (p: CustomerTenantStackProps) =>
      deployerGraphPermissions({ signInLogs: p.signInLogs ?? false }).map((permission) => permission.role),
    clientIdOf: (p: CustomerTenantStackProps) => p.deployClientId,
  },
  { id: "plan", rolesOf: () => PLAN_GRAPH_APP_ROLES, clientIdOf: (p: CustomerTenantStackProps) => p.planClientId },
] as const satisfies readonly {
  id: string;
  rolesOf: (p: CustomerTenantStackProps) => readonly GraphAppRole[];
  clientIdOf: (p: CustomerTenantStackProps) => string;
}[];

/**
 * What a customer tenant's administrator applies, instead of opening the consent links, to let the service
 * provider's CI identities in: a service principal for each multi-tenant CI app (deploy, plan) and admin consent for
 * exactly its Graph application permissions (app/bootstrap/deployer-graph-permissions.ts, plan-graph-permissions.ts).
 * A service principal the consent link already made is taken over (`use_existing`). State is local: it belongs to
 * the customer's administrator, not to the service provider's pipeline.
 */
export class CustomerTenantStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CustomerTenantStackProps) {
    super(scope, id);
    for (const [field, value, what] of [
      ["tenantId", props.tenantId, "the customer's directory (tenant) id"],
      ["deployClientId", props.deployClientId, "the deploy identity's client id"],
      ["planClientId", props.planClientId, "the plan identity's client id"],
    ] as const) {
      const problem = guidProblem(value, what);
      if (problem) throw new Error(`${id}: ${field} is ${JSON.stringify(value)}, but ${problem}`);
    }
    new AzureadProvider(this, "azuread", { tenantId: props.tenantId });
    new LocalBackend(this, { path: "terraform.tfstate" });
    for (const identity of CUSTOMER_TENANT_IDENTITIES) {
      const servicePrincipal = new ServicePrincipal(this, `${identity.id}-service-principal`, {
        clientId: identity.clientIdOf(props),
        useExisting: true,
        notes: `The Miradore ${identity.id} pipeline of your service provider (their multi-tenant app). Remove it to revoke their access.`,
      });
      new GraphAdminConsent(this, `${identity.id}-consent`, {
        principalObjectId: servicePrincipal.objectId,
        graphAppRoles: identity.rolesOf(props),
      });
      new TerraformOutput(this, `${identity.id}_service_principal_object_id`, {
        value: servicePrincipal.objectId,
        description: `Object id of the service provider's ${identity.id} identity in this tenant.`,
      });
    }
  }
}
