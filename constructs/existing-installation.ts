import { Op, type TerraformResource } from "cdktf";
import { guidProblem } from "./entra-limits";
import { MICROSOFT_GRAPH_APP_ID } from "./graph-facts";
import type { GraphAdminConsent } from "./graph-admin-consent";
import type { GraphClientApplication } from "./graph-client-application";
import { assertProps } from "./private/prop-problems";

/** What each object id names, for messages. */
const OBJECT_IDS = {
  app: "the object id of the app registration, not its client id",
  servicePrincipal: "the object id of the app's service principal (enterprise application)",
  graph: "the object id of the Microsoft Graph service principal in this tenant",
};

/** A Miradore app made by hand (in the portal), to be taken over rather than created. */
export interface ExistingInstallationProps {
  /** "Object ID" on the app registration's overview page (not its client id). */
  readonly applicationObjectId: string;

  /** "Object ID" on the enterprise application's overview page. */
  readonly servicePrincipalObjectId: string;

  /**
   * Admin consent granted in the portal: the app role assignments to import.
   * @default - consent was never granted by hand; Terraform grants it
   */
  readonly consent?: ExistingConsentProps;
}

/** Admin consent granted in the portal, to be imported. */
export interface ExistingConsentProps {
  /** Object id of this tenant's Microsoft Graph service principal: part of every assignment's Terraform id. */
  readonly graphServicePrincipalObjectId: string;

  /**
   * The app role assignments' ids (the `id` Graph lists for each, not a GUID), by permission name, e.g.
   * `{ "User.Read.All": "Ki3dLdTX…" }`. Each permission must be one the app requests.
   */
  readonly assignmentIds: Readonly<Partial<Record<string, string>>>;
}

/** The parts of a Miradore connection (or stack) an existing installation is imported into. */
export interface ImportTarget {
  readonly app: GraphClientApplication;
  readonly consent: GraphAdminConsent;
}

/**
 * Takes over a Miradore app that was made by hand: Terraform `import` blocks (cdktf `importFrom`) for the app
 * registration, its service principal and, when admin consent was granted in the portal, its app role assignments to
 * Microsoft Graph. The next plan reads them instead of creating duplicates, and shows every difference to the code as
 * an in-place update.
 *
 * The hand-made client secret is left alone: `azuread_application_password` cannot be imported and Terraform deletes
 * only passwords it created (by their key id), and the app's own `password` block, which we never set, only tracks a
 * password it made itself. The operator deletes the old secret in the portal once Miradore uses the new one.
 *
 * Import ids (provider docs' "Import" sections, hashicorp/terraform-provider-azuread v3.7.0): `/applications/{objectId}`,
 * `/servicePrincipals/{objectId}`, `/servicePrincipals/{resourceServicePrincipalObjectId}/appRoleAssignedTo/{id}`.
 * Import blocks need Terraform 1.5 or later, which cdktf checks (`terraform version`) when the app synthesizes.
 */
export function importExistingInstallation(stack: ImportTarget, existing: ExistingInstallationProps): void {
  const consent = existing.consent;
  assertProps("existing", [
    ["applicationObjectId", existing.applicationObjectId, guidProblem(existing.applicationObjectId, OBJECT_IDS.app)],
    [
      "servicePrincipalObjectId",
      existing.servicePrincipalObjectId,
      guidProblem(existing.servicePrincipalObjectId, OBJECT_IDS.servicePrincipal),
    ],
    ...(consent === undefined
      ? []
      : ([
          [
            "consent.graphServicePrincipalObjectId",
            consent.graphServicePrincipalObjectId,
            guidProblem(consent.graphServicePrincipalObjectId, OBJECT_IDS.graph),
          ],
          ...Object.entries(consent.assignmentIds).map(
            ([permission, id]) =>
              [
                `consent.assignmentIds.${permission}`,
                id,
                id === undefined || /^[A-Za-z0-9_-]+$/.test(id)
                  ? undefined
                  : "must be an app role assignment id: letters, digits, `-` and `_` only",
              ] as const,
          ),
        ] as const)),
  ]);
  // An import block names the provider configuration its resource uses (none: the default one).
  const importInto = (resource: TerraformResource, id: string) => resource.importFrom(id, resource.provider);
  importInto(stack.app.application, `/applications/${existing.applicationObjectId}`);
  importInto(stack.app.servicePrincipal, `/servicePrincipals/${existing.servicePrincipalObjectId}`);
  if (!consent) return;

  const { graphServicePrincipalObjectId, assignmentIds } = consent;
  const requested = [...stack.consent.assignments.keys()];
  for (const [permission, assignmentId] of Object.entries(assignmentIds)) {
    if (assignmentId === undefined) continue;
    const assignment = stack.consent.assignments.get(permission);
    if (!assignment) {
      throw new Error(
        `existing.consent.assignmentIds.${permission} is ${JSON.stringify(assignmentId)}, but the site does not request ` +
          `${permission} (it requests ${requested.join(", ")}); remove it, or remove that consent in the portal`,
      );
    }
    importInto(assignment, `/servicePrincipals/${graphServicePrincipalObjectId}/appRoleAssignedTo/${assignmentId}`);
    // The id names the Graph service principal by a literal; if it is not this tenant's, the imported assignment's
    // resource_object_id would differ from the configuration, and Terraform would replace (briefly revoke) consent.
    assignment.addOverride("lifecycle.precondition", [
      {
        condition: Op.eq(stack.consent.graphServicePrincipal.objectId, graphServicePrincipalObjectId),
        error_message:
          `existing.consent.graphServicePrincipalObjectId is "${graphServicePrincipalObjectId}", but this tenant's ` +
          "Microsoft Graph service principal has another object id (az ad sp show --id " +
          `${MICROSOFT_GRAPH_APP_ID} --query id).`,
      },
    ]);
  }
}
