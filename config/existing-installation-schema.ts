import { z } from "zod";
import { GRAPH_APP_ROLES } from "../constructs";

/**
 * A site whose Miradore app was made by hand (portal), to be taken over by Terraform through `import` blocks (see
 * docs/existing-installation.md and constructs/existing-installation.ts). Per site only, never in `defaults`: the ids
 * belong to one tenant. Messages complete the sentence "<field> is <value>, but …", as in config-schema.ts.
 *
 * This module must not import config-schema.ts, which includes it in the site schema.
 */

const objectId = (what: string) => z.guid({ error: `must be a GUID (${what})` });

/**
 * An app role assignment's id as Graph returns it (`id` in `GET /servicePrincipals/{id}/appRoleAssignments`): a
 * base64url string, e.g. 43 characters. A GUID here is a mistake: it is the app role id or an object id.
 */
const assignmentId = z
  .string({ error: "must be an app role assignment id (the `id` Graph lists for the assignment)" })
  .regex(/^[A-Za-z0-9_-]+$/, { error: "must be an app role assignment id: letters, digits, `-` and `_` only" })
  .refine((id) => z.guid().safeParse(id).success === false, {
    error: "must be the assignment's own id, not a GUID (a GUID here is the app role id or an object id)",
  });

const permissionNames = [...GRAPH_APP_ROLES.keys()] as [string, ...string[]];

/** Admin consent that was granted in the portal: the app role assignments to import, by permission name. */
export const existingConsentSchema = z.strictObject({
  /** Object id of this tenant's Microsoft Graph service principal: part of every assignment's Terraform id. */
  graphServicePrincipalObjectId: objectId("the object id of the Microsoft Graph service principal in this tenant"),
  assignmentIds: z.partialRecord(z.enum(permissionNames), assignmentId, {
    error: `must be a mapping from permission name (${permissionNames.join(", ")}) to app role assignment id`,
  }),
});

export const existingInstallationSchema = z.strictObject({
  /** "Object ID" on the app registration's overview page (not its client id). */
  applicationObjectId: objectId("the object id of the app registration, not its client id"),
  /** "Object ID" on the enterprise application's overview page. */
  servicePrincipalObjectId: objectId("the object id of the app's service principal (enterprise application)"),
  /** Leave out when consent was never granted by hand; Terraform then grants it. */
  consent: existingConsentSchema.optional(),
});

/** Where an existing, hand-made Miradore app is, for import. */
export type ExistingInstallation = z.output<typeof existingInstallationSchema>;
