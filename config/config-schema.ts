import { z } from "zod";
import {
  dayCountProblem,
  DEFAULT_DISPLAY_NAME,
  DEFAULT_SECRET_SCHEDULE,
  displayNameProblem,
  GROUP_FILTERING_GRAPH_APP_ROLE,
  guidProblem,
  keyVaultIdProblem,
  keyVaultSecretNameProblem,
  type SecretSchedule,
  secretScheduleProblems,
} from "../constructs";
import { existingInstallationSchema } from "./existing-installation-schema";

/**
 * The configuration file's shape, with every limit and the reason for it. Messages complete the sentence
 * "<field> is <value>, but …", so an error names the field, the value and what is expected. Where the construct library
 * checks the same value (GUIDs, display names, Key Vault names, the secret schedule), its rule is used here, so the
 * file and the constructs refuse the same values with the same words.
 */

/** A text setting judged by one of the library's rules (`problem` says what the value must be, or undefined). */
const textBy = (problem: (value: unknown) => string | undefined) =>
  z
    .string({ error: problem(undefined) })
    .refine((value) => problem(value) === undefined, { error: (issue) => problem(issue.input) });

const guid = (what: string) => textBy((value) => guidProblem(value, what));

/**
 * cdktf reads `${TfToken[…]}` (`#{`/`&{` for lists and maps) anywhere in a string as a reference to another value of
 * the stack, a client secret included, and writes that value in its place. Free text from the configuration must not
 * contain it; Terraform's own template sequences (`${`, `%{`) are fine: constructs/terraform-literal.ts escapes them.
 */
const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** `schema` (a string) refusing cdktf's token marker, so the text stays text. */
export const freeText = <T extends z.ZodString>(schema: T) =>
  schema.refine((text) => !CDKTF_TOKEN_MARKER.test(text), {
    error: 'must not contain "${TfToken[" (cdktf would put another value of the stack, such as a secret, in its place)',
  });

/** A day count of the secret schedule, judged by the same rule the constructs apply to their props. */
const dayCount = (field: keyof SecretSchedule) =>
  z
    .custom<number>((value) => dayCountProblem(field, value) === undefined, {
      error: (issue) => dayCountProblem(field, issue.input),
    })
    .default(DEFAULT_SECRET_SCHEDULE[field]);

export const secretSchema = z.strictObject({
  lifetimeDays: dayCount("lifetimeDays"),
  rotationIntervalDays: dayCount("rotationIntervalDays"),
  handoffDays: dayCount("handoffDays"),
  maxRunGapDays: dayCount("maxRunGapDays"),
  tenantMaxLifetimeDays: dayCount("tenantMaxLifetimeDays"),
});

const localState = z.strictObject({
  backend: z.literal("local"),
  /** Folder for local state files, relative to the stack's output folder. */
  directory: freeText(z.string().min(1, { error: "must be a non-empty folder path" })).optional(),
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

/** Optional: also write the current secret to a Key Vault, for operators to read it there. */
export const keyVaultSchema = z.strictObject({
  id: textBy(keyVaultIdProblem),
  secretName: textBy(keyVaultSecretNameProblem).optional(),
  tenantId: guid("the tenant the Key Vault belongs to").optional(),
  /**
   * False turns the handoff off: the vault secret the stack wrote is deleted (Terraform still needs the vault's
   * provider for that, so the block stays until that apply has run).
   */
  enabled: z
    .boolean({ error: "must be true or false (whether to write the current secret to the vault)" })
    .default(true),
});

/** Everything a site may set; `defaults` holds the same fields. */
export const siteSettingsSchema = z.strictObject({
  displayName: freeText(textBy(displayNameProblem)).default(DEFAULT_DISPLAY_NAME),
  groupFiltering: z
    .boolean({
      error: `must be true or false (whether Miradore filters users by group: grants ${GROUP_FILTERING_GRAPH_APP_ROLE.value})`,
    })
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
    /**
     * CI apps of the site's own tenant, for a customer who will not consent to the service provider's multi-tenant
     * ones: the site's stack signs in with these client ids (README "Many sites", per-site override).
     */
    ciIdentity: z
      .strictObject(
        {
          deployClientId: guid("the client id of the site's own deploy identity"),
          planClientId: guid("the client id of the site's own read-only plan identity"),
        },
        { error: "must be a mapping with deployClientId and planClientId (the site's own CI apps)" },
      )
      .refine((ids) => ids.deployClientId.toLowerCase() !== ids.planClientId.toLowerCase(), {
        error: "must name two different apps: the plan identity is read-only, the deploy identity is not",
      })
      .optional(),
  })
  .superRefine((site, ctx) => {
    // groupFiltering is what requests its permission (miradoreGraphAppRoles in the library): without it there is no
    // consent for the import to adopt, and the stack would fail to build.
    const groupRole = GROUP_FILTERING_GRAPH_APP_ROLE.value;
    const groupConsent = site.existing?.consent?.assignmentIds?.[groupRole];
    if (site.groupFiltering === false && groupConsent !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["existing", "consent", "assignmentIds", groupRole],
        input: groupConsent,
        message:
          `must be left out while groupFiltering is false: the site then does not request ${groupRole}, so ` +
          `there is no consent to import; remove it (and revoke that consent in the portal), or set groupFiltering: true`,
      });
    }
    // Day counts were judged field by field above; secretScheduleProblems adds the relations between them.
    if (Object.entries(site.secret).some(([field, days]) => dayCountProblem(field as keyof SecretSchedule, days)))
      return;
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
