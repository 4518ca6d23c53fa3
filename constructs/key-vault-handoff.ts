import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Construct } from "constructs";
import type { SiteConfig } from "../config/config-schema";
import type { RotatingClientSecret } from "./rotating-client-secret";

/** Properties of {@link KeyVaultHandoff}. */
export interface KeyVaultHandoffProps {
  /** The vault (`id` is its resource id) and, optionally, the tenant it belongs to. */
  readonly keyVault: NonNullable<SiteConfig["keyVault"]>;

  /** The tenant to authenticate to when the vault's own is not given: the site's. */
  readonly defaultTenantId: string;

  /** Name of the secret in the vault; each rotation adds a new version of it. */
  readonly secretName: string;

  /** The rotating client secret whose current secret is written. */
  readonly secret: RotatingClientSecret;

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
    const current = props.secret.current.bind(props.secret);
    new AzurermProvider(this, "azurerm", {
      features: [{}],
      // The vault's own subscription; no resource provider registration is needed just to write a secret.
      subscriptionId: props.keyVault.id.split("/")[2]!,
      tenantId: props.keyVault.tenantId ?? props.defaultTenantId,
      resourceProviderRegistrations: "none",
    });
    this.secret = new KeyVaultSecret(this, "secret", {
      keyVaultId: props.keyVault.id,
      name: props.secretName,
      value: current((slot) => slot.password.value),
      contentType: "Miradore Entra ID client secret",
      notBeforeDate: current((slot) => slot.password.startDate),
      expirationDate: current((slot) => slot.password.endDate),
      tags: {
        "client-id": props.clientId,
        "key-id": current((slot) => slot.password.keyId),
        "managed-by": "terraform",
      },
    });
  }
}
