import { Op } from "cdktf";
import type { ExistingInstallation } from "../config/existing-installation-schema";
import type { MiradoreStack } from "./miradore-stack";

/** The parts of a {@link MiradoreStack} an existing installation is imported into. */
export type ImportTarget = Pick<MiradoreStack, "app" | "consent">;

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
export function importExistingInstallation(stack: ImportTarget, existing: ExistingInstallation): void {
  stack.app.application.importFrom(`/applications/${existing.applicationObjectId}`);
  stack.app.servicePrincipal.importFrom(`/servicePrincipals/${existing.servicePrincipalObjectId}`);
  if (!existing.consent) return;

  const { graphServicePrincipalObjectId, assignmentIds } = existing.consent;
  const requested = [...stack.consent.assignments.keys()];
  for (const [permission, assignmentId] of Object.entries(assignmentIds)) {
    const assignment = stack.consent.assignments.get(permission);
    if (!assignment) {
      throw new Error(
        `existing.consent.assignmentIds.${permission} is ${JSON.stringify(assignmentId)}, but the site does not request ` +
          `${permission} (it requests ${requested.join(", ")}); remove it, or remove that consent in the portal`,
      );
    }
    assignment.importFrom(`/servicePrincipals/${graphServicePrincipalObjectId}/appRoleAssignedTo/${assignmentId}`);
    // The id names the Graph service principal by a literal; if it is not this tenant's, the imported assignment's
    // resource_object_id would differ from the configuration, and Terraform would replace (briefly revoke) consent.
    assignment.addOverride("lifecycle.precondition", [
      {
        condition: Op.eq(stack.consent.graphServicePrincipal.objectId, graphServicePrincipalObjectId),
        error_message:
          `existing.consent.graphServicePrincipalObjectId is "${graphServicePrincipalObjectId}", but this tenant's ` +
          "Microsoft Graph service principal has another object id (az ad sp show --id " +
          "00000003-0000-0000-c000-000000000000 --query id).",
      },
    ]);
  }
}
