import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { Construct } from "constructs";

/** Properties of {@link KeyVaultHandoff}. */
export interface KeyVaultHandoffProps {
  /** Resource id of the Key Vault (`/subscriptions/…/providers/Microsoft.KeyVault/vaults/<name>`). */
  readonly keyVaultId: string;

  /** Name of the secret in the vault; each rotation adds a new version of it. */
  readonly secretName: string;

  /** The current client secret's value (a Terraform expression; sensitive). */
  readonly value: string;

  /** When the current client secret became valid (RFC 3339). */
  readonly startDate: string;

  /** When the current client secret expires (RFC 3339); becomes the vault secret's expiry. */
  readonly endDate: string;

  /** Key id of the current client secret, so an operator can match the vault version to the Entra credential. */
  readonly keyId: string;

  /** The Miradore app's client id, stored beside the secret. */
  readonly clientId: string;
}

/**
 * Writes the current client secret to a Key Vault, so operators read it there (with Key Vault's access control and
 * audit log) rather than from Terraform state. Every rotation updates the secret in place, which adds a version whose
 * expiry matches the Entra credential's.
 */
export class KeyVaultHandoff extends Construct {
  /** The vault secret (`azurerm_key_vault_secret`). */
  public readonly secret: KeyVaultSecret;

  constructor(scope: Construct, id: string, props: KeyVaultHandoffProps) {
    super(scope, id);
    this.secret = new KeyVaultSecret(this, "secret", {
      keyVaultId: props.keyVaultId,
      name: props.secretName,
      value: props.value,
      contentType: "Miradore Entra ID client secret",
      notBeforeDate: props.startDate,
      expirationDate: props.endDate,
      tags: { "client-id": props.clientId, "key-id": props.keyId, "managed-by": "terraform" },
    });
  }
}
