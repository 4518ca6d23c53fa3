// Reads an app's recent service-principal sign-ins from Microsoft Graph. Sources (Microsoft Learn):
// - "List signIns" (graph/api/signin-list?view=graph-rest-beta): GET /auditLogs/signIns, newest first, `$filter`,
//   `$top` (at most 1,000 a page) and `@odata.nextLink` paging. Without an event-type filter it returns interactive
//   user sign-ins only; service-principal (client credentials) sign-ins need
//   `signInEventTypes/any(t: t eq 'servicePrincipal')`, which exists on the beta signIn resource only (the v1.0
//   resource has neither signInEventTypes nor servicePrincipalCredentialKeyId), hence the beta endpoint.
//   Permission: AuditLog.Read.All (application), which the bootstrap's `signInLogs` setting grants.
// - "signIn resource type" (graph/api/resources/signin?view=graph-rest-beta): `createdDateTime`, `appId`,
//   `servicePrincipalCredentialKeyId` ("the unique identifier of the key credential used by the service principal to
//   authenticate"), `status.errorCode` (0 is a success).
// - "Microsoft Entra reporting API prerequisites", common errors: without a Microsoft Entra ID P1/P2 licence the
//   reports answer 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant` ("Neither tenant is B2C or tenant
//   doesn't have premium license"); without the permission Graph answers 403 `Authorization_RequestDenied`.
// - "Microsoft Graph throttling guidance": 429 with a Retry-After header (seconds); wait that long, else back off.
// No secret is read or needed: key ids, times and error codes only.
import { setTimeout as sleep } from "node:timers/promises";
import { type CommandContext, PipelineError } from "../pipeline/command-context";
import { isGuid } from "../../constructs";
import { graphToken } from "../pipeline/graph-client";
import type { StackSignIn } from "../pipeline/stack-sign-in";

/** One service-principal sign-in, as far as the pipeline reads it. */
export interface SignInEvent {
  readonly at: string;
  /** The credential's key id; null when Entra could not tell (a wrong secret matches none). */
  readonly keyId: string | null;
  /** 0 for a success, else Entra's AADSTS number (7000215 invalid secret, 7000222 expired secret). */
  readonly errorCode: number;
}

/** Why the logs could not be read: then the pipeline goes by the handoff dates alone. */
export type SignInsUnavailable = "no-licence" | "no-permission";

export type SignInRead =
  | { readonly available: true; readonly events: readonly SignInEvent[] }
  | { readonly available: false; readonly reason: SignInsUnavailable; readonly message: string };

/** Page and retry bounds: a window of days of one app's sign-ins is small; these stop a misbehaving answer. */
const MAX_PAGES = 50;
const MAX_THROTTLED = 5;
/** Retry-After above this is not waited for in a pipeline job. */
const MAX_RETRY_AFTER_S = 120;

/** The beta root: MIRADORE_GRAPH_URL (a v1.0 root) with its version replaced, or Graph's own. */
export function graphBetaRoot(context: CommandContext): string {
  const v1 = (context.env.MIRADORE_GRAPH_URL || "https://graph.microsoft.com/v1.0").replace(/\/$/, "");
  return v1.replace(/\/v1\.0$/, "") + "/beta";
}

/** The request's path and query (shown in errors; nothing secret in it). */
export function signInsPath(appId: string, since: Date): string {
  if (!isGuid(appId)) throw new PipelineError(`client id ${JSON.stringify(appId)} is not a GUID`);
  const filter = `signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${appId.toLowerCase()}' and createdDateTime ge ${since.toISOString().replace(/\.\d{3}Z$/, "Z")}`;
  return `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$select=createdDateTime,appId,servicePrincipalCredentialKeyId,status&$top=1000`;
}

/**
 * Every sign-in of `appId` since `since`, following pages and waiting out throttling; or why there are none. The token
 * is for the site's tenant (`signIn`, as the stack's provider signs in): a fleet's logs are in each customer's tenant.
 */
