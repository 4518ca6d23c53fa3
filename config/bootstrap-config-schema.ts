import { z } from "zod";
import { freeText, siteSchema, siteSettingsSchema, stateSchema } from "./config-schema";

/**
 * The bootstrap configuration (bootstrap.config.yaml): the deploying identity of one Entra tenant. Messages complete
 * the sentence "<field> is <value>, but …", as in config-schema.ts, whose field rules are reused where they agree.
 */

/** GitHub's rules: owner 1-39 letters, digits and hyphens; repository name letters, digits, `.`, `_` and `-`. */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** Branch and environment names end up inside a token subject, where `:` separates the parts. */
const SUBJECT_PART = /^[^:\s][^:]{0,254}$/;

export const githubFederationSchema = z.strictObject({
  repository: z
    .string({ error: "must be a GitHub repository as owner/name, such as contoso/miradore-entra" })
    .regex(REPOSITORY, { error: "must be a GitHub repository as owner/name, such as contoso/miradore-entra" }),
  mainBranch: freeText(
    z
      .string({ error: "must be a branch name (the branch whose workflows may sign in)" })
      .regex(SUBJECT_PART, { error: "must be a branch name: 1-255 characters, no colon, not starting with a space" }),
  ).default("main"),
  deployEnvironment: freeText(
    z
      .string({ error: "must be the name of the GitHub environment the deploy job uses, such as production" })
      .regex(SUBJECT_PART, {
        error: "must be an environment name: 1-255 characters, no colon, not starting with a space",
      }),
  ),
  pullRequests: z
    .boolean({ error: "must be true or false (whether pull request workflows may sign in to plan, read-only)" })
    .default(true),
  /** Only jobs in this environment may plan pull requests (give it required reviewers); unset: every pull request job. */
  pullRequestEnvironment: z
    .string({ error: "must be the name of the GitHub environment pull request plan jobs run in, such as pr-plan" })
    .regex(SUBJECT_PART, {
      error: "must be an environment name: 1-255 characters, no colon, not starting with a space",
    })
    .optional(),
});

export const bootstrapConfigSchema = z
  .strictObject({
    /** Names the stack (`miradore-bootstrap-<name>`) and its state; the same rules as a site name. */
    name: siteSchema.shape.name,
    tenantId: siteSchema.shape.tenantId,
    /** The deploy identity's app name. */
    displayName: siteSettingsSchema.shape.displayName.unwrap().default("Miradore deployment (GitHub Actions)"),
    /** The plan identity's app name (pull request plans and drift checks, read-only). */
    planDisplayName: siteSettingsSchema.shape.displayName.unwrap().default("Miradore plan (GitHub Actions)"),
    ownerObjectIds: z
      .array(siteSettingsSchema.shape.additionalOwnerObjectIds.unwrap().element, {
        error: "must be a list of object ids (administrators who own the CI identities, deploy and plan)",
      })
      .min(1, { error: "must list at least one owner (an app without owners has nobody accountable for it)" }),
    github: githubFederationSchema,
    /**
     * A service provider's fleet: both CI apps are enabled for other organizations ("AzureADMultipleOrgs"), so one
     * pair of identities serves every customer tenant, each onboarded with its administrator's consent.
     */
    multiTenant: z
      .boolean({
        error:
          "must be true or false (whether customer tenants may consent to the CI identities: one pair for a fleet of tenants)",
      })
      .default(false),
    state: stateSchema.default({ backend: "local" }),
    /**
     * Grant the deploy identity AuditLog.Read.All, so the rotation run can read which secret Miradore signs in with
     * from Entra's sign-in logs (README "Sign-in logs"; needs an Entra ID P1/P2 licence). Off: the handoff dates alone.
     */
    signInLogs: z.boolean({ error: "must be true or false" }).default(false),
  })
  .superRefine((config, ctx) => {
    const problem = (path: (string | number)[], input: unknown, message: string) =>
      ctx.addIssue({ code: "custom", path, input, message });
    // Entra refuses a second app of the same name (prevent_duplicate_names): the apply would fail halfway.
    if (config.planDisplayName === config.displayName) {
      problem(["planDisplayName"], config.planDisplayName, "must differ from displayName (the deploy identity's name)");
    }
    const { github } = config;
    if (github.pullRequestEnvironment === undefined) return;
    if (!github.pullRequests) {
      problem(
        ["github", "pullRequestEnvironment"],
        github.pullRequestEnvironment,
        "must be left out when github.pullRequests is false (no pull request may sign in)",
      );
    } else if (github.pullRequestEnvironment === github.deployEnvironment) {
      problem(
        ["github", "pullRequestEnvironment"],
        github.pullRequestEnvironment,
        "must differ from github.deployEnvironment: a pull request job in the deploy environment would sign in as the deploy identity",
      );
    }
  });

/** A validated bootstrap configuration, defaults applied. */
export type BootstrapConfig = z.output<typeof bootstrapConfigSchema>;
