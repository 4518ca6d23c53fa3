import { z } from "zod";
import { siteSchema, siteSettingsSchema, stateSchema } from "./config-schema";

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
  mainBranch: z
    .string({ error: "must be a branch name (the branch whose workflows may sign in)" })
    .regex(SUBJECT_PART, { error: "must be a branch name: 1-255 characters, no colon, not starting with a space" })
    .default("main"),
  deployEnvironment: z
    .string({ error: "must be the name of the GitHub environment the deploy job uses, such as production" })
    .regex(SUBJECT_PART, {
      error: "must be an environment name: 1-255 characters, no colon, not starting with a space",
    }),
  pullRequests: z
    .boolean({ error: "must be true or false (whether pull request workflows may sign in to plan)" })
    .default(true),
});

export const bootstrapConfigSchema = z.strictObject({
  /** Names the stack (`miradore-bootstrap-<name>`) and its state; the same rules as a site name. */
  name: siteSchema.shape.name,
  tenantId: siteSchema.shape.tenantId,
  displayName: siteSettingsSchema.shape.displayName.unwrap().default("Miradore deployment (GitHub Actions)"),
  ownerObjectIds: z
    .array(siteSettingsSchema.shape.additionalOwnerObjectIds.unwrap().element, {
      error: "must be a list of object ids (administrators who own the deploying identity)",
    })
    .min(1, { error: "must list at least one owner (an app without owners has nobody accountable for it)" }),
  github: githubFederationSchema,
  state: stateSchema.default({ backend: "local" }),
});

/** A validated bootstrap configuration, defaults applied. */
export type BootstrapConfig = z.output<typeof bootstrapConfigSchema>;
