import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { SiteConfig } from "../config/config-schema";
import { GraphAdminConsent } from "./graph-admin-consent";
import { GROUP_READ_ALL, GraphAppRole, USER_READ_ALL } from "./graph-facts";
import { importExistingInstallation } from "./existing-installation";
import { KeyVaultHandoff } from "./key-vault-handoff";
import { MiradoreApplication } from "./miradore-application";
import { addOperatorOutputs } from "./operator-outputs";
import { MiradorePolicyChecks, MiradorePolicyChecksProps } from "./policy/miradore-policy-checks";
import { RotatingClientSecret } from "./rotating-client-secret";
import { stackTerraformJson } from "./stack-terraform-json";
import { configureStateBackend } from "./state-backend";

/** Properties of {@link MiradoreStack}. */
export interface MiradoreStackProps {
  /** The site's validated configuration (see config/config-schema.ts). */
  readonly site: SiteConfig;

  /**
   * Settings of the policy checks that run on the stack at synthesis (constructs/policy).
   * @default - the Miradore allowlist of Graph permissions, the site's tenant maximum secret lifetime, log to stderr
   */
  readonly policy?: MiradorePolicyChecksProps;
}

/** The stack name of a site: stable, derived from the site's name only. */
export function stackNameOf(siteName: string): string {
  return `miradore-${siteName}`;
}

/** The Graph application permissions a site requests: User.Read.All, plus Group.Read.All for group filtering. */
export function graphAppRolesFor(site: Pick<SiteConfig, "groupFiltering">): GraphAppRole[] {
  return site.groupFiltering ? [USER_READ_ALL, GROUP_READ_ALL] : [USER_READ_ALL];
}

/**
 * Everything one Miradore site needs in one Entra tenant: the app registration and service principal, admin consent
 * for the Graph permissions, the rotating client secret, and as outputs exactly what an operator types into Miradore.
 *
 * Authentication is left to the providers' standard `ARM_*` environment (`ARM_USE_OIDC=true` in CI), so no credential
 * is ever part of the synthesized JSON.
 */
export class MiradoreStack extends TerraformStack {
  public readonly app: MiradoreApplication;
  public readonly consent: GraphAdminConsent;
  public readonly secret: RotatingClientSecret;
  /** The policy checks (an Aspect) that stop synthesis on a violation. */
  public readonly policyChecks: MiradorePolicyChecks;

  constructor(scope: Construct, id: string, props: MiradoreStackProps) {
    super(scope, id);
    const { site } = props;

    new AzureadProvider(this, "azuread", { tenantId: site.tenantId });
    new TimeProvider(this, "time", {});
    configureStateBackend(this, id, site.state);

    // The identity running Terraform: owner by default, so it can keep managing what it created.
    const deployer = new DataAzureadClientConfig(this, "deployer");
    const roles = graphAppRolesFor(site);

    this.app = new MiradoreApplication(this, "app", {
      displayName: site.displayName,
      ownerObjectIds: [deployer.objectId, ...site.additionalOwnerObjectIds],
      graphAppRoles: roles,
    });
    this.consent = new GraphAdminConsent(this, "consent", {
      principalObjectId: this.app.servicePrincipal.objectId,
      graphAppRoles: roles,
    });
    this.secret = new RotatingClientSecret(this, "client-secret", {
      applicationId: this.app.application.id,
      lifetimeDays: site.secret.lifetimeDays,
      rotationIntervalDays: site.secret.rotationIntervalDays,
    });

    addOperatorOutputs(this, {
      clientId: this.app.application.clientId,
      tenantId: deployer.tenantId,
      secret: this.secret,
      handoffDays: site.secret.handoffDays,
      graphAppRoles: roles,
    });

    if (site.keyVault) {
      const handoff = new KeyVaultHandoff(this, "key-vault-handoff", {
        keyVault: site.keyVault,
        defaultTenantId: site.tenantId,
        secretName: site.keyVault.secretName ?? `${id}-client-secret`,
        secret: this.secret,
        clientId: this.app.application.clientId,
      });
      new TerraformOutput(this, "key_vault_secret_id", {
        value: handoff.secret.versionlessId,
        description: "Where operators read the current secret.",
        sensitive: false,
      });
    }

    if (site.existing) importExistingInstallation(this, site.existing);

    this.policyChecks = new MiradorePolicyChecks({
      maxSecretLifetimeDays: site.secret.tenantMaxLifetimeDays,
      ...props.policy,
    });
    Aspects.of(this).add(this.policyChecks);
  }

  /**
   * cdktf resolves every element once more before synthesis only to discover references to other stacks. Sites never
   * reference each other (each has its own tenant and state), so that pass is skipped: it was a fifth of the time to
   * synthesize a fleet. A reference to another stack would render as an undeclared address, which the schema
   * validator and `terraform validate` reject.
   */
  public override prepareStack(): void {
    this.ensureBackendExists();
  }

  private resolved?: { constructCount: number; json: Record<string, unknown> };
  private hasStackOverrides = false;

  /** As cdktf's, and noted: a stack-level override may hold tokens, so toTerraform then leaves the stack to cdktf. */
  public override addOverride(path: string, value: unknown): void {
    this.hasStackOverrides = true;
    super.addOverride(path, value);
  }

  /**
   * The stack's Terraform JSON, resolved once per synthesis: the policy checks read it during the aspect phase and
   * synthesis writes the same JSON right after (no aspect here changes the tree), so resolving it twice would double
   * the cost of synthesizing a fleet. Adding a construct afterwards resolves it afresh. stackTerraformJson gives the
   * same JSON as cdktf for a fraction of the work.
   */
  public override toTerraform(): Record<string, unknown> {
    const constructCount = this.node.findAll().length;
    if (this.resolved?.constructCount !== constructCount) {
      this.resolved = { constructCount, json: stackTerraformJson(this, this.hasStackOverrides) };
    }
    return this.resolved.json;
  }
}
