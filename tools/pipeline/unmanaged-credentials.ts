// Every credential and grant of the Miradore app and its service principal, through Microsoft Graph, and which of
// them Terraform does not manage. A refresh-only plan only sees what is in the state: a password or certificate added
// in the portal, a federated credential that trusts another repository, an extra app role or a delegated grant is
// invisible to it, yet each is a way in. "Managed" means present in the stack's Terraform state (password key ids,
// app role assignment ids, …); the application and service principal object ids come from the state too.
//
// What is shown of each: what it is, its key id or id, its display name, its dates and, for federated credentials and
// grants, what it trusts or grants. Never a secret, and never a password's hint (its first characters).
//
// A forced revoke removes the unmanaged passwords and certificates of the application (a leaked secret's siblings).
// It never removes federated credentials, service principal credentials, app role assignments or delegated grants:
// those are reported for an administrator, because removing them needs broader permissions than the deploying
// identity should hold (AppRoleAssignment.ReadWrite.All to revoke app roles, DelegatedPermissionGrant.ReadWrite.All
// for delegated grants) or may belong to something else (a service principal's keys can be Entra's own SAML signing
// certificates; a federated credential may be another pipeline's way in). Endpoints and permissions:
// docs/credential-drift.md.
import {
  APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
  APPLICATION_READ_ALL,
  APPLICATION_READ_WRITE_OWNED_BY,
  GRAPH_APP_ROLES,
  isGuid,
} from "../../constructs";
import { code } from "../plan-review/markdown";
import { type CommandContext, PipelineError } from "./command-context";
import {
  graphClient,
  GraphRequestError,
  type GraphClient,
  type GraphCredentialHolder,
  type GraphKeyCredential,
} from "./graph-client";
import type { SynthesizedStack } from "./stack-manifest";
import { runTerraform, terraformInit } from "./terraform-cli";

export type CredentialKind =
  | "application password"
  | "application certificate"
  | "federated credential"
  | "service principal password"
  | "service principal certificate"
  | "app role assignment"
  | "delegated permission grant";

/** A credential or grant as the report shows it: nothing secret. */
export interface CredentialFinding {
  readonly kind: CredentialKind;
  /** Key id (credentials) or object id (federated credentials, assignments, grants). */
  readonly id: string;
  readonly name?: string;
  readonly start?: string;
  readonly end?: string;
  /** What it trusts or grants, or a certificate's type. */
  readonly detail?: string;
  /** The application (credentials, federated credentials) or service principal (the rest) it belongs to. */
  readonly ownerObjectId: string;
}

/** A listing Graph refused (a missing permission): the check is incomplete and the report says so. */
export interface NotChecked {
  readonly what: string;
  readonly status: number;
  readonly permission: string;
}

export interface CredentialCheck {
  readonly unmanaged: readonly CredentialFinding[];
  readonly notChecked: readonly NotChecked[];
  /** Applications from the state that were checked. */
  readonly applications: number;
}

/** What the stack's state manages: the app and service principal object ids, and the ids of credentials and grants. */
export interface ManagedObjects {
  readonly applications: readonly { readonly objectId: string; readonly clientId: string }[];
  readonly servicePrincipals: readonly { readonly objectId: string; readonly clientId: string }[];
  readonly ids: ReadonlySet<string>;
}

interface StateResource {
  readonly mode?: string;
  readonly type?: string;
  readonly values?: Record<string, unknown>;
}
interface StateModule {
  readonly resources?: readonly StateResource[];
  readonly child_modules?: readonly StateModule[];
}

/** Which attribute of each managed resource type identifies the Graph object it manages. */
const MANAGED_ID_ATTRIBUTES: Readonly<Record<string, (values: Record<string, unknown>) => unknown>> = {
  azuread_application_password: (v) => v.key_id,
  azuread_application_certificate: (v) => v.key_id,
  azuread_service_principal_password: (v) => v.key_id,
  azuread_service_principal_certificate: (v) => v.key_id,
  azuread_application_federated_identity_credential: (v) => v.credential_id,
  // `/servicePrincipals/{resource}/appRoleAssignedTo/{id}`
  azuread_app_role_assignment: (v) => (typeof v.id === "string" ? v.id.split("/").pop() : undefined),
  azuread_service_principal_delegated_permission_grant: (v) => v.id,
};

