// The Microsoft Graph calls the pipeline makes itself (v1.0):
// - to find the id of an object that exists outside the state (a consent someone granted in the portal, a service
//   principal a killed run created) so it can be imported: the app role assignments on a resource service principal
//   (GET /servicePrincipals/{id}/appRoleAssignedTo) and the service principal of an app
//   (GET /servicePrincipals?$filter=appId eq '…');
// - to list every credential and grant of the Miradore app and its service principal for the drift check, and to
//   remove the app's passwords and certificates Terraform does not manage in a forced revoke
//   (unmanaged-credentials.ts; endpoints and permissions: docs/credential-drift.md).
// The token is shared with the sign-in log reader (tools/sign-in-logs/graph-sign-ins.ts, Graph beta).
// Token: MIRADORE_GRAPH_TOKEN when set (a test, or an operator's
// `az account get-access-token --resource-type ms-graph`), else GitHub Actions' OIDC token exchanged for a Graph token
// of the same federated identity Terraform uses (ARM_CLIENT_ID, ARM_TENANT_ID). The token is never printed.
import { type CommandContext, PipelineError, requiredEnv } from "./command-context";
import type { StackSignIn } from "./stack-sign-in";
import { isGuid } from "../../constructs";

export interface AppRoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly appRoleId: string;
}

/** Graph's passwordCredential; `hint` (the secret's first characters) is never read. */
export interface GraphPasswordCredential {
  readonly keyId: string;
  readonly displayName?: string | null;
  readonly startDateTime?: string | null;
  readonly endDateTime?: string | null;
}

/** Graph's keyCredential as GET returns it without `$select` (so `key`, the certificate, is null). */
export interface GraphKeyCredential {
  readonly keyId: string;
  readonly displayName?: string | null;
  readonly type?: string | null;
  readonly usage?: string | null;
  readonly startDateTime?: string | null;
  readonly endDateTime?: string | null;
  readonly customKeyIdentifier?: string | null;
  readonly key?: string | null;
}

/** The credentials of an application or a service principal. */
export interface GraphCredentialHolder {
  readonly id: string;
  readonly displayName?: string | null;
  readonly passwordCredentials?: readonly GraphPasswordCredential[] | null;
  readonly keyCredentials?: readonly GraphKeyCredential[] | null;
}

export interface GraphFederatedIdentityCredential {
  readonly id: string;
  readonly name?: string | null;
  readonly issuer?: string | null;
  readonly subject?: string | null;
  readonly audiences?: readonly string[] | null;
}

/** An app role granted to a service principal (GET /servicePrincipals/{id}/appRoleAssignments). */
export interface GraphAppRoleGrant {
  readonly id: string;
  readonly appRoleId: string;
  readonly resourceId?: string | null;
  readonly resourceDisplayName?: string | null;
  readonly createdDateTime?: string | null;
}

/** A delegated permission grant whose client is the service principal (oAuth2PermissionGrant). */
export interface GraphDelegatedGrant {
  readonly id: string;
  readonly consentType?: string | null;
  readonly principalId?: string | null;
  readonly resourceId?: string | null;
  readonly scope?: string | null;
}

export interface GraphClient {
  appRoleAssignedTo(resourceObjectId: string): Promise<AppRoleAssignment[]>;
  /** Object ids of the service principals of the app with this client id (at most one in a tenant). */
  servicePrincipalIds(clientId: string): Promise<string[]>;
  /** GET /applications/{id} (no `$select`: certificates come without their key, and no keyCredentials throttle). */
  application(objectId: string): Promise<GraphCredentialHolder>;
  /** GET /applications/{id}/federatedIdentityCredentials */
  federatedIdentityCredentials(applicationObjectId: string): Promise<GraphFederatedIdentityCredential[]>;
  /** GET /servicePrincipals/{id} */
  servicePrincipal(objectId: string): Promise<GraphCredentialHolder>;
  /** GET /servicePrincipals/{id}/appRoleAssignments: the app roles granted to it. */
  appRoleAssignments(servicePrincipalObjectId: string): Promise<GraphAppRoleGrant[]>;
  /** GET /servicePrincipals/{id}/oauth2PermissionGrants: delegated grants with it as the client. */
  oauth2PermissionGrants(servicePrincipalObjectId: string): Promise<GraphDelegatedGrant[]>;
  /** POST /applications/{id}/removePassword */
  removeApplicationPassword(applicationObjectId: string, keyId: string): Promise<void>;
  /** PATCH /applications/{id} with `keyCredentials`: the application's certificates become exactly these. */
  setApplicationKeyCredentials(
    applicationObjectId: string,
    keyCredentials: readonly GraphKeyCredential[],
  ): Promise<void>;
}

/** Graph answered a request with an error status; `status` lets callers tell a missing permission (403) apart. */
export class GraphRequestError extends PipelineError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A bound on `@odata.nextLink` pages, so a misbehaving answer cannot keep a job running. */
const MAX_PAGES = 100;

