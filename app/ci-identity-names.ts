// The names a site with its own CI identities (`ciIdentity` in the configuration) uses in its Terraform JSON, shared
// by the stack (app/site-ci-identity.ts) and the pipeline that reads them back (tools/pipeline/stack-sign-in.ts).
// No imports: the pipeline bundle loads nothing but this.

/** Terraform variable that says which of the site's identities a run signs in as: "deploy", "plan" or "" (none). */
export const CI_IDENTITY_VARIABLE = "miradore_ci_identity";

/** Terraform local: the site's client ids by role, `{ deploy, plan }`. */
export const CI_CLIENT_IDS_LOCAL = "miradore_ci_client_ids";

/** The roles a CI job signs in as; the workflows set TF_VAR_miradore_ci_identity to one of them. */
export const CI_ROLES = ["deploy", "plan"] as const;
export type CiRole = (typeof CI_ROLES)[number];
