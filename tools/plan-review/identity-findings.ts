// Which planned changes are identity-critical, and why, in words a reviewer of an Entra ID change understands:
// Graph permissions requested or dropped, admin consent granted or revoked, credentials created or replaced,
// sign-in audience or owners changed, and anything destroyed.
import { isReplacement } from "./action-words";
import { describeAssignedAppRole, describeRequestedPermission } from "./graph-permission-names";
import { code, shown } from "./markdown";
import { field, Hidden, items, type Masked } from "./masked-value";
import type { PlannedChange } from "./planned-change";
import { setDifference } from "./set-difference";

type Finder = (change: PlannedChange) => string[];

/** Attributes whose change the findings put in words; the review does not list them again as raw values. */
export const ATTRIBUTES_EXPLAINED_BY_FINDINGS: ReadonlySet<string> = new Set([
  "required_resource_access",
  "sign_in_audience",
  "owners",
  "account_enabled",
  "role_ids",
  "scope_ids",
  "claim_values",
]);

/** The reasons `change` is identity-critical; empty when it is not. */
export function identityFindings(change: PlannedChange): string[] {
  const finder = Object.hasOwn(FINDERS, change.type) ? FINDERS[change.type] : undefined;
  const reasons = finder && change.mode === "managed" ? finder(change) : [];
  if (reasons.length > 0 || change.mode !== "managed") {
    return reasons;
  }
  if (change.kind === "delete") {
    return ["The object is destroyed."];
  }
  if (change.type.startsWith("azuread_") && (isReplacement(change.kind) || change.kind === "forget")) {
    return change.kind === "forget"
      ? ["Terraform stops managing this Entra ID object; it stays in the tenant."]
      : ["The Entra ID object is destroyed and created again: its object id changes."];
  }
  return [];
}

const AUDIENCES: Readonly<Record<string, string>> = {
  AzureADMyOrg: "accounts in this tenant only",
  AzureADMultipleOrgs: "accounts in any Entra ID tenant",
  AzureADandPersonalMicrosoftAccount: "accounts in any Entra ID tenant and personal Microsoft accounts",
  PersonalMicrosoftAccount: "personal Microsoft accounts only",
};

function audience(value: Masked | undefined): string {
  const meaning = typeof value === "string" ? AUDIENCES[value] : undefined;
  return meaning ? `${shown(value)} (${meaning})` : shown(value);
}

const application: Finder = (change) => {
  const { before, after, kind } = change;
  if (kind === "delete") {
    return [
      "The app registration is deleted: its client id and every secret stop working, and Miradore loses access to the tenant.",
    ];
  }
  const reasons: string[] = [];
  if (kind === "create") {
    reasons.push(`A new app registration, sign-in audience ${audience(field(after, "sign_in_audience"))}.`);
  } else if (isReplacement(kind)) {
    reasons.push(
      "The app registration is replaced: the new one has a new client id, and Miradore needs it and a new secret.",
    );
  }
  if (before !== undefined && after !== undefined && change.changedAttributes.includes("sign_in_audience")) {
    reasons.push(
      `Sign-in audience changes from ${audience(field(before, "sign_in_audience"))} to ${audience(field(after, "sign_in_audience"))}.`,
    );
  }
  reasons.push(...requiredResourceAccessFindings(before, after));
  reasons.push(...ownerFindings(field(before, "owners"), field(after, "owners")));
  if (after !== undefined && change.changedAttributes.includes("password")) {
    reasons.push(`Its inline ${code("password")} credentials change.`);
  }
  return reasons;
};

interface RequestedPermission {
  readonly apiAppId: Masked | undefined;
  readonly id: Masked | undefined;
  readonly type: Masked | undefined;
}

function requestedPermissions(requiredResourceAccess: Masked | undefined): RequestedPermission[] {
  return items(requiredResourceAccess).flatMap((api) =>
    items(field(api, "resource_access")).map((access) => ({
      apiAppId: field(api, "resource_app_id"),
      id: field(access, "id"),
      type: field(access, "type"),
    })),
  );
}

function requiredResourceAccessFindings(before: Masked | undefined, after: Masked | undefined): string[] {
  const afterAccess = field(after, "required_resource_access");
  if (afterAccess instanceof Hidden) {
    return [`The API permissions it requests are ${shown(afterAccess)}: check the full plan.`];
  }
  return permissionFindings(
    requestedPermissions(field(before, "required_resource_access")),
    requestedPermissions(afterAccess),
  );
}

function permissionFindings(before: RequestedPermission[], after: RequestedPermission[]): string[] {
  const { added, removed } = setDifference(before, after, (p) => [p.apiAppId ?? null, p.id ?? null, p.type ?? null]);
  return [
    ...added.map(
      (p) =>
        `Requests ${describeRequestedPermission(p.apiAppId, p.id, p.type)}; it takes effect once admin consent is granted.`,
    ),
    ...removed.map((p) => `No longer requests ${describeRequestedPermission(p.apiAppId, p.id, p.type)}.`),
  ];
}

function ownerFindings(before: Masked | undefined, after: Masked | undefined): string[] {
  if (after instanceof Hidden) {
    return [`Its owners are ${shown(after)}.`];
  }
  const { added, removed } = setDifference(items(before), items(after), (owner) => owner);
  return [
    ...(added.length > 0
      ? [`Owners added (they can change the app and its secrets): ${added.map(shown).join(", ")}.`]
      : []),
    ...(removed.length > 0 ? [`Owners removed: ${removed.map(shown).join(", ")}.`] : []),
  ];
}

