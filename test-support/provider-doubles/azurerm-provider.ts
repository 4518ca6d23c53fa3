// The hashicorp/azurerm 4.55.0 double: the provider block, azurerm_key_vault_secret (what
// constructs/key-vault-handoff.ts writes) and the azurerm_key_vault data source (how a stack finds its vault), over the fake Key Vaults of fake-entra/key-vault-store.ts. Behaviour follows
// terraform-provider-azurerm at tag v4.55.0:
// - internal/provider/provider.go, providerConfigure: `subscription_id` (or ARM_SUBSCRIPTION_ID) is required for plan
//   and apply; internal/provider/features.go: the `features` block (required by the schema) and its key_vault defaults;
// - internal/services/keyvault/key_vault_secret_resource.go: arguments, ForceNew, validation, create / read / update /
//   delete; internal.go: soft delete then purge, import; client/helpers.go: how the vault is found (by id on create and
//   update, by its URL among the provider subscription's vaults on read, delete and import);
// - parse/nested_item.go, parse/secret.go, parse/secret_versionless.go: the id formats;
// - go-azure-helpers v0.75.1 (the version azurerm 4.55.0 pins): key_vault_id and tags validation, Key Vault id text.
// It runs on the terraform-plugin-sdk v2 model: computed values keep their prior state on update unless changed here.
// Known deviation: when an update makes a new version, `id`, `version` and `resource_id` are planned unknown. The real
// SDK provider plans them unchanged and changes them on apply, which Terraform tolerates only from the legacy SDK
// (legacy_type_system); these doubles are strict.
import {
  ProviderError,
  type CallContext,
  type ProviderDefinition,
  type DataSourceBehaviour,
  type ResourceBehaviour,
} from "./provider-definition";
import {
  currentVersion,
  formatKeyVaultId,
  keyVaultByHost,
  newSecretVersion,
  openKeyVault,
  parseKeyVaultId,
  readKeyVault,
  writeKeyVault,
  type KeyVaultDocument,
  type KeyVaultId,
  type SecretVersion,
  type VaultSecret,
} from "./fake-entra/key-vault-store";
import { formatRfc3339, parseRfc3339 } from "./planning";
import type { ProviderSchema } from "./provider-schema";
import { exactlyOneOfErrors, intAtLeastError, requiredWithErrors, rfc3339Error } from "./sdk-validation";
import { isObject, sameValue, UNKNOWN, type TfObject, type TfValue } from "./values";

const TYPE = "azurerm_key_vault_secret";

