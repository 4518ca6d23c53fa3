import type { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";

/** The azurerm provider classes the Key Vault handoff uses. */
export interface AzurermClasses {
  readonly KeyVaultSecret: typeof KeyVaultSecret;
  readonly AzurermProvider: typeof AzurermProvider;
}

/**
 * The azurerm classes, loaded when the Key Vault handoff is first used: `@cdktf/provider-azurerm` is an optional peer
 * dependency (only the handoff needs it, and it is large), so an app without it can load the rest of the library.
 * Without the package, says what to install instead of Node's "Cannot find module".
 */
export function loadAzurerm(user: string): AzurermClasses {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    return {
      KeyVaultSecret: require("@cdktf/provider-azurerm/lib/key-vault-secret").KeyVaultSecret,
      AzurermProvider: require("@cdktf/provider-azurerm/lib/provider").AzurermProvider,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== "MODULE_NOT_FOUND" || !message.includes("@cdktf/provider-azurerm")) throw error;
    throw new Error(
      `${user} needs the @cdktf/provider-azurerm package, which is not installed; it is an optional peer dependency ` +
        "of miradore-entra-cdktf (only the Key Vault handoff uses it): npm install @cdktf/provider-azurerm, at a " +
        "version the peerDependencies of miradore-entra-cdktf's package.json allow",
    );
  }
}
