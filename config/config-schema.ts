import { z } from "zod";
import { DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS, MAX_DISPLAY_NAME_LENGTH } from "./entra-limits";
import { existingInstallationSchema } from "./existing-installation-schema";
import { secretScheduleProblems } from "./secret-schedule-rules";

/**
 * The configuration file's shape, with every limit and the reason for it. Messages complete the sentence
 * "<field> is <value>, but …", so an error names the field, the value and what is expected.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_EXAMPLE = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";

const guid = (what: string) =>
  z.string({ error: `must be a GUID (${what}) such as ${GUID_EXAMPLE}` }).regex(GUID, {
    error: `must be a GUID (${what}) such as ${GUID_EXAMPLE}`,
  });

const wholeDays = (what: string) =>
  z
    .number({ error: `must be a whole number of days (${what})` })
    .int({ error: `must be a whole number of days (${what})` })
    .min(1, { error: `must be at least 1 day (${what})` });

export const secretSchema = z.strictObject({
  lifetimeDays: wholeDays("how long each client secret stays valid").default(180),
  rotationIntervalDays: wholeDays("days between two new client secrets").default(60),
  handoffDays: wholeDays("days the operator has to paste a new secret into Miradore").default(21),
  maxRunGapDays: wholeDays("the longest time the scheduled pipeline may go without a successful run").default(35),
  tenantMaxLifetimeDays: wholeDays("the longest secret lifetime the tenant allows").default(
    DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS,
  ),
});

const localState = z.strictObject({
  backend: z.literal("local"),
  /** Folder for local state files, relative to the stack's output folder. */
  directory: z.string().min(1, { error: "must be a non-empty folder path" }).optional(),
});

const azurermState = z.strictObject({
  backend: z.literal("azurerm"),
  storageAccountName: z
    .string({ error: "must be a storage account name (3-24 lowercase letters and digits)" })
    .regex(/^[a-z0-9]{3,24}$/, { error: "must be a storage account name (3-24 lowercase letters and digits)" }),
  containerName: z
    .string({ error: "must be a blob container name (3-63 lowercase letters, digits and hyphens)" })
    .regex(/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, {
      error: "must be a blob container name (3-63 lowercase letters, digits and hyphens)",
    }),
  keyPrefix: z
    .string({ error: "must be a blob name prefix such as miradore/" })
    .regex(/^[A-Za-z0-9._/-]*$/, { error: "must be a blob name prefix such as miradore/" })
    .default("miradore/"),
});

/** HCP Terraform / Terraform Enterprise: remote runs in one workspace per site (`<workspacePrefix><stack name>`). */
const cloudState = z.strictObject({
  backend: z.literal("cloud"),
  organization: z
    .string({ error: "must be an HCP Terraform organization name" })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be an HCP Terraform organization name" }),
  hostname: z
    .string({ error: "must be a host name such as app.terraform.io" })
    .regex(/^[a-z0-9.-]+$/i, { error: "must be a host name such as app.terraform.io" })
    .default("app.terraform.io"),
  workspacePrefix: z
    .string({ error: "must be a workspace name prefix (letters, digits, - and _)" })
    .regex(/^[A-Za-z0-9_-]*$/, { error: "must be a workspace name prefix (letters, digits, - and _)" })
    .default(""),
});

export const stateSchema = z.discriminatedUnion("backend", [localState, azurermState, cloudState], {
  error:
    'must be { backend: "local" }, { backend: "azurerm", storageAccountName, containerName } or { backend: "cloud", organization }',
});

const KEY_VAULT_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i;

/** Optional: also write the current secret to a Key Vault, for operators to read it there. */
export const keyVaultSchema = z.strictObject({
  id: z.string({ error: "must be a Key Vault resource id" }).regex(KEY_VAULT_ID, {
    error:
      "must be a Key Vault resource id: /subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
  }),
  secretName: z
    .string({ error: "must be a Key Vault secret name (1-127 letters, digits and hyphens)" })
    .regex(/^[0-9A-Za-z-]{1,127}$/, { error: "must be a Key Vault secret name (1-127 letters, digits and hyphens)" })
    .optional(),
  tenantId: guid("the tenant the Key Vault belongs to").optional(),
});

/** Everything a site may set; `defaults` holds the same fields. */
export const siteSettingsSchema = z.strictObject({
  displayName: z
    .string({ error: "must be a display name (text)" })
    .refine((name) => name.trim() !== "", { error: "must not be empty (the app's name in the Entra admin center)" })
    .max(MAX_DISPLAY_NAME_LENGTH, { error: `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters (Entra ID's limit)` })
    .default("Miradore MDM"),
  groupFiltering: z
    .boolean({ error: "must be true or false (whether Miradore filters users by group: grants Group.Read.All)" })
    .default(true),
  additionalOwnerObjectIds: z
    .array(guid("the object id of a user or service principal"), { error: "must be a list of object ids" })
    .default([]),
  secret: secretSchema.default(secretSchema.parse({})),
  state: stateSchema.default({ backend: "local" }),
  keyVault: keyVaultSchema.optional(),
});

export const siteSchema = siteSettingsSchema
  .extend({
    name: z
      .string({ error: "must be a site name: lowercase letters, digits and hyphens, starting with a letter" })
      .regex(/^[a-z][a-z0-9-]{0,39}$/, {
        error: "must be a site name: 1-40 lowercase letters, digits and hyphens, starting with a letter",
      }),
    tenantId: guid("the Entra directory (tenant) id"),
    /** A Miradore app made by hand in this tenant, to be imported rather than created (docs/existing-installation.md). */
    existing: existingInstallationSchema.optional(),
    allowSharedTenant: z
      .boolean({ error: "must be true or false (whether this site may share its tenant with another site)" })
      .default(false),
  })
  .superRefine((site, ctx) => {
    // Relations between values are only worth reporting once each value is valid on its own.
    if (!Object.values(site.secret).every((days) => Number.isInteger(days) && days >= 1)) return;
    for (const problem of secretScheduleProblems(site.secret)) {
      ctx.addIssue({
        code: "custom",
        path: ["secret", problem.field],
        message: problem.expected,
        input: site.secret[problem.field],
      });
    }
  });

/** A site after defaults, environment overrides and built-in defaults are applied. */
export type SiteConfig = z.output<typeof siteSchema>;
export type SecretConfig = SiteConfig["secret"];
export type StateConfig = SiteConfig["state"];

/** The top level of the file; site entries are validated after defaults are merged into them. */
export const fileSchema = z.strictObject({
  defaults: z.record(z.string(), z.unknown(), { error: "must be a mapping of settings" }).optional(),
  sites: z
    .array(z.record(z.string(), z.unknown(), { error: "must be a mapping with name and tenantId" }), {
      error: "must be a list of sites",
    })
    .min(1, { error: "must list at least one site" }),
});