export async function graphToken(context: CommandContext, signIn: StackSignIn): Promise<string> {
  if (context.env.MIRADORE_GRAPH_TOKEN) return context.env.MIRADORE_GRAPH_TOKEN;
  const requestUrl = requiredEnv(
    context,
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "GitHub Actions sets it for a job with `id-token: write`; else set MIRADORE_GRAPH_TOKEN",
  );
  const requestToken = requiredEnv(
    context,
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "GitHub Actions sets it for a job with `id-token: write`",
  );
  // A fleet's stacks sign in to their site's tenant (and a site with its own CI apps as those): as Terraform does.
  const clientId =
    signIn.clientId ??
    requiredEnv(
      context,
      "ARM_CLIENT_ID",
      "the workflow sets it from vars.ARM_DEPLOY_CLIENT_ID or vars.ARM_PLAN_CLIENT_ID",
    );
  const tenantId =
    signIn.tenantId ?? requiredEnv(context, "ARM_TENANT_ID", "the workflow sets it from vars.ARM_TENANT_ID");
  const oidc = await context.fetch(`${requestUrl}&audience=api://AzureADTokenExchange`, {
    headers: { authorization: `bearer ${requestToken}` },
  });
  if (!oidc.ok) throw new PipelineError(`GitHub OIDC token request answered ${oidc.status}`);
  const assertion = ((await oidc.json()) as { value?: string }).value;
  if (!assertion) throw new PipelineError("GitHub OIDC token response has no value");
  const login = (context.env.ARM_ENVIRONMENT_LOGIN_URL || "https://login.microsoftonline.com").replace(/\/$/, "");
  const response = await context.fetch(`${login}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token)
    throw new PipelineError(
      `Entra ID token request for Microsoft Graph answered ${response.status}${body.error ? ` (${body.error})` : ""}`,
    );
  return body.access_token;
}

/** `signIn`: the tenant and client to get the token for; by default ARM_TENANT_ID and ARM_CLIENT_ID. */
export function graphClient(context: CommandContext, signIn: StackSignIn = {}): GraphClient {
  const base = (context.env.MIRADORE_GRAPH_URL || "https://graph.microsoft.com/v1.0").replace(/\/$/, "");
  let token: Promise<string> | undefined;
  /** One request; `path` is shown in errors (never the token), with Graph's error code when it gives one. */
  async function request(method: string, path: string, url: string, body?: unknown): Promise<Response> {
    token ??= graphToken(context, signIn);
    const response = await context.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${await token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const code = ((await response.json().catch(() => ({}))) as { error?: { code?: unknown } }).error?.code;
      const shownCode = typeof code === "string" && /^[\w.]{1,80}$/.test(code) ? ` (${code})` : "";
      throw new GraphRequestError(
        `Microsoft Graph ${method} ${path} answered ${response.status}${shownCode}`,
        response.status,
      );
    }
    return response;
  }
  /** Every item of a Graph collection, following @odata.nextLink (only to the same Graph host). */
  async function list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${base}${path}`;
    for (let pages = 0; url; pages++) {
      if (pages >= MAX_PAGES) throw new PipelineError(`Microsoft Graph GET ${path}: more than ${MAX_PAGES} pages`);
      const page = (await json(await request("GET", path, url), path)) as {
        value?: T[];
        "@odata.nextLink"?: unknown;
      } | null;
      if (page === null || typeof page !== "object")
        throw new PipelineError(`Microsoft Graph GET ${path} answered something that is not a collection`);
      items.push(...(Array.isArray(page.value) ? page.value : []));
      const next = page["@odata.nextLink"];
      if (next !== undefined && (typeof next !== "string" || !next.startsWith(`${base}/`)))
        throw new PipelineError(`Microsoft Graph GET ${path}: @odata.nextLink does not point to ${base}`);
      url = next;
    }
    return items;
  }
  async function json(response: Response, path: string): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new PipelineError(`Microsoft Graph GET ${path} answered ${response.status} with a body that is not JSON`);
    }
  }
  async function get<T>(path: string): Promise<T> {
    const body = await json(await request("GET", path, `${base}${path}`), path);
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new PipelineError(`Microsoft Graph GET ${path} answered something that is not an object`);
    return body as T;
  }
  const guid = (what: string, value: string): string => {
    if (!isGuid(value)) throw new PipelineError(`${what} ${JSON.stringify(value)} is not a GUID`);
    return value;
  };
  return {
    appRoleAssignedTo: (resourceObjectId) =>
      list<AppRoleAssignment>(
        `/servicePrincipals/${guid("resource service principal id", resourceObjectId)}/appRoleAssignedTo?$select=id,principalId,appRoleId&$top=999`,
      ),
    servicePrincipalIds: async (clientId) =>
      (
        await list<{ id: string }>(
          `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${guid("client id", clientId)}'`)}&$select=id`,
        )
      ).map((sp) => sp.id),
    application: (objectId) => get(`/applications/${guid("application object id", objectId)}`),
    federatedIdentityCredentials: (objectId) =>
      list(`/applications/${guid("application object id", objectId)}/federatedIdentityCredentials`),
    servicePrincipal: (objectId) => get(`/servicePrincipals/${guid("service principal object id", objectId)}`),
    appRoleAssignments: (objectId) =>
      list(`/servicePrincipals/${guid("service principal object id", objectId)}/appRoleAssignments`),
    oauth2PermissionGrants: (objectId) =>
      list(`/servicePrincipals/${guid("service principal object id", objectId)}/oauth2PermissionGrants`),
    removeApplicationPassword: async (objectId, keyId) => {
      const path = `/applications/${guid("application object id", objectId)}/removePassword`;
      await request("POST", path, `${base}${path}`, { keyId: guid("password key id", keyId) });
    },
    setApplicationKeyCredentials: async (objectId, keyCredentials) => {
      const path = `/applications/${guid("application object id", objectId)}`;
      await request("PATCH", path, `${base}${path}`, { keyCredentials });
    },
  };
}
