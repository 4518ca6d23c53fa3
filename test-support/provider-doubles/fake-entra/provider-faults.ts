// Faults the real azuread provider (3.x) reports, as fault rules for faults.json: the diagnostic's summary and detail
// are the texts users quote in the provider's issue tracker, so the pipeline's error classification is tested against
// what Terraform really prints.
import type { FaultRule } from "./directory-store";

/**
 * The service principal is not visible yet after its application was created: the provider's consistency wait times
 * out. Source: hashicorp/terraform-provider-azuread issue #1811 (v3.7.0), also #1802.
 */
export function servicePrincipalReplicationTimeout(nth = 1, times = 1): FaultRule {
  return {
    operation: "create",
    type: "azuread_service_principal",
    nth,
    times,
    summary: "Timed out whilst waiting for new service principal to be replicated in Azure AD",
    error:
      "unexpected status 404 (404 Not Found) with error: Request_ResourceNotFound: Resource '9fd6edd2-7213-4992-b7fc-9f26dae8443c' " +
      "does not exist or one of its queried reference-property objects are not present.",
  };
}

/**
 * Microsoft Graph throttled the calls and the provider's own retries gave up. Source: issue #1891 (429 during plan),
 * text as in #1784 and PR #1843.
 */
export function throttled(operation: FaultRule["operation"], type: string, nth = 1, times = 1): FaultRule {
  return {
    operation,
    type,
    nth,
    times,
    summary: `retrieving ${type}`,
    error: "unexpected status 429 (429 Too Many Requests) with error: TooManyRequests: Too many requests.",
  };
}

/** A Microsoft Graph outage (5xx); the provider retries these a few times before it gives up. */
export function serviceUnavailable(operation: FaultRule["operation"], type: string, nth = 1, times = 1): FaultRule {
  return {
    operation,
    type,
    nth,
    times,
    summary: `Could not create ${type.replace(/^azuread_/, "").replace(/_/g, " ")}`,
    error:
      "unexpected status 503 (503 Service Unavailable) with error: ServiceUnavailable: Service is temporarily unavailable.",
  };
}

/** The identity lacks a Graph permission: not transient, must never be retried. Source: README, "Known Entra pitfalls". */
export function permissionDenied(type: string, nth = 1, times = 1): FaultRule {
  return {
    operation: "create",
    type,
    nth,
    times,
    summary: `Could not create ${type.replace(/^azuread_/, "").replace(/_/g, " ")}`,
    error:
      "unexpected status 403 (403 Forbidden) with error: Authorization_RequestDenied: Insufficient privileges to complete the operation.",
  };
}

/** A call that takes `delayMs` and then succeeds (slow Graph; lets a test act while an apply is in flight). */
export function delayed(operation: FaultRule["operation"], type: string, delayMs: number, nth = 1): FaultRule {
  return { operation, type, nth, delayMs };
}

/**
 * A call that waits until the test releases `gate` (ProviderDoubles.releaseGate), then succeeds: Terraform, and the
 * state lock it holds, stay in the middle of an apply for exactly as long as the test needs.
 */
export function held(operation: FaultRule["operation"], type: string, gate: string, nth = 1): FaultRule {
  return { operation, type, nth, holdUntilReleased: gate };
}