const applicationApiAccess: Finder = (change) => {
  const permissionsOf = (value: Masked | undefined): RequestedPermission[] => [
    ...items(field(value, "role_ids")).map((id) => ({
      apiAppId: field(value, "api_client_id"),
      id,
      type: "Role" as Masked,
    })),
    ...items(field(value, "scope_ids")).map((id) => ({
      apiAppId: field(value, "api_client_id"),
      id,
      type: "Scope" as Masked,
    })),
  ];
  return permissionFindings(permissionsOf(change.before), permissionsOf(change.after));
};

const servicePrincipal: Finder = (change) => {
  const { before, after, kind } = change;
  if (kind === "delete") {
    return [
      "The service principal is deleted: the admin consent granted to it goes with it, and the app can no longer sign in to this tenant.",
    ];
  }
  const reasons: string[] = [];
  if (kind === "create") {
    reasons.push("A new service principal: the app can sign in to this tenant once it has a secret.");
  } else if (isReplacement(kind)) {
    reasons.push(
      "The service principal is replaced: admin consent granted to the old one is lost until it is granted again.",
    );
  }
  if (before !== undefined && change.changedAttributes.includes("account_enabled")) {
    reasons.push(
      `Sign-in enabled changes from ${shown(field(before, "account_enabled"))} to ${shown(field(after, "account_enabled"))}.`,
    );
  }
  reasons.push(...ownerFindings(field(before, "owners"), field(after, "owners")));
  return reasons;
};

const appRoleAssignment: Finder = (change) => {
  const role = (value: Masked | undefined) =>
    describeAssignedAppRole(field(value, "app_role_id"), field(value, "resource_object_id"));
  const principal = (value: Masked | undefined) => shown(field(value, "principal_object_id"));
  switch (change.kind) {
    case "create":
      return [`Grants admin consent: ${role(change.after)} to the service principal ${principal(change.after)}.`];
    case "delete":
      return [`Revokes admin consent: ${role(change.before)} from the service principal ${principal(change.before)}.`];
    case "replace-destroy-first":
    case "replace-create-first":
    case "replace-forget-old":
      return [
        `Admin consent is revoked and granted again: ${role(change.before)} for ${principal(change.before)}, ` +
          `then ${role(change.after)} for ${principal(change.after)}.`,
      ];
    default:
      return [];
  }
};

const delegatedPermissionGrant: Finder = (change) => {
  const scopes = (value: Masked | undefined) => items(field(value, "claim_values")).map(shown).join(", ") || "_(none)_";
  switch (change.kind) {
    case "create":
      return [`Grants delegated admin consent for the scopes ${scopes(change.after)}.`];
    case "delete":
      return [`Revokes delegated admin consent for the scopes ${scopes(change.before)}.`];
    case "update":
      return [`Delegated admin consent changes from the scopes ${scopes(change.before)} to ${scopes(change.after)}.`];
    default:
      return [`Delegated admin consent is revoked and granted again, for the scopes ${scopes(change.after)}.`];
  }
};

const applicationOwner: Finder = (change) => {
  const owner = (value: Masked | undefined) => shown(field(value, "owner_object_id"));
  switch (change.kind) {
    case "create":
      return [`Adds the owner ${owner(change.after)}; owners can change the app and its secrets.`];
    case "delete":
      return [`Removes the owner ${owner(change.before)}.`];
    default:
      return isReplacement(change.kind) ? [`Owner ${owner(change.before)} is replaced by ${owner(change.after)}.`] : [];
  }
};

/** Secrets, certificates and federated credentials: who can sign in as the app. Never shows `value`. */
function credential(label: string): Finder {
  return (change) => {
    const { before, after, kind } = change;
    const details = (value: Masked | undefined) =>
      field(value, "subject") !== undefined
        ? `issuer ${shown(field(value, "issuer"))}, subject ${shown(field(value, "subject"))}`
        : `key id ${shown(field(value, "key_id"))}, valid until ${shown(field(value, "end_date"))}`;
    const rotation = change.replacePaths.some((path) => path.startsWith("rotate_when_changed"))
      ? " (a scheduled rotation)"
      : "";
    switch (kind) {
      case "create":
        return [`A new ${label} (${details(after)}).`];
      case "delete":
        return [`The ${label} (${details(before)}) is deleted: anything still using it can no longer sign in.`];
      case "update":
        return [`The ${label} (${details(before)}) changes in place.`];
      case "replace-create-first":
        return [
          `The ${label} is replaced${rotation}, **the new one is created before the old one is deleted** (create_before_destroy): ` +
            `old ${details(before)}; new ${details(after)}.`,
        ];
      case "replace-destroy-first":
        return [
          `The ${label} is replaced${rotation}, **the old one is deleted before the new one exists**: ` +
            `anything using the old one (${details(before)}) fails until it gets the new one (${details(after)}).`,
        ];
      case "replace-forget-old":
        return [
          `The ${label} is replaced${rotation}; the old one (${details(before)}) stays valid in Entra ID, no longer managed by Terraform. ` +
            `New: ${details(after)}.`,
        ];
      default:
        return [];
    }
  };
}

const FINDERS: Readonly<Record<string, Finder>> = {
  azuread_application: application,
  azuread_application_registration: application,
  azuread_application_api_access: applicationApiAccess,
  azuread_service_principal: servicePrincipal,
  azuread_app_role_assignment: appRoleAssignment,
  azuread_service_principal_delegated_permission_grant: delegatedPermissionGrant,
  azuread_application_owner: applicationOwner,
  azuread_application_password: credential("client secret"),
  azuread_service_principal_password: credential("service principal secret"),
  azuread_application_certificate: credential("certificate credential"),
  azuread_application_federated_identity_credential: credential("federated identity credential"),
};