/** GUIDs compare case-insensitively; other ids (app role assignment ids are base64url) exactly. */
const idKey = (id: string) => (isGuid(id) ? id.toLowerCase() : id);

/** Reads ids only from `terraform show -json` state (which also holds the secrets: nothing else is touched). */
export function managedObjects(state: unknown): ManagedObjects {
  const resources: StateResource[] = [];
  const walk = (module: StateModule | undefined) => {
    resources.push(...(module?.resources ?? []));
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk((state as { values?: { root_module?: StateModule } }).values?.root_module);
  const managed = resources.filter((r) => r.mode === "managed" && r.values);
  const objects = (type: string) =>
    managed
      .filter((r) => r.type === type)
      .map((r) => ({ objectId: r.values!.object_id, clientId: r.values!.client_id }))
      .filter((o): o is { objectId: string; clientId: string } => isGuid(o.objectId))
      .map((o) => ({ objectId: o.objectId.toLowerCase(), clientId: String(o.clientId ?? "").toLowerCase() }));
  const ids = new Set<string>();
  for (const r of managed) {
    const id = MANAGED_ID_ATTRIBUTES[r.type ?? ""]?.(r.values!);
    if (typeof id === "string" && id !== "") ids.add(idKey(id));
  }
  return {
    applications: objects("azuread_application"),
    servicePrincipals: objects("azuread_service_principal"),
    ids,
  };
}

const KNOWN_GRAPH_ROLES = new Map(
  [
    ...GRAPH_APP_ROLES.values(),
    APPLICATION_READ_ALL,
    APPLICATION_READ_WRITE_OWNED_BY,
    APP_ROLE_ASSIGNMENT_READ_WRITE_ALL,
  ].map((role) => [role.id, role.value]),
);

// Graph's answers are input like any other: a field of the wrong type is shown as absent, never trusted.
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
/** An id as the report shows it; an object without one is still reported. */
const idOf = (value: unknown): string => text(value) ?? "(no id)";
/** The objects of a list Graph returned (anything else in it, or a list that is not one, is left out). */
function objects<T>(list: readonly T[] | null | undefined): T[] {
  return Array.isArray(list) ? list.filter((item): item is T => item !== null && typeof item === "object") : [];
}

function credentialsOf(holder: GraphCredentialHolder, owner: "application" | "service principal"): CredentialFinding[] {
  return [
    ...objects(holder.passwordCredentials).map((c) => ({
      kind: `${owner} password` as const,
      id: idOf(c.keyId),
      name: text(c.displayName),
      start: text(c.startDateTime),
      end: text(c.endDateTime),
      ownerObjectId: holder.id,
    })),
    ...objects(holder.keyCredentials).map((c) => ({
      kind: `${owner} certificate` as const,
      id: idOf(c.keyId),
      name: text(c.displayName),
      start: text(c.startDateTime),
      end: text(c.endDateTime),
      detail: [text(c.type), text(c.usage)].filter(Boolean).join(", ") || undefined,
      ownerObjectId: holder.id,
    })),
  ];
}

/**
 * Lists every credential and grant of each application in the state and of its service principal (from the state,
 * else looked up by client id), and returns those the state does not manage. A listing Graph refuses with 403 is
 * recorded as not checked; an object Graph no longer has is skipped (the refresh-only plan reports it).
 */
export async function findUnmanagedCredentials(graph: GraphClient, managed: ManagedObjects): Promise<CredentialCheck> {
  const found: CredentialFinding[] = [];
  const notChecked: NotChecked[] = [];
  /** Runs one listing; undefined when Graph refused it (recorded) or the object is gone. */
  async function attempt<T>(what: string, permission: string, list: () => Promise<T>): Promise<T | undefined> {
    try {
      return await list();
    } catch (error) {
      if (!(error instanceof GraphRequestError)) throw error;
      if (error.status === 404) return undefined;
      if (error.status !== 403) throw error;
      notChecked.push({ what, status: error.status, permission });
      return undefined;
    }
  }

  for (const app of managed.applications) {
    const appObject = await attempt(`credentials of application ${app.objectId}`, "Application.Read.All", () =>
      graph.application(app.objectId),
    );
    if (appObject) found.push(...credentialsOf({ ...appObject, id: app.objectId }, "application"));
    const federated = await attempt(
      `federated credentials of application ${app.objectId}`,
      "Application.Read.All",
      () => graph.federatedIdentityCredentials(app.objectId),
    );
    for (const c of objects(federated)) {
      found.push({
        kind: "federated credential",
        id: idOf(c.id),
        name: text(c.name),
        detail: `issuer ${text(c.issuer) ?? "(none)"}, subject ${text(c.subject) ?? "(none)"}`,
        ownerObjectId: app.objectId,
      });
    }

    const inState = managed.servicePrincipals.filter((sp) => sp.clientId === app.clientId).map((sp) => sp.objectId);
    const principals =
      inState.length > 0 || !app.clientId
        ? inState
        : ((await attempt(`service principal of application ${app.objectId}`, "Application.Read.All", () =>
            graph.servicePrincipalIds(app.clientId),
          )) ?? []);
    for (const principal of principals) {
      const spObject = await attempt(`credentials of service principal ${principal}`, "Application.Read.All", () =>
        graph.servicePrincipal(principal),
      );
      if (spObject) found.push(...credentialsOf({ ...spObject, id: principal }, "service principal"));
      const roles = await attempt(
        `app role assignments of service principal ${principal}`,
        "Application.Read.All",
        () => graph.appRoleAssignments(principal),
      );
      for (const a of objects(roles)) {
        const known = KNOWN_GRAPH_ROLES.get(text(a.appRoleId)?.toLowerCase() ?? "");
        found.push({
          kind: "app role assignment",
          id: idOf(a.id),
          name: known,
          start: text(a.createdDateTime),
          detail: known
            ? `${text(a.resourceDisplayName) ?? "Microsoft Graph"} application permission ${known}`
            : `app role ${text(a.appRoleId) ?? "(none)"} of ${text(a.resourceDisplayName) ?? `service principal ${text(a.resourceId) ?? "(unknown)"}`}`,
          ownerObjectId: principal,
        });
      }
      const grants = await attempt(
        `delegated permission grants of service principal ${principal}`,
        "Directory.Read.All",
        () => graph.oauth2PermissionGrants(principal),
      );
      for (const g of objects(grants)) {
        const who = g.consentType === "AllPrincipals" ? "all users" : `user ${text(g.principalId) ?? "(unknown)"}`;
        found.push({
          kind: "delegated permission grant",
          id: idOf(g.id),
          detail: `for ${who}: ${text(g.scope)?.trim() ?? "(no scope)"} on service principal ${text(g.resourceId) ?? "(unknown)"}`,
          ownerObjectId: principal,
        });
      }
    }
  }
  return {
    unmanaged: found.filter((f) => !managed.ids.has(idKey(f.id))),
    notChecked,
    applications: managed.applications.length,
  };
}

/** `value` as a table cell: a code span (no Markdown, HTML, mention or link inside), pipes escaped for the table. */
function cell(value: string | undefined): string {
  return value === undefined ? "" : code(value).replace(/\|/g, "\\|");
}

/** The drift issue's section for one stack; empty when there is nothing to report. */
export function renderUnmanagedCredentials(check: CredentialCheck): string {
  if (check.unmanaged.length === 0 && check.notChecked.length === 0) return "";
  const lines: string[] = [];
  if (check.unmanaged.length > 0) {
    lines.push(
      `#### ${check.unmanaged.length} ${check.unmanaged.length === 1 ? "credential or grant" : "credentials and grants"} Terraform does not manage`,
      "",
      "Made outside Terraform (portal, Graph, another tool) on the Miradore app or its service principal; a refresh-only plan cannot see them. " +
        "Remove each you do not recognise: `rotation: revoke` removes the application's passwords and certificates; " +
        "federated credentials, service principal credentials and grants need an administrator (see the runbook).",
      "",
      "| What | Key id / id | Name | From | Until | Details |",
      "|---|---|---|---|---|---|",
      ...check.unmanaged.map(
        (f) =>
          `| ${f.kind} | ${cell(f.id)} | ${cell(f.name)} | ${cell(f.start)} | ${cell(f.end)} | ${cell(f.detail)} |`,
      ),
    );
  }
  if (check.notChecked.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(
      "#### Not checked",
      "",
      ...check.notChecked.map(
        (n) =>
          `- ${n.what}: Microsoft Graph answered ${n.status}; the drift job's identity needs the application permission ${cell(n.permission)}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One line per finding, for logs: kind, id, name. */
export function describeFindings(findings: readonly CredentialFinding[]): string {
  return findings.map((f) => `${f.kind} ${f.id}${f.name ? ` (${JSON.stringify(f.name)})` : ""}`).join("; ");
}

/** The state's managed objects, read in memory from `terraform show -json` (which holds the secrets). */
export async function readManagedObjects(
  context: CommandContext,
  stack: SynthesizedStack,
  /** The stack was initialized by the caller (ci:shard-plan, whose inits take turns): no second init. */
  options: { initialized?: boolean } = {},
): Promise<ManagedObjects> {
  if (options.initialized !== true) await terraformInit(context, stack.dir);
  const state = await runTerraform(context, stack.dir, ["show", "-json", "-no-color"], { capture: true });
  return managedObjects(JSON.parse(state.stdout) as unknown);
}

const REMOVABLE: ReadonlySet<CredentialKind> = new Set(["application password", "application certificate"]);

/**
 * After a forced revoke: removes every password and certificate on the application that the state does not manage
 * (POST removePassword; certificates by PATCHing keyCredentials without them, as the azuread provider's own
 * certificate delete does, which needs no proof-of-possession token) and lists what it removed. Fails, listing what
 * is left, when Graph refuses a removal or a listing, or when unmanaged credentials or grants remain that a revoke
 * never removes.
 */
export async function removeUnmanagedCredentials(
  context: CommandContext,
  stack: SynthesizedStack,
  graph: GraphClient = graphClient(context),
): Promise<void> {
  const managed = await readManagedObjects(context, stack);
  const check = await findUnmanagedCredentials(graph, managed);
  const removed: CredentialFinding[] = [];
  const refused: CredentialFinding[] = [];
  const remove = async (finding: CredentialFinding, action: () => Promise<void>) => {
    try {
      await action();
      removed.push(finding);
    } catch (error) {
      if (!(error instanceof GraphRequestError) || error.status !== 403) throw error;
      refused.push(finding);
    }
  };

  for (const finding of check.unmanaged.filter((f) => f.kind === "application password"))
    await remove(finding, () => graph.removeApplicationPassword(finding.ownerObjectId, finding.id));

  const certificates = check.unmanaged.filter((f) => f.kind === "application certificate");
  for (const appObjectId of new Set(certificates.map((f) => f.ownerObjectId))) {
    const mine = certificates.filter((f) => f.ownerObjectId === appObjectId);
    const drop = new Set(mine.map((f) => idKey(f.id)));
    // Read again just before the PATCH, so a certificate added meanwhile is kept (Graph has no ETag to guard it).
    const current = await graph.application(appObjectId);
    const keep: GraphKeyCredential[] = objects(current.keyCredentials).filter((c) => !drop.has(idKey(idOf(c.keyId))));
    try {
      await graph.setApplicationKeyCredentials(appObjectId, keep);
      removed.push(...mine);
    } catch (error) {
      if (!(error instanceof GraphRequestError) || error.status !== 403) throw error;
      refused.push(...mine);
    }
  }

  for (const f of removed)
    context.stdout(
      `${stack.name}: removed the unmanaged ${f.kind} ${f.id}${f.name ? ` (${JSON.stringify(f.name)})` : ""}\n`,
    );
  const reportOnly = check.unmanaged.filter((f) => !REMOVABLE.has(f.kind));
  const problems = [
    refused.length > 0 &&
      `Microsoft Graph refused to remove (403; the deploying identity needs Application.ReadWrite.OwnedBy as an owner of the app, or Application.ReadWrite.All): ${describeFindings(refused)}`,
    reportOnly.length > 0 &&
      `a revoke does not remove these; an administrator must (README, runbook "A secret leaked"): ${describeFindings(reportOnly)}`,
    check.notChecked.length > 0 &&
      `not checked: ${check.notChecked.map((n) => `${n.what} (Graph answered ${n.status}; needs ${n.permission})`).join("; ")}`,
  ].filter((p): p is string => typeof p === "string");
  if (problems.length === 0) {
    context.stdout(
      `${stack.name}: ${removed.length === 0 ? "no unmanaged credentials on the application" : `removed ${removed.length} unmanaged credentials`}; nothing else outside Terraform\n`,
    );
    return;
  }
  throw new PipelineError(
    `stack ${stack.name}: the new secrets are in place${removed.length > 0 ? ` and ${removed.length} unmanaged credentials were removed` : ""}, but unmanaged credentials or grants remain: ${problems.join(". ")}`,
  );
}
