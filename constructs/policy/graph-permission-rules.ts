import type { IConstruct } from "constructs";
import { MICROSOFT_GRAPH_APP_ID } from "../graph-facts";
import { GRAPH_APP_ROLES, graphAppRoleNames, MIRADORE_GRAPH_APP_ROLES } from "../miradore-graph-permissions";
import { PolicyRule, RuleContext, RuleOutcome, violation } from "./policy-rule";
import { isExpression, referencesIn } from "./private/terraform-references";
import type { TerraformBlock } from "./terraform-view";

/** The API permissions one block requests: one entry per API, as `required_resource_access` lists them. */
interface PermissionRequest {
  /** Where in the block, for messages: `required_resource_access[0]`. */
  readonly where: string;
  /** The argument that names the API, for messages: `required_resource_access[0].resource_app_id`. */
  readonly apiField: string;
  /** The API's application (client) id; an expression when Terraform computes it. */
  readonly api: unknown;
  /** Each permission with its kind (`Role` = application permission, `Scope` = delegated), or "unknown" if computed. */
  readonly permissions: readonly { readonly id: unknown; readonly type: unknown }[] | "unknown";
}

const list = (value: unknown): unknown[] | "unknown" =>
  value === undefined ? [] : Array.isArray(value) ? value : "unknown";

/** The permissions an `azuread_application` (inline) or an `azuread_application_api_access` requests. */
function permissionRequests(block: TerraformBlock): PermissionRequest[] {
  if (block.kind !== "resource") return [];
  if (block.type === "azuread_application") {
    const blocks = list(block.config.required_resource_access);
    if (blocks === "unknown") {
      return [
        {
          where: "required_resource_access",
          apiField: "required_resource_access",
          api: undefined,
          permissions: "unknown",
        },
      ];
    }
    return blocks.map((entry, index) => {
      const access = entry as Record<string, unknown>;
      const permissions = list(access.resource_access);
      return {
        where: `required_resource_access[${index}]`,
        apiField: `required_resource_access[${index}].resource_app_id`,
        api: access.resource_app_id,
        permissions: permissions === "unknown" ? "unknown" : (permissions as { id: unknown; type: unknown }[]),
      };
    });
  }
  if (block.type === "azuread_application_api_access") {
    const roles = list(block.config.role_ids);
    const scopes = list(block.config.scope_ids);
    return [
      {
        where: "azuread_application_api_access",
        apiField: "api_client_id",
        api: block.config.api_client_id,
        permissions:
          roles === "unknown" || scopes === "unknown"
            ? "unknown"
            : [...roles.map((id) => ({ id, type: "Role" })), ...scopes.map((id) => ({ id, type: "Scope" }))],
      },
    ];
  }
  return [];
}

const show = (value: unknown) => JSON.stringify(value);
const roleName = (id: unknown) => {
  const known = [...GRAPH_APP_ROLES.values()].find((role) => role.id === id);
  return known ? `${known.value} (${known.id})` : `app role ${show(id)}`;
};

/** Graph app role ids the settings allow, and how to name them in a message. */
function allowlist(context: RuleContext) {
  const ids = new Set(context.settings.allowedGraphAppRoles.map((role) => role.id));
  const names = context.settings.allowedGraphAppRoles.map((role) => role.value).join(", ") || "none";
  return { ids, names };
}

/**
 * The Graph app role an `azuread_app_role_assignment` grants, when its resource is a Microsoft Graph service principal
 * read in this stack (`data.azuread_service_principal` with Graph's client id); `undefined` for any other resource.
 */
function graphRoleGranted(block: TerraformBlock, context: RuleContext): unknown {
  if (block.kind !== "resource" || block.type !== "azuread_app_role_assignment") return undefined;
  const resource = String(block.config.resource_object_id ?? "");
  const isGraph = referencesIn(resource, "data.azuread_service_principal").some(
    (ref) =>
      context.view.block(`data.azuread_service_principal.${ref.name}`)?.config.client_id === MICROSOFT_GRAPH_APP_ID,
  );
  return isGraph ? block.config.app_role_id : undefined;
}

function checkGraphAllowlist(node: IConstruct, context: RuleContext): RuleOutcome {
  const block = context.view.blockOf(node);
  if (!block) return "n/a";
  const { ids, names } = allowlist(context);
  const problems: string[] = [];

  const granted = graphRoleGranted(block, context);
  if (granted !== undefined) {
    if (!ids.has(granted as string))
      problems.push(`grants Microsoft Graph ${roleName(granted)}, outside the allowlist (${names})`);
  }

  const requests = permissionRequests(block);
  for (const { where, apiField, api, permissions } of requests) {
    if (permissions === "unknown") {
      problems.push(
        `${where} lists its permissions as an expression, but must list literal ids so the policy can check them`,
      );
    } else if (typeof api !== "string" || isExpression(api)) {
      problems.push(`${apiField} is ${show(api)}, but must be a literal API id so the policy can check it`);
    } else if (api !== MICROSOFT_GRAPH_APP_ID) {
      problems.push(
        `${where} requests permissions of API ${api}, but only Microsoft Graph (${MICROSOFT_GRAPH_APP_ID}) is expected`,
      );
    } else {
      for (const { id, type } of permissions) {
        if (type === "Role" && !ids.has(id as string)) {
          problems.push(`${where} requests Microsoft Graph ${roleName(id)}, outside the allowlist (${names})`);
        }
      }
    }
  }
  if (granted === undefined && requests.length === 0) return "n/a";
  return problems.length > 0 ? violation(problems.join("; ")) : "ok";
}

/** Graph application permissions beyond the allowlist, requested or granted. */
export const graphPermissionsWithinAllowlist: PolicyRule = {
  id: "MIR-GRAPH-1",
  level: "error",
  explanation:
    "Miradore needs only the allowlisted Microsoft Graph application permissions (by default " +
    `${graphAppRoleNames(MIRADORE_GRAPH_APP_ROLES)}); anything more widens what a leaked client secret can read or ` +
    "change in the tenant.",
  check: checkGraphAllowlist,
};

/** Delegated scopes where Miradore signs in as the app itself and needs application permissions (app roles). */
export const noDelegatedScopes: PolicyRule = {
  id: "MIR-GRAPH-2",
  level: "error",
  explanation:
    'Miradore signs in as the application (client credentials), so only application permissions (type "Role") take ' +
    'effect; a delegated scope (type "Scope") is a permission nobody needs and a sign that the wrong one was picked.',
  check: (node, context) => {
    const block = context.view.blockOf(node);
    const requests = block ? permissionRequests(block) : [];
    if (requests.length === 0) return "n/a";
    const delegated = requests.flatMap(({ where, api, permissions }) =>
      permissions === "unknown"
        ? []
        : permissions
            .filter((permission) => permission.type !== "Role")
            .map(
              ({ id, type }) =>
                `${where} requests ${show(id)} of API ${show(api)} with type ${show(type)}, but must use type "Role"`,
            ),
    );
    return delegated.length > 0 ? violation(delegated.join("; ")) : "ok";
  },
};
