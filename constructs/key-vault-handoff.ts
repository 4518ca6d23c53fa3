import type { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { guidProblem } from "./entra-limits";
import { keyVaultIdProblem, keyVaultSecretNameProblem, subscriptionOfKeyVault } from "./key-vault-names";
import { loadAzurerm } from "./private/azurerm";
import { assertProps } from "./private/prop-problems";
import { AZURERM, providerFor } from "./private/providers";
import type { RotatingClientSecret } from "./rotating-client-secret";
import { terraformLiteral, terraformLiteralMap } from "./terraform-literal";

/** Properties of {@link KeyVaultHandoff}. */
export interface KeyVaultHandoffProps {
  /**
   * Resource id of the vault, `/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>`
   * (or a reference to one, such as a `DataAzurermKeyVault`'s `id`).
   */
  readonly keyVaultId: string;

  /** Name of the secret in the vault, 1-127 letters, digits and hyphens; each rotation adds a new version of it. */
  readonly secretName: string;

  /** The rotating client secret whose current secret is written. */
  readonly secret: RotatingClientSecret;

  /** The Miradore app's client id, stored beside the secret (tag `client-id`). */
  readonly clientId: string;

  /**
   * The azurerm provider (of this stack) that reaches the vault: configured for the vault's subscription, with or
   * without an alias. `keyVaultProvider` makes one for a vault; a stack that already has one passes its own. The
   * deploying identity needs "Key Vault Secrets Officer" on the vault.
   */
  readonly provider: AzurermProvider;
}

/**
 * Writes the current client secret to a Key Vault, so operators read it there (with Key Vault's access control and
 * audit log) rather than from Terraform state. Every rotation updates the secret in place, which adds a version whose
 * expiry matches the Entra credential's. Needs the optional peer dependency `@cdktf/provider-azurerm`.
 *
 * To stop the handoff, remove this construct but keep its provider in the stack for one apply: Terraform needs the
 * provider's configuration to delete the vault secret it wrote.
 */
export class KeyVaultHandoff extends Construct {
  /** The vault secret (`azurerm_key_vault_secret`). */
  public readonly secret: KeyVaultSecret;

  constructor(scope: Construct, id: string, props: KeyVaultHandoffProps) {
    super(scope, id);
    assertProps(this, [
      ["keyVaultId", props.keyVaultId, keyVaultIdProblem(props.keyVaultId)],
      ["secretName", props.secretName, keyVaultSecretNameProblem(props.secretName)],
    ]);
    const { KeyVaultSecret } = loadAzurerm(`${this.node.path} (KeyVaultHandoff)`);
    const provider = providerFor(this, "provider", AZURERM, requiredProvider(this, props.provider));
    const current = props.secret.current.bind(props.secret);
    this.secret = new KeyVaultSecret(this, "secret", {
      keyVaultId: props.keyVaultId,
      name: terraformLiteral(props.secretName),
      value: current((slot) => slot.password.value),
      contentType: terraformLiteral("Miradore Entra ID client secret"),
      notBeforeDate: current((slot) => slot.password.startDate),
      expirationDate: current((slot) => slot.password.endDate),
      tags: terraformLiteralMap({
        "client-id": props.clientId,
        "key-id": current((slot) => slot.password.keyId),
        "managed-by": "terraform",
      }),
      provider,
    });
  }
}

/** Properties of {@link keyVaultProvider}. */
export interface KeyVaultProviderProps {
  /** Resource id of the vault the provider reaches: the provider works in the vault's subscription. */
  readonly keyVaultId: string;

  /**
   * The tenant (GUID) to authenticate to: the vault's.
   * @default - the provider's standard environment (`ARM_TENANT_ID`, or the Azure CLI's tenant)
   */
  readonly tenantId?: string;

  /**
   * An alias for the provider configuration, for a stack that has another azurerm configuration as its default.
   * @default - no alias: the stack's default azurerm configuration
   */
  readonly alias?: string;
}

/**
 * An azurerm provider for a Key Vault handoff: in the vault's subscription, with no resource provider registration
 * (writing a secret needs none), authenticating through the provider's standard `ARM_*` environment. Keep it in the
 * stack as long as the vault secret may be in its state, also after the handoff is removed: Terraform needs the
 * provider's configuration to delete the secret it wrote. Needs `@cdktf/provider-azurerm`.
 */
export function keyVaultProvider(scope: Construct, id: string, props: KeyVaultProviderProps): AzurermProvider {
  const where = `${scope.node.path}/${id}`;
  if (Token.isUnresolved(props.keyVaultId)) {
    throw new Error(
      `${where}: keyVaultId is a reference, but must be the vault's resource id as text: the provider's subscription ` +
        "is read from it when synthesizing (configure an AzurermProvider yourself for a vault known only to Terraform)",
    );
  }
  assertProps(where, [
    ["keyVaultId", props.keyVaultId, keyVaultIdProblem(props.keyVaultId)],
    [
      "tenantId",
      props.tenantId,
      props.tenantId === undefined ? undefined : guidProblem(props.tenantId, "the tenant the Key Vault belongs to"),
    ],
  ]);
  const { AzurermProvider } = loadAzurerm(`${where} (keyVaultProvider)`);
  return new AzurermProvider(scope, id, {
    features: [{}],
    // The vault's own subscription; no resource provider registration is needed just to write a secret.
    subscriptionId: subscriptionOfKeyVault(props.keyVaultId),
    tenantId: props.tenantId,
    resourceProviderRegistrations: "none",
    alias: props.alias,
  });
}

/** The provider prop, which TypeScript requires but JavaScript callers may leave out. */
function requiredProvider(scope: Construct, provider: AzurermProvider | undefined): AzurermProvider {
  if (provider === undefined) {
    throw new Error(
      `${scope.node.path}: provider is undefined, but must be the azurerm provider that reaches the vault ` +
        "(keyVaultProvider(stack, id, { keyVaultId }) makes one)",
    );
  }
  return provider;
}
