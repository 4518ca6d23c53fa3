import type { PolicyRule } from "./policy-rule";
import { violation } from "./policy-rule";
import { referencesIn } from "./private/terraform-references";

/** The resource types that register an application (the full one, and the split-out registration). */
const APPLICATION_TYPES = new Set(["azuread_application", "azuread_application_registration"]);

/** "Accounts in this organizational directory only". */
const SINGLE_TENANT = "AzureADMyOrg";

/** An application that other tenants (or personal Microsoft accounts) could sign in to. */
export const singleTenantOnly: PolicyRule = {
  id: "MIR-APP-1",
  level: "error",
  explanation:
    `Miradore reads one directory, so its app must be single tenant (sign_in_audience "${SINGLE_TENANT}"); a ` +
    "multi-tenant app can be consented to from other tenants and widens who can obtain tokens for it.",
  check: (node, { view }) => {
    const block = view.blockOf(node);
    if (!block || block.kind !== "resource" || !APPLICATION_TYPES.has(block.type)) return "n/a";
    const audience = block.config.sign_in_audience;
    // Left out, both resource types default to AzureADMyOrg (azuread provider documentation).
    if (audience === undefined || audience === SINGLE_TENANT) return "ok";
    return violation(`sign_in_audience is ${JSON.stringify(audience)}, but must be "${SINGLE_TENANT}" (single tenant)`);
  },
};

/** An application nobody but a directory administrator can manage, and whose owner is nobody to ask. */
export const applicationHasOwners: PolicyRule = {
  id: "MIR-APP-2",
  level: "error",
  explanation:
    "An application without owners can only be managed by directory administrators, and an identity that deploys " +
    "with Application.ReadWrite.OwnedBy loses it after creating it; owners also say who answers for it.",
  check: (node, { view }) => {
    const block = view.blockOf(node);
    if (!block || block.kind !== "resource" || !APPLICATION_TYPES.has(block.type)) return "n/a";
    const owners = block.config.owners;
    // A computed list (an expression) is taken as set: its length is only known at apply time.
    if ((Array.isArray(owners) && owners.length > 0) || typeof owners === "string") return "ok";
    const ownedElsewhere = view
      .blocks("resource", "azuread_application_owner")
      .some((owner) =>
        referencesIn(String(owner.config.application_id ?? ""), block.type).some((ref) => ref.name === block.name),
      );
    if (ownedElsewhere) return "ok";
    return violation(
      `owners is ${owners === undefined ? "not set" : JSON.stringify(owners)} and no azuread_application_owner names ` +
        "this application, but it must have at least one owner",
    );
  },
};
