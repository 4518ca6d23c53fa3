// The Microsoft Graph reads the pipeline makes itself, to find the id of an object that exists outside the state (a
// consent someone granted in the portal, a service principal a killed run created) so it can be imported: the app
// role assignments on a resource service principal (GET /servicePrincipals/{id}/appRoleAssignedTo) and the service
// principal of an app (GET /servicePrincipals?$filter=appId eq '…'). Token: MIRADORE_GRAPH_TOKEN when set (a test, or an operator's
// `az account get-access-token --resource-type ms-graph`), else GitHub Actions' OIDC token exchanged for a Graph token
// of the same federated identity Terraform uses (ARM_CLIENT_ID, ARM_TENANT_ID). The token is never printed.
import { type CommandContext, PipelineError, requiredEnv } from "./command-context";

export interface AppRoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly appRoleId: string;
}

export interface GraphClient {
  appRoleAssignedTo(resourceObjectId: string): Promise<AppRoleAssignment[]>;
  /** Object ids of the service principals of the app with this client id (at most one in a tenant). */
  servicePrincipalIds(clientId: string): Promise<string[]>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function graphToken(context: CommandContext): Promise<string> {
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
  const clientId = requiredEnv(context, "ARM_CLIENT_ID", "the workflow sets it from vars.ARM_CLIENT_ID");
  const tenantId = requiredEnv(context, "ARM_TENANT_ID", "the workflow sets it from vars.ARM_TENANT_ID");
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

export function graphClient(context: CommandContext): GraphClient {
  const base = (context.env.MIRADORE_GRAPH_URL || "https://graph.microsoft.com/v1.0").replace(/\/$/, "");
  let token: Promise<string> | undefined;
  /** Every item of a Graph collection, following @odata.nextLink. `path` is shown in errors (never the token). */
  async function list<T>(path: string): Promise<T[]> {
    token ??= graphToken(context);
    const items: T[] = [];
    let url: string | undefined = `${base}${path}`;
    while (url) {
      const response = await context.fetch(url, {
        headers: { authorization: `Bearer ${await token}`, accept: "application/json" },
      });
      if (!response.ok) throw new PipelineError(`Microsoft Graph GET ${path} answered ${response.status}`);
      const page = (await response.json()) as { value?: T[]; "@odata.nextLink"?: string };
      items.push(...(page.value ?? []));
      url = page["@odata.nextLink"];
    }
    return items;
  }
  const guid = (what: string, value: string): string => {
    if (!GUID.test(value)) throw new PipelineError(`${what} ${JSON.stringify(value)} is not a GUID`);
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
  };
}
