// A fake Microsoft Graph v1.0 on localhost over the provider doubles' fake directory (the same tenant files Terraform's
// doubles read and write), serving exactly the endpoints the pipeline calls (tools/pipeline/graph-client.ts), with
// Graph's v1.0 shapes, `@odata.nextLink` paging and its error bodies. Each endpoint accepts the application
// permissions Microsoft documents for it; a test takes one away (`permissions.delete(…)`) to get Graph's 403. Point
// MIRADORE_GRAPH_URL at `url` and set MIRADORE_GRAPH_TOKEN to `token`. Every request is recorded.
//
// Permission tables: Microsoft Graph API reference, "Permissions" of each operation (learn.microsoft.com/graph/api/…):
// application-get, application-list-federatedidentitycredentials, serviceprincipal-get, serviceprincipal-list,
// serviceprincipal-list-approleassignedto, serviceprincipal-list-approleassignments,
// serviceprincipal-list-oauth2permissiongrants, application-removepassword, application-update (quoted in
// docs/credential-drift.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_TENANT_ID,
  readClock,
  readTenant,
  updateTenant,
  type DirectoryApplication,
  type KeyCredential,
  type PasswordCredential,
  type TenantDocument,
} from "./provider-doubles/fake-entra/directory-store";

const READ_APPLICATIONS = ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];
const WRITE_OWN_APPLICATIONS = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];

/** Every permission an endpoint below accepts: the fake starts with all of them granted. */
export const ALL_GRAPH_PERMISSIONS = [
  ...READ_APPLICATIONS,
  "AuditLog.Read.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "DelegatedPermissionGrant.ReadWrite.All",
] as const;

export interface FakeGraphOptions {
  readonly directoryRoot: string;
  /** The tenant the token belongs to. @default DEFAULT_TENANT_ID */
  readonly tenantId?: string;
  /** Items per page of a collection, so paging is always exercised. @default 2 */
  readonly pageSize?: number;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Any one of these application permissions is enough. */
  readonly permissions: readonly string[];
  readonly handle: (match: RegExpExecArray, url: URL, body: unknown) => Reply;
}

interface Reply {
  readonly status: number;
  readonly json?: unknown;
}

function graphError(status: number, code: string, message: string): Reply {
  return {
    status,
    json: { error: { code, message, innerError: { date: "2026-01-01T00:00:00", "request-id": "fake-graph" } } },
  };
}

const notFound = (id: string) =>
  graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

function passwordJson(c: PasswordCredential) {
  return {
    customKeyIdentifier: null,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    hint: c.hint,
    keyId: c.keyId,
    secretText: null,
    startDateTime: c.startDateTime,
  };
}

/** `key` only when `$select` names keyCredentials, as Graph does (application-get, serviceprincipal-get). */
function keyJson(c: KeyCredential, withKey: boolean) {
  return {
    customKeyIdentifier: c.customKeyIdentifier,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    key: withKey ? c.key : null,
    keyId: c.keyId,
    startDateTime: c.startDateTime,
    type: c.type,
    usage: c.usage,
  };
}

/** `$select`: only the named properties (and `id`), as Graph returns them. */
function selected(url: URL, object: Record<string, unknown>): Record<string, unknown> {
  const select = url.searchParams.get("$select");
  if (!select) return object;
  const names = new Set(["id", ...select.split(",").map((s) => s.trim())]);
  return Object.fromEntries(Object.entries(object).filter(([k]) => names.has(k)));
}

const selectsKeys = (url: URL) => (url.searchParams.get("$select") ?? "").split(",").includes("keyCredentials");

/** An application or a service principal with its credentials, as Graph returns one by id. */
function credentialOwnerJson(
  found: Pick<DirectoryApplication, "objectId" | "appId" | "displayName" | "passwordCredentials" | "keyCredentials">,
  url: URL,
): Reply {
  const withKeys = selectsKeys(url);
  return {
    status: 200,
    json: selected(url, {
      id: found.objectId,
      appId: found.appId,
      displayName: found.displayName,
      passwordCredentials: found.passwordCredentials.map(passwordJson),
      keyCredentials: found.keyCredentials.map((c) => keyJson(c, withKeys)),
    }),
  };
}

