/**
 * What Azure accepts as a Key Vault's resource id and as a secret's name, as rules that say what a value must be
 * ("<field> is <value>, but <answer>"), or undefined when it fits. The Key Vault handoff checks its props with them and
 * a configuration loader can use the same rules.
 * Sources: Azure resource naming rules ("Microsoft.KeyVault": vault names 3-24 alphanumerics and hyphens; secret names
 * 1-127 alphanumerics and hyphens), and Azure resource ids (`/subscriptions/{GUID}/resourceGroups/{name}/providers/...`,
 * resource group names 1-90 characters of letters, digits, `-`, `_`, `.` and parentheses).
 */

const KEY_VAULT_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i;

const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;

/** Why `value` is not a Key Vault resource id, or undefined when it is one. */
export function keyVaultIdProblem(value: unknown): string | undefined {
  if (typeof value === "string" && KEY_VAULT_ID.test(value)) return undefined;
  return typeof value === "string"
    ? "must be a Key Vault resource id: /subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>"
    : "must be a Key Vault resource id";
}

/** Why `value` cannot name a Key Vault secret, or undefined when it can. */
export function keyVaultSecretNameProblem(value: unknown): string | undefined {
  return typeof value === "string" && SECRET_NAME.test(value)
    ? undefined
    : "must be a Key Vault secret name (1-127 letters, digits and hyphens)";
}

/** The subscription a Key Vault resource id names (its third segment); the id must pass {@link keyVaultIdProblem}. */
export function subscriptionOfKeyVault(keyVaultId: string): string {
  return keyVaultId.split("/")[2]!;
}
