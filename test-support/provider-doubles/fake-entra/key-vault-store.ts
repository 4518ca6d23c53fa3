// Fake Azure Key Vaults on disk, beside the fake Entra directory: `<root>/keyvaults/<vault name>.json`, one file per
// vault, read and written afresh by every call (like the tenants), so tests can inspect a vault or change it "in the
// portal" between Terraform commands. A vault comes into being the first time a key_vault_id names it, in the
// subscription and resource group that id names, as a tenant is seeded on first use.
//
// Secrets behave as Key Vault's do (Microsoft Learn, "About Azure Key Vault secrets" and the Key Vault REST API 7.4
// operations Set Secret, Update Secret, Delete Secret, Recover Deleted Secret, Purge Deleted Secret): every Set adds a
// version, and the newest version is the secret; Update changes the newest version's attributes in place; Delete makes
// the secret soft-deleted (recoverable for the vault's retention period, 90 days by default) until it is purged or
// recovered; a soft-deleted name cannot be set again. Secret names are case-insensitive.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomically } from "./directory-store";

/** One version of a secret. Dates are RFC 3339 in UTC with whole seconds: Key Vault keeps them as Unix seconds. */
export interface SecretVersion {
  /** 32 lower-case hex digits, as Key Vault names versions. */
  readonly version: string;
  readonly value: string;
  contentType: string | null;
  /** `nbf`: not valid before. */
  notBefore: string | null;
  /** `exp`: not valid after. */
  expires: string | null;
  tags: Record<string, string>;
  /** When the version was made, by the fake clock. */
  readonly created: string;
}

export interface VaultSecret {
  readonly name: string;
  /** Oldest first: the last one is the secret's current version. */
  versions: SecretVersion[];
}

export interface DeletedVaultSecret extends VaultSecret {
  readonly deletedDate: string;
  readonly scheduledPurgeDate: string;
}

/** The parts of a Key Vault's resource id. */
export interface KeyVaultId {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly vaultName: string;
}

export interface KeyVaultDocument extends KeyVaultId {
  /** The vault's resource id, `/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/<name>`. */
  readonly id: string;
  /** `properties.vaultUri`: `https://<name>.vault.azure.net/` in Azure's public cloud. */
  readonly vaultUri: string;
  /** The tenant the vault belongs to, when a test said (ProviderDoubles.createKeyVault). */
  tenantId?: string;
  /** With purge protection on, a soft-deleted secret cannot be purged before its retention ends. */
  purgeProtection: boolean;
  softDeleteRetentionDays: number;
  /** Active secrets by lower-cased name. */
  secrets: Record<string, VaultSecret>;
  /** Soft-deleted secrets by lower-cased name. */
  deletedSecrets: Record<string, DeletedVaultSecret>;
}

/** Key Vault's default (and maximum) soft-delete retention. */
const DEFAULT_RETENTION_DAYS = 90;

const KEY_VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/;

/** A Key Vault resource id's parts, as go-azure-helpers' commonids.ParseKeyVaultID reads them (case-sensitive). */
export function parseKeyVaultId(id: string): KeyVaultId | undefined {
  const m = KEY_VAULT_ID.exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroupName: m[2]!, vaultName: m[3]! } : undefined;
}

export function formatKeyVaultId(id: KeyVaultId): string {
  return `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${id.vaultName}`;
}

/** A new version id: 32 hex digits. */
export function newSecretVersion(): string {
  return randomBytes(16).toString("hex");
}

export function keyVaultFile(root: string, vaultName: string): string {
  return join(root, "keyvaults", `${vaultName.toLowerCase()}.json`);
}

/** The vault of that name, or undefined when no key_vault_id has named it yet. */
export function readKeyVault(root: string, vaultName: string): KeyVaultDocument | undefined {
  const file = keyVaultFile(root, vaultName);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as KeyVaultDocument) : undefined;
}

export function writeKeyVault(root: string, doc: KeyVaultDocument): void {
  mkdirSync(join(root, "keyvaults"), { recursive: true });
  writeJsonAtomically(keyVaultFile(root, doc.vaultName), doc);
}

/** Every vault on disk. */
export function listKeyVaults(root: string): KeyVaultDocument[] {
  const dir = join(root, "keyvaults");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as KeyVaultDocument);
}

function sameVault(a: KeyVaultId, b: KeyVaultId): boolean {
  // ARM resource ids compare case-insensitively.
  return (
    a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
    a.resourceGroupName.toLowerCase() === b.resourceGroupName.toLowerCase() &&
    a.vaultName.toLowerCase() === b.vaultName.toLowerCase()
  );
}

/**
 * The vault a resource id names, made on first use. Undefined when a vault of that name exists elsewhere (vault names
 * are global): a GET of this id would find nothing.
 */
export function openKeyVault(root: string, id: KeyVaultId): KeyVaultDocument | undefined {
  const existing = readKeyVault(root, id.vaultName);
  if (existing) return sameVault(existing, id) ? existing : undefined;
  const doc: KeyVaultDocument = {
    ...id,
    id: formatKeyVaultId(id),
    vaultUri: `https://${id.vaultName.toLowerCase()}.vault.azure.net/`,
    purgeProtection: false,
    softDeleteRetentionDays: DEFAULT_RETENTION_DAYS,
    secrets: {},
    deletedSecrets: {},
  };
  writeKeyVault(root, doc);
  return doc;
}

/** The vault whose `vaultUri` host is `host` (e.g. `kv-mdm.vault.azure.net`), if any. */
export function keyVaultByHost(root: string, host: string): KeyVaultDocument | undefined {
  const name = host.split(".")[0] ?? "";
  const vault = readKeyVault(root, name);
  return vault && new URL(vault.vaultUri).host === host.toLowerCase() ? vault : undefined;
}

/** The secret's current version. */
export function currentVersion(secret: VaultSecret): SecretVersion {
  const latest = secret.versions[secret.versions.length - 1];
  if (!latest) throw new Error(`fake Key Vault: secret ${secret.name} has no version`);
  return latest;
}