function str(value: TfValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// ---- the provider block ----

/** The first object of a list block, as the SDK's `d.Get("a").([]interface{})[0]` reads it. */
function firstBlock(value: TfValue | undefined): TfObject | undefined {
  return Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;
}

/** A `features { key_vault { … } }` flag: the configured value, else features.go's default (true for these). */
function keyVaultFeature(
  ctx: CallContext,
  name: "purge_soft_deleted_secrets_on_destroy" | "recover_soft_deleted_secrets",
) {
  const flag = firstBlock(firstBlock(ctx.providerConfig.features)?.key_vault)?.[name];
  return typeof flag === "boolean" ? flag : true;
}

/** The SDK's EnvDefaultFunc for a bool: the variable when set, else the default. */
function envBool(name: string, fallback: boolean): boolean {
  const v = process.env[name];
  return v === undefined || v === "" ? fallback : v === "true" || v === "1";
}

function subscriptionOf(config: TfObject): string {
  return str(config.subscription_id) || process.env.ARM_SUBSCRIPTION_ID || "";
}

/** providerConfigure: a plan or apply needs a subscription. */
function configureErrors(config: TfObject): ProviderError[] {
  if (config.subscription_id === UNKNOWN || subscriptionOf(config) !== "") return [];
  const useCli = typeof config.use_cli === "boolean" ? config.use_cli : envBool("ARM_USE_CLI", true);
  if (!useCli)
    return [
      new ProviderError("`subscription_id` is a required provider property when performing a plan/apply operation"),
    ];
  // The real provider would take the Azure CLI's default subscription; the double has no Azure CLI to ask.
  return [
    new ProviderError(
      "`subscription_id` is a required provider property when performing a plan/apply operation",
      "The real provider would take the Azure CLI's current subscription (use_cli is true); the azurerm provider double has no Azure CLI. Set subscription_id in the provider block or ARM_SUBSCRIPTION_ID.",
    ),
  ];
}

// ---- ids ----

/** A secret's data-plane id (parse.NestedItemId.ID): `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`. */
function nestedItemId(vault: KeyVaultDocument, name: string, version?: string): string {
  return [vault.vaultUri.replace(/\/$/, ""), "secrets", name, ...(version ? [version] : [])].join("/");
}

/** The ARM ids (parse.SecretId, parse.SecretVersionlessId). */
function resourceIds(vault: KeyVaultId, name: string, version: string): TfObject {
  const base = `${formatKeyVaultId(vault)}/secrets/${name}`;
  return { resource_id: `${base}/versions/${version}`, resource_versionless_id: base };
}

interface ParsedNestedItemId {
  readonly host: string;
  readonly baseUrl: string;
  readonly name: string;
  readonly version: string;
}

/** parse.ParseNestedItemID for a secret: a URL with `secrets/<name>/<version>` as its path. */
function parseSecretId(id: string): ParsedNestedItemId {
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    throw new ProviderError(`cannot parse azure key vault child ID: parse ${JSON.stringify(id)}: invalid URI`);
  }
  const segments = url.pathname.replace(/^\/|\/$/g, "").split("/");
  if (segments.length !== 2 && segments.length !== 3)
    throw new ProviderError(
      `key vault nested item should contain 2 or 3 segments, found ${segments.length} segment(s) in ${JSON.stringify(id)}`,
    );
  const [type, name, version] = segments as [string, string, string | undefined];
  if (type !== "secrets")
    throw new ProviderError(`key vault nested item type should be "secrets", found ${JSON.stringify(type)}`);
  if (!version)
    throw new ProviderError(
      `expected a key vault versioned ID but no version information was found in: ${JSON.stringify(id)}`,
    );
  return { host: url.host.toLowerCase(), baseUrl: `${url.protocol}//${url.host}/`, name, version };
}

/** KeyVaultIDFromBaseUrl: the vault at that URL among the provider subscription's vaults (read, delete, import). */
function vaultInProviderSubscription(ctx: CallContext, host: string): KeyVaultDocument | undefined {
  const vault = keyVaultByHost(ctx.directoryRoot, host);
  const subscription = subscriptionOf(ctx.providerConfig).toLowerCase();
  return vault && vault.subscriptionId.toLowerCase() === subscription ? vault : undefined;
}

/** commonids.KeyVaultId's String(). */
function describeVault(id: KeyVaultId): string {
  return `Key Vault (Subscription: ${JSON.stringify(id.subscriptionId)}\nResource Group Name: ${JSON.stringify(id.resourceGroupName)}\nKey Vault Name: ${JSON.stringify(id.vaultName)})`;
}

/**
 * The vault key_vault_id names (a GET of the vault by its id: BaseUriForKeyVault on create, Exists on update), made on
 * first use. It is missing only when a vault of that name exists in another subscription or resource group.
 */
function vaultOf(ctx: CallContext, planned: TfObject, operation: "create" | "update"): KeyVaultDocument {
  const raw = str(planned.key_vault_id) ?? "";
  const id = parseKeyVaultId(raw);
  if (!id) throw new ProviderError(`parsing ${JSON.stringify(raw)}: not a Key Vault ID`);
  const vault = openKeyVault(ctx.directoryRoot, id);
  if (vault) return vault;
  const name = JSON.stringify(str(planned.name) ?? "");
  if (operation === "create")
    throw new ProviderError(
      `looking up Secret ${name} vault url from id ${JSON.stringify(describeVault(id))}: ${describeVault(id)} was not found`,
    );
  // The real update finds no vault, drops the resource from the state, and Terraform reports an inconsistent result.
  throw new ProviderError(
    `Secret ${name}: ${describeVault(id)} was not found`,
    "The real provider removes the secret from the state here; Terraform then reports an inconsistent result after apply.",
  );
}

// ---- validation (the schema's ValidateFuncs, ExactlyOneOf and RequiredWith) ----

const KEY_VAULT_ID_FORMAT =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}";

