import type { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { guidProblem } from "./entra-limits";
import type { GraphAdminConsent } from "./graph-admin-consent";
import type { GraphAppRole } from "./graph-facts";
import { KeyVaultHandoff, keyVaultProvider } from "./key-vault-handoff";
import type { MiradoreApplication } from "./miradore-application";
import type { MiradoreConnectionOptions } from "./miradore-connection";
import { MiradorePolicyChecks, type MiradorePolicyChecksProps } from "./policy/miradore-policy-checks";
import { addConnectionParts } from "./private/miradore-connection-parts";
import { assertProps } from "./private/prop-problems";
import type { RotatingClientSecret } from "./rotating-client-secret";

/** Where a {@link MiradoreStack} also writes the current client secret. */
export interface MiradoreStackKeyVaultProps {
  /** Resource id of the vault (`/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>`). */
  readonly keyVaultId: string;

  /**
   * Name of the secret in the vault; each rotation adds a version of it.
   * @default - `<stack id>-client-secret`
   */
  readonly secretName?: string;

  /**
   * The tenant the vault belongs to.
   * @default - the stack's `tenantId`
   */
  readonly tenantId?: string;

  /**
   * False turns the handoff off: the next apply deletes the vault secret the stack wrote. The vault's azurerm provider
   * stays in the stack, because Terraform needs its configuration for that; remove `keyVault` once that apply has run.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Properties of {@link MiradoreStack}. */
export interface MiradoreStackProps extends MiradoreConnectionOptions {
  /** The Entra directory (tenant) id (a GUID) the stack's azuread provider signs in to. */
  readonly tenantId: string;

  /**
   * Also write the current secret to this Key Vault (needs `@cdktf/provider-azurerm`).
   * @default - no Key Vault handoff
   */
  readonly keyVault?: MiradoreStackKeyVaultProps;

  /**
   * Settings of the policy checks that run on the stack at synthesis.
   * @default - Graph permissions limited to MIRADORE_GRAPH_APP_ROLES, secrets valid at most `secret.tenantMaxLifetimeDays`, log to stderr
   */
  readonly policy?: MiradorePolicyChecksProps;
}

/**
 * Everything one Miradore site needs in one Entra tenant, as a stack of its own: the azuread and time providers, the
 * Miradore connection (app registration and service principal, admin consent for the Graph permissions, the rotating
 * client secret) and, as outputs named `client_id`, `tenant_id`, `client_secret`, …, exactly what an operator types
 * into Miradore. Optionally, the Key Vault handoff (output `key_vault_secret_id`). Policy checks run on the whole stack.
 * To put the connection into a stack you already have, use {@link MiradoreConnection}.
 *
 * Authentication is left to the providers' standard `ARM_*` environment (`ARM_USE_OIDC=true` in CI), so no credential
 * is ever part of the synthesized JSON. The state backend is the app's to add (cdktf's local backend otherwise).
 */
export class MiradoreStack extends TerraformStack {
  /** The identity running Terraform (`data.azuread_client_config`): the app's first owner. */
  public readonly deployer: DataAzureadClientConfig;
  public readonly app: MiradoreApplication;
  public readonly consent: GraphAdminConsent;
  public readonly secret: RotatingClientSecret;
  /** The Graph application permissions requested and granted. */
  public readonly graphAppRoles: readonly GraphAppRole[];
  /** The Key Vault handoff, when `keyVault` is set and enabled. */
  public readonly keyVaultHandoff?: KeyVaultHandoff;
  /** The policy checks (an Aspect) that stop synthesis on a violation. */
  public readonly policyChecks: MiradorePolicyChecks;

  constructor(scope: Construct, id: string, props: MiradoreStackProps) {
    super(scope, id);
    assertProps(this, [["tenantId", props.tenantId, guidProblem(props.tenantId, "the Entra directory (tenant) id")]]);

    new AzureadProvider(this, "azuread", { tenantId: props.tenantId });
    new TimeProvider(this, "time", {});

    // The connection's constructs are the stack's own children, as they always were: their paths and logical ids are
    // a public contract (the outputs' names too: direct children of a stack keep them unprefixed).
    const parts = addConnectionParts(this, props, (name, value, description, sensitive) => {
      new TerraformOutput(this, name, { value, description, sensitive });
    });
    this.deployer = parts.deployer;
    this.app = parts.app;
    this.consent = parts.consent;
    this.secret = parts.secret;
    this.graphAppRoles = parts.graphAppRoles;

    const { keyVault } = props;
    if (keyVault) {
      const provider = keyVaultProvider(this, "key-vault-provider", {
        keyVaultId: keyVault.keyVaultId,
        tenantId: keyVault.tenantId ?? props.tenantId,
      });
      // Turned off, the provider alone stays: the vault secret this stack wrote is deleted, which needs it once more.
      if (keyVault.enabled ?? true) {
        this.keyVaultHandoff = new KeyVaultHandoff(this, "key-vault-handoff", {
          keyVaultId: keyVault.keyVaultId,
          secretName: keyVault.secretName ?? `${id}-client-secret`,
          secret: this.secret,
          clientId: this.app.application.clientId,
          provider,
        });
        new TerraformOutput(this, "key_vault_secret_id", {
          value: this.keyVaultHandoff.secret.versionlessId,
          description: "Where operators read the current secret.",
          sensitive: false,
        });
      }
    }

    this.policyChecks = new MiradorePolicyChecks({
      maxSecretLifetimeDays: this.secret.schedule.tenantMaxLifetimeDays,
      ...props.policy,
    });
    Aspects.of(this).add(this.policyChecks);
  }
}
