// What a stack's sign-in observation means next to its outputs (the secrets as the state has them after the run): the
// secret Miradore last signed in with (current, previous or unknown), whether its last attempt failed and why, and
// so whether the handoff is over (Miradore signs in with the current secret) or something needs a person now.
// The expiry check, the notice and the fleet view show this; the handoff dates stay the fallback without logs.
import type { ObservedUse } from "../../rotation/expiry-status";
import { STILL_USED } from "./still-used";
import { describeSignInError, keyRole, type KeyRole, type SignInObservation } from "./sign-in-observation";

/** The observation as the expiry check's JSON carries it per stack (and the notice reads back). */
export interface ObservedSecretUse {
  /** False: the logs could not be read (`unavailable` says why); everything goes by the handoff dates. */
  readonly available: boolean;
  readonly unavailable?: string;
  /** Miradore's latest successful sign-in. */
  readonly lastSignIn?: { readonly at: string; readonly keyId: string; readonly role: KeyRole };
  /** Miradore's latest attempt, when it failed. */
  readonly failing?: { readonly at: string; readonly errorCode: number; readonly keyId: string | null };
}

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** Judges one stack: what to show, and what it changes in the expiry verdict. */
export function judgeObservation(
  observation: SignInObservation,
  keys: { readonly current?: string; readonly previous?: string },
  handoffDeadline: string,
  now: Date,
): { readonly use: ObservedSecretUse; readonly effect: ObservedUse } {
  if (!observation.available) {
    const unavailable = observation.reason === "no-app" ? undefined : observation.message;
    return {
      use: { available: false, ...(unavailable ? { unavailable } : {}) },
      effect: { handoffDone: false, warnings: [] },
    };
  }
  const latest = observation.used[0];
  const lastSignIn = latest ? { at: latest.lastAt, keyId: latest.keyId, role: keyRole(latest.keyId, keys) } : undefined;
  const last = observation.last;
  const failing = last && last.errorCode !== 0 ? last : undefined;
  const warnings: string[] = [];
  const current = keys.current ? ` (key id ${keys.current})` : "";
  if (failing) {
    warnings.push(
      `Miradore's sign-ins fail (last at ${when(failing.at)}: ${describeSignInError(failing.errorCode)}): ` +
        `Miradore is disconnected; paste the current secret${current} into Miradore now`,
    );
  } else if (lastSignIn?.role === "previous" && Date.parse(handoffDeadline) <= now.getTime()) {
    warnings.push(
      `${STILL_USED}: Miradore last signed in with the previous secret (key id ${lastSignIn.keyId}) on ` +
        `${when(lastSignIn.at)}, after the handoff deadline; the rotation that deletes it is held until Miradore ` +
        `signs in with the current secret${current}`,
    );
  } else if (lastSignIn?.role === "unknown") {
    warnings.push(
      `Miradore last signed in on ${when(lastSignIn.at)} with key id ${lastSignIn.keyId}, which is not a secret this ` +
        `stack manages (added outside Terraform, or already deleted): paste the current secret${current} into Miradore`,
    );
  }
  const handoffDone = !failing && lastSignIn?.role === "current";
  return {
    use: { available: true, ...(lastSignIn ? { lastSignIn } : {}), ...(failing ? { failing } : {}) },
    effect: { handoffDone, warnings },
  };
}

/** One line for a person's report (expiry check, fleet view). */
export function describeObservedUse(use: ObservedSecretUse | undefined): string {
  if (!use) return "sign-in logs: not read";
  if (!use.available)
    return use.unavailable ? `sign-in logs: not available (${use.unavailable})` : "sign-in logs: none yet";
  const parts: string[] = [];
  parts.push(
    use.lastSignIn
      ? `Miradore last signed in ${when(use.lastSignIn.at)} with the ${use.lastSignIn.role === "unknown" ? "UNKNOWN key" : `${use.lastSignIn.role} secret`} (key id ${use.lastSignIn.keyId})`
      : "no successful sign-in of Miradore in the window read",
  );
  if (use.failing) parts.push(`its last sign-in failed: ${describeSignInError(use.failing.errorCode)}`);
  return `sign-in logs: ${parts.join("; ")}`;
}