function validateSecret(config: TfObject): ProviderError[] {
  const errors: ProviderError[] = [];
  const name = config.name;
  // validate.NestedItemName
  if (typeof name === "string" && !/^[0-9a-zA-Z-]+$/.test(name))
    errors.push(
      new ProviderError("invalid value for name", `"name" may only contain alphanumeric characters and dashes`, "name"),
    );
  const vaultId = config.key_vault_id;
  // commonschema.ResourceIDReferenceRequiredForceNew(&commonids.KeyVaultId{}); the real message then lists the
  // segments it expected and found.
  if (typeof vaultId === "string" && !parseKeyVaultId(vaultId))
    errors.push(
      new ProviderError(
        "invalid value for key_vault_id",
        `parsing ${JSON.stringify(vaultId)}: parsing the KeyVault ID: expected a KeyVault ID that matched ${KEY_VAULT_ID_FORMAT}`,
        "key_vault_id",
      ),
    );
  errors.push(
    ...exactlyOneOfErrors(config, ["value", "value_wo"]),
    ...requiredWithErrors(config, "value_wo", ["value_wo_version"]),
    ...requiredWithErrors(config, "value_wo_version", ["value_wo"]),
    ...intAtLeastError(config, "value_wo_version", 1),
    ...rfc3339Error(config, "not_before_date"),
    ...rfc3339Error(config, "expiration_date"),
    ...tagsErrors(config.tags),
  );
  return errors;
}

/** go-azure-helpers tags.ValidateWithMaximumElements(15), as commonschema.TagsWithMaximumElements(15) uses it. */
function tagsErrors(tags: TfValue | undefined): ProviderError[] {
  if (!isObject(tags)) return [];
  const problems: string[] = [];
  if (Object.keys(tags).length > 15) problems.push("a maximum of 15 tags can be applied to this ARM resource");
  for (const [k, v] of Object.entries(tags)) {
    if (k.length > 512)
      problems.push(
        `the maximum length for a tag key is 512 characters: ${JSON.stringify(k)} is ${k.length} characters`,
      );
    if (typeof v === "string" && v.length > 256)
      problems.push(
        `the maximum length for a tag value is 256 characters: the value for ${JSON.stringify(k)} is ${v.length} characters`,
      );
  }
  return problems.map((p) => new ProviderError("invalid value for tags", p, "tags"));
}

// ---- what a Set / Update sends, and what a Read returns ----

/** An RFC 3339 date as Key Vault gives it back: Unix seconds, printed in UTC. */
function keyVaultDate(value: TfValue | undefined): string | null {
  const date = typeof value === "string" ? parseRfc3339(value) : undefined;
  return date ? formatRfc3339(new Date(Math.floor(date.getTime() / 1000) * 1000)) : null;
}

function stringMap(value: TfValue | undefined): Record<string, string> {
  return isObject(value)
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};
}

/** SetSecret: a new version with the value and exactly the attributes given. */
function setSecret(
  vault: KeyVaultDocument,
  name: string,
  planned: TfObject,
  config: TfObject | undefined,
  now: Date,
): SecretVersion {
  const key = name.toLowerCase();
  if (vault.deletedSecrets[key])
    throw new ProviderError(
      `keyvault.BaseClient#SetSecret: Failure responding to request: StatusCode=409 -- Original Error: autorest/azure: Service returned an error. Status=409 Code="Conflict" Message="Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged." InnerError={"code":"ObjectIsDeletedButRecoverable"}`,
    );
  // pluginsdk.GetWriteOnly: value_wo, when set, is the value.
  const value = str(config?.value_wo) ?? str(planned.value) ?? "";
  const version: SecretVersion = {
    version: newSecretVersion(),
    value,
    contentType: str(planned.content_type) ?? null,
    notBefore: keyVaultDate(planned.not_before_date),
    expires: keyVaultDate(planned.expiration_date),
    tags: stringMap(planned.tags),
    created: formatRfc3339(now),
  };
  const secret: VaultSecret = vault.secrets[key] ?? { name, versions: [] };
  secret.versions.push(version);
  vault.secrets[key] = secret;
  return version;
}