/** How the tenant's sign-in logs behave (GET /beta/auditLogs/signIns); a test changes these between steps. */
export interface FakeSignInLogSettings {
  /** The tenant has an Entra ID P1/P2 licence; without it Graph answers 403 for sign-in logs. */
  licensed: boolean;
  /** Minutes after a sign-in until the log shows it (Entra's logs lag by minutes). */
  delayMinutes: number;
  /** The next this-many sign-in requests are answered 429 with Retry-After. */
  throttleNext: number;
  /** Items per sign-in page. */
  pageSize: number;
}

export class FakeGraphApi {
  /** The application permissions the caller holds; remove one to make Graph answer 403 where it is needed. */
  readonly permissions = new Set<string>(ALL_GRAPH_PERMISSIONS);
  readonly signInLogs: FakeSignInLogSettings = { licensed: true, delayMinutes: 0, throttleNext: 0, pageSize: 3 };
  /** `METHOD /v1.0/path?query` (query decoded) of every request, in order. */
  readonly requests: string[] = [];
  /** Requests no route below serves: an endpoint the pipeline should not call (answered 400). */
  readonly unrouted: string[] = [];
  readonly token = "fake-graph-token";
  private readonly routes: Route[];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: Required<FakeGraphOptions>,
  ) {
    this.routes = this.defineRoutes();
  }

  static async start(options: FakeGraphOptions): Promise<FakeGraphApi> {
    const holder: { fake?: FakeGraphApi } = {};
    const server = createServer((req, res) => holder.fake!.serve(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    holder.fake = new FakeGraphApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`, {
      tenantId: DEFAULT_TENANT_ID,
      pageSize: 2,
      ...options,
    });
    return holder.fake;
  }

  /** Environment for a pipeline command that calls Graph here. */
  env(): Record<string, string> {
    return { MIRADORE_GRAPH_URL: this.url, MIRADORE_GRAPH_TOKEN: this.token };
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private tenant(): TenantDocument {
    return readTenant(this.options.directoryRoot, this.options.tenantId);
  }

  private change<T>(change: (doc: TenantDocument) => T): T {
    return updateTenant(this.options.directoryRoot, this.options.tenantId, change);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://graph.invalid");
      const method = req.method ?? "GET";
      this.requests.push(`${method} ${url.pathname}${decodeURIComponent(url.search)}`);
      let reply: Reply;
      try {
        reply = this.reply(method, url, req.headers.authorization, text);
      } catch (error) {
        reply = graphError(500, "fake_graph_error", (error as Error).message);
      }
      const retryAfter = (reply as { retryAfter?: string }).retryAfter;
      const headers = {
        ...(reply.json === undefined ? {} : { "content-type": "application/json" }),
        ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
      };
      res.writeHead(reply.status, headers).end(reply.json === undefined ? undefined : JSON.stringify(reply.json));
    });
  }

  private reply(method: string, url: URL, authorization: string | undefined, text: string): Reply {
    if (authorization !== `Bearer ${this.token}`)
      return graphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
    if (url.pathname === "/beta/auditLogs/signIns" && method === "GET") return this.signIns(url);
    const path = url.pathname.replace(/^\/v1\.0/, "");
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (!match) continue;
      if (!route.permissions.some((p) => this.permissions.has(p)))
        return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return graphError(400, "BadRequest", "Unable to read JSON request payload.");
      }
      return route.handle(match, url, body);
    }
    this.unrouted.push(`${method} ${path}`);
    return graphError(400, "BadRequest", `fake Graph: no route for ${method} ${path}`);
  }

  /** A collection page with `@odata.nextLink` while more items follow ($skiptoken is the offset here). */
  private page(url: URL, items: readonly unknown[]): Reply {
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const top = Math.min(Number(url.searchParams.get("$top") ?? Infinity), this.options.pageSize);
    const value = items.slice(skip, skip + top);
    const json: Record<string, unknown> = { "@odata.context": `${this.url}/$metadata#collection`, value };
    if (skip + top < items.length) {
      const next = new URL(`${this.url}${url.pathname.replace(/^\/v1\.0/, "")}`);
      for (const [k, v] of url.searchParams) if (k !== "$skiptoken") next.searchParams.set(k, v);
      next.searchParams.set("$skiptoken", String(skip + top));
      json["@odata.nextLink"] = next.toString();
    }
    return { status: 200, json };
  }

  /**
   * GET /beta/auditLogs/signIns with the one filter shape the pipeline sends (tools/sign-in-logs/graph-sign-ins.ts):
   * `signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '<id>' and createdDateTime ge <time>`. As Graph
   * does, a filter without the event type returns interactive user sign-ins only (none here), newest first, in pages
   * with `$skiptoken`; errors as Graph's: 403 Authorization_RequestDenied without AuditLog.Read.All, 403
   * Authentication_RequestFromNonPremiumTenantOrB2CTenant without the licence, 429 with Retry-After when throttled.
   */
  private signIns(url: URL): Reply & { retryAfter?: string } {
    const settings = this.signInLogs;
    if (settings.throttleNext > 0) {
      settings.throttleNext--;
      return { ...graphError(429, "TooManyRequests", "Too many requests."), retryAfter: "0" };
    }
    if (!this.permissions.has("AuditLog.Read.All"))
      return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    if (!settings.licensed)
      return graphError(
        403,
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
        "Neither tenant is B2C or tenant doesn't have premium license",
      );
    const filter = url.searchParams.get("$filter") ?? "";
    const parts =
      /^signInEventTypes\/any\(t: t eq 'servicePrincipal'\) and appId eq '([0-9a-f-]{36})' and createdDateTime ge (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/.exec(
        filter,
      );
    if (!parts) {
      if (/signInEventTypes/.test(filter) || filter === "") {
        return graphError(400, "BadRequest", `fake Graph: unsupported $filter ${filter}`);
      }
      return this.pageOf(url, [], settings.pageSize); // interactive user sign-ins only: none in this fake
    }
    const visibleUntil = readClock(this.options.directoryRoot).getTime() - settings.delayMinutes * 60_000;
    const since = Date.parse(parts[2]!);
    const records = (this.tenant().signIns ?? [])
      .filter((r) => r.appId === parts[1] && Date.parse(r.createdDateTime) >= since)
      .filter((r) => Date.parse(r.createdDateTime) <= visibleUntil)
      .reverse();
    return this.pageOf(url, records, settings.pageSize);
  }

  private pageOf(url: URL, items: readonly unknown[], pageSize: number): Reply {
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const value = items.slice(skip, skip + pageSize);
    const json: Record<string, unknown> = { "@odata.context": `${this.url}/$metadata#auditLogs/signIns`, value };
    if (skip + pageSize < items.length) {
      const next = new URL(`${this.url.replace(/\/v1\.0$/, "")}${url.pathname}`);
      for (const [k, v] of url.searchParams) if (k !== "$skiptoken") next.searchParams.set(k, v);
      next.searchParams.set("$skiptoken", String(skip + pageSize));
      json["@odata.nextLink"] = next.toString();
    }
    return { status: 200, json };
  }

  /** Application.ReadWrite.OwnedBy reaches only apps the caller owns (the deployer, in the doubles). */
  private mayWrite(doc: TenantDocument, app: DirectoryApplication): boolean {
    if (this.permissions.has("Application.ReadWrite.All")) return true;
    const owners = (app.settings as { owners?: unknown }).owners;
    return Array.isArray(owners) && owners.includes(doc.deployer.objectId);
  }

  private defineRoutes(): Route[] {
    const GUID = "([0-9a-fA-F-]{36})";
    const app = (doc: TenantDocument, id: string) => doc.applications[id.toLowerCase()];
    const sp = (doc: TenantDocument, id: string) => doc.servicePrincipals[id.toLowerCase()];
    return [
      {
        method: "GET",
        pattern: new RegExp(`^/applications/${GUID}$`),
        permissions: [...READ_APPLICATIONS, "Directory.Read.All"],
        handle: ([, id], url) => {
          const found = app(this.tenant(), id!);
          return found ? credentialOwnerJson(found, url) : notFound(id!);
        },
      },
      {
        method: "GET",
        pattern: new RegExp(`^/applications/${GUID}/federatedIdentityCredentials$`),
        permissions: READ_APPLICATIONS,
        handle: ([, id], url) => {
          const found = app(this.tenant(), id!);
          if (!found) return notFound(id!);
          return this.page(
            url,
            found.federatedIdentityCredentials.map((c) => ({
              audiences: c.audiences,
              description: c.description,
              id: c.id,
              issuer: c.issuer,
              name: c.name,
              subject: c.subject,
            })),
          );
        },
      },
      {
        method: "GET",
        pattern: new RegExp(`^/servicePrincipals/${GUID}$`),
        permissions: [...READ_APPLICATIONS, "Directory.Read.All"],
        handle: ([, id], url) => {
          const found = sp(this.tenant(), id!);
          return found ? credentialOwnerJson(found, url) : notFound(id!);
        },
      },
      {
        method: "GET",
        pattern: /^\/servicePrincipals$/,
        permissions: [...READ_APPLICATIONS, "Directory.Read.All"],
        handle: (_match, url) => {
          const byAppId = /^appId eq '([^']+)'$/.exec(url.searchParams.get("$filter") ?? "");
          if (!byAppId) return graphError(400, "Request_UnsupportedQuery", "fake Graph: only $filter=appId eq '…'");
          const found = Object.values(this.tenant().servicePrincipals).filter((s) => s.appId === byAppId[1]);
          return this.page(
            url,
            found.map((s) => selected(url, { id: s.objectId, appId: s.appId, displayName: s.displayName })),
          );
        },
      },
      {
        method: "GET",
        pattern: new RegExp(`^/servicePrincipals/${GUID}/(appRoleAssignedTo|appRoleAssignments)$`),
        permissions: [...READ_APPLICATIONS, "Directory.Read.All"],
        handle: ([, id, relation], url) => {
          const doc = this.tenant();
          if (!sp(doc, id!)) return notFound(id!);
          const side = relation === "appRoleAssignedTo" ? "resourceId" : "principalId";
          return this.page(
            url,
            doc.appRoleAssignments
              .filter((a) => a[side] === id!.toLowerCase())
              .map((a) =>
                selected(url, {
                  appRoleId: a.appRoleId,
                  createdDateTime: a.createdDateTime ?? null,
                  deletedDateTime: null,
                  id: a.id,
                  principalDisplayName: a.principalDisplayName,
                  principalId: a.principalId,
                  principalType: a.principalType,
                  resourceDisplayName: a.resourceDisplayName,
                  resourceId: a.resourceId,
                }),
              ),
          );
        },
      },
      {
        method: "GET",
        pattern: new RegExp(`^/servicePrincipals/${GUID}/oauth2PermissionGrants$`),
        permissions: ["Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"],
        handle: ([, id], url) => {
          const doc = this.tenant();
          if (!sp(doc, id!)) return notFound(id!);
          return this.page(
            url,
            doc.oauth2PermissionGrants.filter((g) => g.clientId === id!.toLowerCase()).map((g) => ({ ...g })),
          );
        },
      },
      {
        method: "POST",
        pattern: new RegExp(`^/applications/${GUID}/removePassword$`),
        permissions: [...WRITE_OWN_APPLICATIONS, "Directory.ReadWrite.All"],
        handle: ([, id], _url, body) =>
          this.change((doc) => {
            const found = app(doc, id!);
            if (!found) return notFound(id!);
            if (!this.mayWrite(doc, found))
              return graphError(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
              );
            const keyId = (body as { keyId?: unknown } | undefined)?.keyId;
            const credential = found.passwordCredentials.find((c) => c.keyId === keyId);
            if (typeof keyId !== "string" || !credential)
              return graphError(
                400,
                "Request_BadRequest",
                `No password credential found with keyId '${String(keyId)}'.`,
              );
            found.passwordCredentials = found.passwordCredentials.filter((c) => c !== credential);
            return { status: 204 };
          }),
      },
      {
        method: "PATCH",
        pattern: new RegExp(`^/applications/${GUID}$`),
        permissions: WRITE_OWN_APPLICATIONS,
        handle: ([, id], _url, body) =>
          this.change((doc) => {
            const found = app(doc, id!);
            if (!found) return notFound(id!);
            if (!this.mayWrite(doc, found))
              return graphError(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
              );
            const update = (body ?? {}) as { keyCredentials?: unknown };
            const others = Object.keys(update).filter((k) => k !== "keyCredentials");
            if (others.length > 0 || !Array.isArray(update.keyCredentials))
              return graphError(400, "BadRequest", "fake Graph: only keyCredentials may be updated here");
            // Kept credentials are named by keyId (their key stays null, as GET returned it); a new one needs its key.
            const kept: KeyCredential[] = [];
            for (const item of update.keyCredentials as { keyId?: unknown; key?: unknown }[]) {
              const existing = found.keyCredentials.find((c) => c.keyId === item.keyId);
              if (!existing)
                return graphError(400, "Request_BadRequest", "fake Graph: a new key credential needs its key");
              kept.push(existing);
            }
            found.keyCredentials = kept;
            return { status: 204 };
          }),
      },
    ];
  }
}