export async function readSignIns(
  context: CommandContext,
  appId: string,
  since: Date,
  signIn: StackSignIn = {},
): Promise<SignInRead> {
  const root = graphBetaRoot(context);
  const path = signInsPath(appId, since);
  const baseMs = retryBaseMs(context);
  const token = await graphToken(context, signIn);
  const events: SignInEvent[] = [];
  let url: string | undefined = `${root}${path}`;
  let throttled = 0;
  for (let pages = 0; url;) {
    if (pages >= MAX_PAGES)
      throw new PipelineError(`Microsoft Graph GET /beta/auditLogs/signIns: more than ${MAX_PAGES} pages`);
    const response = await context.fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    });
    if (response.status === 429 && throttled < MAX_THROTTLED) {
      throttled++;
      const after = Number(response.headers.get("retry-after"));
      const waitMs =
        Number.isFinite(after) && after >= 0
          ? Math.min(after, MAX_RETRY_AFTER_S) * 1000
          : baseMs * 2 ** (throttled - 1);
      context.stdout(
        `sign-in logs: Microsoft Graph throttled the request (429); retrying in ${Math.round(waitMs / 1000)} s\n`,
      );
      await sleep(waitMs);
      continue;
    }
    const body = (await response.json().catch(() => undefined)) as
      { value?: unknown; "@odata.nextLink"?: unknown; error?: { code?: unknown } } | undefined;
    if (!response.ok) {
      const code = typeof body?.error?.code === "string" ? body.error.code : "";
      if (response.status === 403 && code === "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
        return {
          available: false,
          reason: "no-licence",
          message:
            "the tenant has no Microsoft Entra ID P1 or P2 licence, which sign-in logs need (Graph answered 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant)",
        };
      if (response.status === 403)
        return {
          available: false,
          reason: "no-permission",
          message: `the pipeline's identity lacks AuditLog.Read.All (Graph answered 403${/^[\w.]{1,80}$/.test(code) ? ` ${code}` : ""}); set signInLogs: true in bootstrap.config.yaml and apply the bootstrap stack`,
        };
      throw new PipelineError(
        `Microsoft Graph GET /beta/auditLogs/signIns answered ${response.status}${/^[\w.]{1,80}$/.test(code) ? ` (${code})` : ""}${response.status === 429 ? ` after ${MAX_THROTTLED} retries` : ""}`,
      );
    }
    if (!body || !Array.isArray(body.value))
      throw new PipelineError(
        "Microsoft Graph GET /beta/auditLogs/signIns answered something that is not a collection",
      );
    for (const item of body.value) events.push(signInEvent(item));
    const next = body["@odata.nextLink"];
    if (next !== undefined && (typeof next !== "string" || !next.startsWith(`${root}/`)))
      throw new PipelineError(`Microsoft Graph GET /beta/auditLogs/signIns: @odata.nextLink does not point to ${root}`);
    url = next;
    pages++;
  }
  return { available: true, events };
}

/** One item, checked: Graph's answer is input like any other. */
function signInEvent(item: unknown): SignInEvent {
  const i = (item ?? {}) as {
    createdDateTime?: unknown;
    servicePrincipalCredentialKeyId?: unknown;
    status?: { errorCode?: unknown };
  };
  const at = typeof i.createdDateTime === "string" ? Date.parse(i.createdDateTime) : NaN;
  const errorCode = i.status?.errorCode;
  if (Number.isNaN(at) || typeof errorCode !== "number" || !Number.isInteger(errorCode))
    throw new PipelineError(
      "Microsoft Graph GET /beta/auditLogs/signIns: a sign-in without createdDateTime or status.errorCode",
    );
  const key = i.servicePrincipalCredentialKeyId;
  return {
    at: new Date(at).toISOString(),
    keyId: isGuid(key) ? key.toLowerCase() : null,
    errorCode,
  };
}

/** Backoff when Graph gives no Retry-After: MIRADORE_RETRY_BASE_MS (as ci:apply), 30 s by default, doubling. */
function retryBaseMs(context: CommandContext): number {
  const text = context.env.MIRADORE_RETRY_BASE_MS;
  if (text === undefined || text === "") return 30_000;
  if (!/^\d+$/.test(text))
    throw new PipelineError(
      `MIRADORE_RETRY_BASE_MS is ${JSON.stringify(text)}, but must be a whole number of milliseconds`,
    );
  return Number(text);
}
