// What a failed `terraform apply` means for the pipeline, read from Terraform's error output (its diagnostics):
// transient (Entra replication, Graph throttling, 5xx, timeouts: retry with backoff), consent that already exists
// or a service principal a killed run left outside the state (adopt by import), the state lock held by another run (wait, then fail with the lock's owner), or anything else
// (report once, never retry). Only the diagnostics' summary lines are ever quoted: they carry no attribute values.
import { isGuid } from "../../constructs";

/** One kind of transient failure: the text that gives it away and where that text comes from. */
interface TransientPattern {
  readonly reason: string;
  readonly pattern: RegExp;
  readonly source: string;
}

/** Failures a later attempt can get past, checked in this order. */
export const TRANSIENT_FAILURES: readonly TransientPattern[] = [
  {
    reason: "Entra replication delay",
    pattern: /to be replicated|Request_ResourceNotFound|does not reference a valid application object/i,
    source:
      'hashicorp/terraform-provider-azuread #1811 ("Timed out whilst waiting for new service principal to be replicated", 404 Request_ResourceNotFound), #1802',
  },
  {
    reason: "Microsoft Graph throttling",
    pattern: /\b429\b|Too ?Many ?Requests|throttl/i,
    source:
      'hashicorp/terraform-provider-azuread #1891, #1784 ("unexpected status 429 (429 Too Many Requests)"); Microsoft Graph throttling guidance',
  },
  {
    reason: "Microsoft Graph server error",
    pattern:
      /unexpected status 5\d\d\b|\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout)\b/i,
    source:
      "go-azure-sdk retries 5xx itself; one that outlasts its retries is still an outage, not a configuration error",
  },
  {
    reason: "the state changed since the plan",
    pattern: /Saved plan is stale/i,
    source:
      "Terraform refuses a saved plan when another run wrote the state after it was made; planning again is the fix",
  },
  {
    reason: "timeout",
    pattern:
      /context deadline exceeded|timeout while waiting for state|i\/o timeout|TLS handshake timeout|connection reset by peer/i,
    source:
      'hashicorp/terraform-provider-azuread #1802 ("context deadline exceeded", "timeout while waiting for state to become \'Done\'")',
  },
];

/**
 * Graph's answers when an object Terraform creates already exists: an app role assignment (someone clicked "Grant admin
 * consent"; README "Known Entra pitfalls"), a service principal for the app (a killed run created it; Graph's 409
 * Request_MultipleObjectsWithSameKeyValue, the doubles' "existing service principal").
 */
const ALREADY_EXISTS =
  /Permission being assigned already exists on the object|existing service principal for client ID .* was found|Request_MultipleObjectsWithSameKeyValue/i;

const LOCK_ERROR = /Error acquiring the state lock/i;

export interface StateLock {
  readonly id?: string;
  readonly who?: string;
  readonly operation?: string;
  readonly created?: string;
}

/**
 * Entra refused to sign the CI identity in to the tenant because the app has no service principal there: the tenant's
 * administrator never consented, or removed the app (which revokes its consent). Entra's error AADSTS700016,
 * "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application
 * has not been installed by the administrator of the tenant or consented to by any user in the tenant." (Microsoft
 * Learn, "Microsoft Entra authentication and authorization error codes").
 */
const NOT_IN_TENANT = /AADSTS700016:? Application with identifier '([^']{1,100})' was not found in the directory/i;

/**
 * Microsoft Graph refused a call for lack of permission: an app role the consent granted was revoked, or the call
 * needs one the identity never had (Graph's 403 with code Authorization_RequestDenied, "Insufficient privileges to
 * complete the operation"; Microsoft Graph error responses reference).
 */
const FORBIDDEN = /Authorization_RequestDenied/;

export type ApplyFailure =
  | { readonly kind: "transient"; readonly reason: string; readonly summary: string }
  | {
      readonly kind: "no-access";
      readonly reason: "not-in-tenant" | "forbidden";
      readonly summary: string;
      /** The client id Entra named (AADSTS700016 only). */
      readonly clientId?: string;
    }
  | { readonly kind: "already-exists"; readonly summary: string }
  | { readonly kind: "locked"; readonly lock: StateLock }
  | { readonly kind: "permanent"; readonly summary: string };

/** The summary lines of Terraform's error diagnostics (`Error: …`), in order. */
export function errorSummaries(errorOutput: string): string[] {
  return [...errorOutput.matchAll(/^[│\s]*Error: (.+)$/gm)].map((m) => m[1]!.trim());
}

function lockInfo(errorOutput: string): StateLock {
  const field = (name: string) => new RegExp(`^[│\\s]*${name}:\\s*(.+)$`, "m").exec(errorOutput)?.[1]?.trim();
  return { id: field("ID"), who: field("Who"), operation: field("Operation"), created: field("Created") };
}

export function classifyApplyFailure(errorOutput: string): ApplyFailure {
  const summary = errorSummaries(errorOutput)[0] ?? "no error diagnostic (see the log above)";
  if (LOCK_ERROR.test(errorOutput)) return { kind: "locked", lock: lockInfo(errorOutput) };
  // Terraform wraps a diagnostic's detail over several "│ " lines at arbitrary spaces: match on one line.
  const text = errorOutput.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  // A refused sign-in or a revoked permission is no transient failure: retrying cannot help, the tenant's admin can.
  const notInTenant = NOT_IN_TENANT.exec(text);
  if (notInTenant) {
    // Quoted from an error text: kept only when it is a client id (it goes into a link).
    const named = notInTenant[1]!;
    return { kind: "no-access", reason: "not-in-tenant", summary, ...(isGuid(named) ? { clientId: named } : {}) };
  }
  if (FORBIDDEN.test(text)) return { kind: "no-access", reason: "forbidden", summary };
  // Adoption first: a run can fail on an existing object and on throttling at once; adoption re-applies anyway.
  if (ALREADY_EXISTS.test(text)) return { kind: "already-exists", summary };
  const transient = TRANSIENT_FAILURES.find((t) => t.pattern.test(text));
  if (transient) return { kind: "transient", reason: transient.reason, summary };
  return { kind: "permanent", summary };
}

/** The one line an operator reads when the state lock is held by another run. */
export function describeLock(stack: string, lock: StateLock, waited: string): string {
  const owner = [
    lock.operation && `${lock.operation.replace(/^OperationType/, "").toLowerCase()}`,
    lock.who && `by ${lock.who}`,
    lock.created && `since ${lock.created}`,
  ]
    .filter(Boolean)
    .join(" ");
  return (
    `stack ${stack}: the Terraform state is locked by another run${owner ? ` (${owner})` : ""} and was not released within ${waited}; ` +
    "nothing was changed. Wait for that run and start this one again; only if no run is in progress (a killed job can leave its lock) " +
    `release it with \`terraform force-unlock ${lock.id ?? "<lock id>"}\` in the stack's folder`
  );
}