/** UpdateSecret on the current version: content type and tags replaced; dates changed only where given. */
function updateSecretAttributes(vault: KeyVaultDocument, name: string, planned: TfObject): SecretVersion {
  const secret = vault.secrets[name.toLowerCase()];
  if (!secret)
    throw new ProviderError(
      `keyvault.BaseClient#UpdateSecret: Failure responding to request: StatusCode=404 -- Original Error: autorest/azure: Service returned an error. Status=404 Code="SecretNotFound" Message="A secret with (name/id) ${name} was not found in this key vault."`,
    );
  const latest = currentVersion(secret);
  latest.contentType = str(planned.content_type) ?? null;
  latest.tags = stringMap(planned.tags);
  latest.notBefore = keyVaultDate(planned.not_before_date) ?? latest.notBefore;
  latest.expires = keyVaultDate(planned.expiration_date) ?? latest.expires;
  return latest;
}

/** A value Key Vault does not hold (no content type, no date, no tags), in the form the prior state had it. */
function absent(prior: TfValue | undefined, empty: TfValue): TfValue {
  return sameValue(prior ?? null, empty) ? empty : null;
}

/** resourceKeyVaultSecretRead: the current version's attributes; `resource_id` keeps the id's version. */
function readState(state: TfObject, vault: KeyVaultDocument, secret: VaultSecret, idVersion: string): TfObject {
  const latest = currentVersion(secret);
  return {
    ...state,
    name: secret.name,
    // "Unset value if is a write-only value".
    value: state.value_wo_version !== null && state.value_wo_version !== undefined ? null : latest.value,
    version: latest.version,
    content_type: latest.contentType ?? absent(state.content_type, ""),
    versionless_id: nestedItemId(vault, secret.name),
    not_before_date: latest.notBefore ?? absent(state.not_before_date, ""),
    expiration_date: latest.expires ?? absent(state.expiration_date, ""),
    ...resourceIds(vault, secret.name, idVersion),
    tags: Object.keys(latest.tags).length > 0 ? { ...latest.tags } : absent(state.tags, {}),
  };
}

function stateAfterWrite(planned: TfObject, vault: KeyVaultDocument, name: string, version: SecretVersion): TfObject {
  return {
    ...planned,
    id: nestedItemId(vault, name, version.version),
    version: version.version,
    versionless_id: nestedItemId(vault, name),
    ...resourceIds(vault, name, version.version),
  };
}

/** After a write, the real provider reads the secret back through the provider subscription's vault list. */
function assertReadable(ctx: CallContext, vault: KeyVaultDocument): void {
  if (vaultInProviderSubscription(ctx, new URL(vault.vaultUri).host)) return;
  throw new ProviderError(
    `Key Vault ${JSON.stringify(vault.vaultName)} is not in the provider's subscription ${JSON.stringify(subscriptionOf(ctx.providerConfig))}`,
    "The secret was written, but the real provider reads it back by looking the vault up among the provider subscription's vaults, finds none, and drops the resource from the state (Terraform then reports an inconsistent result). Set the azurerm provider's subscription_id to the vault's subscription.",
  );
}

function writeVault(ctx: CallContext, vault: KeyVaultDocument): void {
  writeKeyVault(ctx.directoryRoot, vault);
}

// ---- azurerm_key_vault_secret ----

