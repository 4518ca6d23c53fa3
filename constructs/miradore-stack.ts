import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Aspects, Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { SiteConfig } from "../config/config-schema";
import { GraphAdminConsent } from "./graph-admin-consent";
import { GROUP_READ_ALL, GraphAppRole, USER_READ_ALL } from "./graph-facts";
import { importExistingInstallation } from "./existing-installation";
import { KeyVaultHandoff } from "./key-vault-handoff";
import { MiradoreApplication } from "./miradore-application";
import { MiradorePolicyChecks, MiradorePolicyChecksProps } from "./policy/miradore-policy-checks";
import { RotatingClientSecret } from "./rotating-client-secret";
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

    const output = (name: string, value: string, description: string, sensitive = false) =>
      new TerraformOutput(this, name, { value, description, sensitive });
    const current = (attribute: Parameters<RotatingClientSecret["select"]>[0]) => this.secret.select(attribute, "current");
    const previous = (attribute: Parameters<RotatingClientSecret["select"]>[0]) =>
      this.secret.select(attribute, "previous");

    output("client_id", this.app.application.clientId, "Miradore: Client ID (Application ID of the app registration).");
    output("tenant_id", deployer.tenantId, "Miradore: Tenant ID (the directory the app is registered in).");
    output("client_secret", current((s) => s.password.value), "Miradore: Client secret (the newest).", true);
    output("client_secret_key_id", current((s) => s.password.keyId), "Key id of the newest secret (not secret).");
    output("client_secret_start_date", current((s) => s.password.startDate), "When the newest secret became valid.");
    output("client_secret_end_date", current((s) => s.password.endDate), "When the newest secret expires.");
    output(
      "handoff_deadline",
      Fn.timeadd(current((s) => s.password.startDate), `${site.secret.handoffDays * 24}h`),
      "Paste the newest secret into Miradore before this time (its start plus the handoff window).",
    );
    output("next_rotation_date", this.secret.nextRotationRfc3339, "When the next scheduled run makes a new secret.");
    output("previous_client_secret_key_id", previous((s) => s.password.keyId), "Key id of the previous secret.");
    output(
      "previous_client_secret_end_date",
      previous((s) => s.password.endDate),
      "When the previous secret expires, unless its slot's next rotation (next_rotation_date) deletes it first.",
    );
    output("graph_permissions", roles.map((r) => r.value).join(","), "Graph application permissions granted.");

    if (site.keyVault) {
      const vault = site.keyVault;
      new AzurermProvider(this, "azurerm", {
        features: [{}],
        // The vault's own subscription; no resource provider registration is needed just to write a secret.
        subscriptionId: vault.id.split("/")[2]!,
        tenantId: vault.tenantId ?? site.tenantId,
        resourceProviderRegistrations: "none",
      });
      const handoff = new KeyVaultHandoff(this, "key-vault-handoff", {
        keyVaultId: vault.id,
        secretName: vault.secretName ?? `${id}-client-secret`,
        value: current((s) => s.password.value),
        startDate: current((s) => s.password.startDate),
        endDate: current((s) => s.password.endDate),
        keyId: current((s) => s.password.keyId),
        clientId: this.app.application.clientId,
      });
      output("key_vault_secret_id", handoff.secret.versionlessId, "Where operators read the current secret.");
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

  private resolved?: { constructCount: number; json: { [key: string]: any } };

  /**
   * The stack's Terraform JSON, resolved once per synthesis: the policy checks read it during the aspect phase and
   * synthesis writes the same JSON right after (no aspect here changes the tree), so resolving it twice would double
   * the cost of synthesizing a fleet. Adding a construct afterwards resolves it afresh.
   */
  public override toTerraform(): { [key: string]: any } {
    const constructCount = this.node.findAll().length;
    if (this.resolved?.constructCount !== constructCount) this.resolved = { constructCount, json: super.toTerraform() };
    return this.resolved.json;
  }
}