const keyVaultSecretResource: ResourceBehaviour = {
  planStyle: "sdk",
  forceNew: ["name", "key_vault_id"],
  validate: validateSecret,
  modifyPlan({ prior, planned }) {
    if (prior === null || sameValue(prior, planned)) return;
    // A new value is a new version (resourceKeyVaultSecretUpdate: `d.HasChanges("value", "value_wo_version")`).
    const newVersion = ["value", "value_wo_version"].some((n) => !sameValue(prior[n] ?? null, planned[n] ?? null));
    if (newVersion) Object.assign(planned, { id: UNKNOWN, version: UNKNOWN, resource_id: UNKNOWN });
    // Any update ends with the id of the current version; read keeps the old id when a version was added outside.
    else if (!String(prior.id).endsWith(`/${String(prior.version)}`))
      Object.assign(planned, { id: UNKNOWN, resource_id: UNKNOWN });
  },
  create(planned, ctx, config) {
    const vault = vaultOf(ctx, planned, "create");
    const name = str(planned.name) ?? "";
    const key = name.toLowerCase();
    const existing = vault.secrets[key];
    if (existing)
      throw new ProviderError(
        `a resource with the ID ${JSON.stringify(nestedItemId(vault, existing.name, currentVersion(existing).version))} already exists - to be managed via Terraform this resource needs to be imported into the State. Please see the resource documentation for ${JSON.stringify(TYPE)} for more information`,
      );
    const deleted = vault.deletedSecrets[key];
    if (deleted && keyVaultFeature(ctx, "recover_soft_deleted_secrets")) {
      // RecoverDeletedSecret, then the Set again.
      vault.secrets[key] = { name: deleted.name, versions: deleted.versions };
      delete vault.deletedSecrets[key];
    }
    const version = setSecret(vault, name, planned, config, ctx.now());
    writeVault(ctx, vault);
    assertReadable(ctx, vault);
    return stateAfterWrite(planned, vault, name, version);
  },
  read(state, ctx) {
    const id = parseSecretId(str(state.id) ?? "");
    const vault = vaultInProviderSubscription(ctx, id.host);
    // "Unable to determine the Resource ID for the Key Vault … removing from state", or "Secret … was not found".
    const secret = vault?.secrets[id.name.toLowerCase()];
    if (!vault || !secret) return null;
    return readState(state, vault, secret, id.version);
  },
  update(prior, planned, ctx, config) {
    const vault = vaultOf(ctx, planned, "update");
    const name = parseSecretId(str(prior.id) ?? "").name;
    const newValue = ["value", "value_wo_version"].some((n) => !sameValue(prior[n] ?? null, planned[n] ?? null));
    const version = newValue
      ? setSecret(vault, name, planned, config, ctx.now())
      : updateSecretAttributes(vault, name, planned);
    writeVault(ctx, vault);
    assertReadable(ctx, vault);
    return stateAfterWrite(planned, vault, name, version);
  },
  delete(state, ctx) {
    const id = parseSecretId(str(state.id) ?? "");
    const vault = vaultInProviderSubscription(ctx, id.host);
    if (!vault)
      throw new ProviderError(
        `unable to determine the Resource ID for the Key Vault at URL ${JSON.stringify(id.baseUrl)}`,
      );
    const key = id.name.toLowerCase();
    const secret = vault.secrets[key];
    if (!secret) return; // DeleteSecret answered 404: nothing to do.
    delete vault.secrets[key];
    const now = ctx.now();
    const purge = keyVaultFeature(ctx, "purge_soft_deleted_secrets_on_destroy") && !vault.purgeProtection;
    if (!purge)
      vault.deletedSecrets[key] = {
        ...secret,
        deletedDate: formatRfc3339(now),
        scheduledPurgeDate: formatRfc3339(new Date(now.getTime() + vault.softDeleteRetentionDays * 86_400_000)),
      };
    writeVault(ctx, vault);
  },
  importState(id, ctx) {
    let parsed: ParsedNestedItemId;
    try {
      parsed = parseSecretId(id);
    } catch (error) {
      throw new ProviderError(
        `parsing ID ${JSON.stringify(id)} for Key Vault Child import: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const vault = vaultInProviderSubscription(ctx, parsed.host);
    return { id, key_vault_id: vault ? vault.id : "" };
  },
};

// ---- data azurerm_key_vault ----

/**
 * internal/services/keyvault/key_vault_data_source.go at v4.55.0: the vault named `name` in `resource_group_name` of
 * the provider's subscription (a GET of that id); a missing one fails the read with "<id> was not found". Of the vault's
 * attributes the double knows its id, URI, tenant and purge protection; the others read as null.
 */
const keyVaultData: DataSourceBehaviour = {
  read(config, ctx) {
    const id: KeyVaultId = {
      subscriptionId: subscriptionOf(ctx.providerConfig),
      resourceGroupName: str(config.resource_group_name) ?? "",
      vaultName: str(config.name) ?? "",
    };
    const vault = readKeyVault(ctx.directoryRoot, id.vaultName);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (
      !vault ||
      !same(vault.subscriptionId, id.subscriptionId) ||
      !same(vault.resourceGroupName, id.resourceGroupName)
    ) {
      throw new ProviderError(`${describeVault(id)} was not found`);
    }
    return {
      ...config,
      id: vault.id,
      vault_uri: vault.vaultUri,
      tenant_id: vault.tenantId ?? null,
      purge_protection_enabled: vault.purgeProtection,
    };
  },
};

export function azurermProvider(schema: ProviderSchema): ProviderDefinition {
  return {
    name: "azurerm",
    schema,
    configure: configureErrors,
    resources: { [TYPE]: keyVaultSecretResource },
    dataSources: { azurerm_key_vault: keyVaultData },
  };
}
