// The fake directory's service-principal sign-in log: a simulated client (Miradore) authenticates with a client id
// and a secret value; the directory checks the value against the app's passwords (by their SHA-256, the secret is
// never stored) and records the sign-in as Entra does, with the key id of the credential used, the time and the
// result. The fake Graph (test-support/fake-graph-api.ts) serves the records at GET /beta/auditLogs/signIns.
//
// Error codes as Entra logs them in signIn.status.errorCode (the AADSTS number without its prefix). Source: Microsoft
// Learn, "Troubleshoot Azure SDK for Java service principal authentication" (ClientSecretCredential table):
// AADSTS7000215 "An invalid client secret was provided", AADSTS7000222 "An expired client secret was provided",
// AADSTS700016 "The specified application wasn't found in the specified tenant".
import { createHash, randomUUID } from "node:crypto";
import type { TenantDocument } from "./directory-store";

const RETENTION_MS = 30 * 86_400_000;

export const SIGN_IN_ERROR = { invalidSecret: 7000215, expiredSecret: 7000222, unknownApplication: 700016 } as const;

/** One record, in the shape of Graph's beta signIn resource (the fields the pipeline reads, and a few more). */
export interface RecordedSignIn {
  readonly id: string;
  readonly createdDateTime: string;
  readonly appId: string;
  readonly appDisplayName: string;
  readonly servicePrincipalId: string;
  /** The password's key id; null when the value matched no password (Entra cannot tell which was meant). */
  readonly servicePrincipalCredentialKeyId: string | null;
  readonly signInEventTypes: readonly string[];
  readonly status: { readonly errorCode: number; readonly failureReason: string | null };
}

const FAILURE_REASON: Record<number, string> = {
  [SIGN_IN_ERROR.invalidSecret]: "Invalid client secret provided.",
  [SIGN_IN_ERROR.expiredSecret]: "The provided client secret keys are expired.",
  [SIGN_IN_ERROR.unknownApplication]: "Application not found in the directory.",
};

/**
 * A client-credentials sign-in of `clientId` with `secret` at `at`: recorded in the tenant's log (also when it fails,
 * as Entra logs failed sign-ins). Returns the record; the secret is only hashed, never kept.
 */
export function signInWithSecret(
  doc: TenantDocument,
  sign: { readonly clientId: string; readonly secret: string; readonly at: Date },
): RecordedSignIn {
  const app = Object.values(doc.applications).find((a) => a.appId === sign.clientId);
  const sp = Object.values(doc.servicePrincipals).find((s) => s.appId === sign.clientId);
  const hash = createHash("sha256").update(sign.secret).digest("hex");
  const credential = app?.passwordCredentials.find((c) => c.secretSha256 === hash);
  const errorCode =
    !app || !sp
      ? SIGN_IN_ERROR.unknownApplication
      : !credential
        ? SIGN_IN_ERROR.invalidSecret
        : Date.parse(credential.endDateTime) <= sign.at.getTime() ||
            Date.parse(credential.startDateTime) > sign.at.getTime()
          ? SIGN_IN_ERROR.expiredSecret
          : 0;
  const record: RecordedSignIn = {
    id: randomUUID(),
    createdDateTime: new Date(Math.floor(sign.at.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    appId: sign.clientId,
    appDisplayName: app?.displayName ?? "",
    servicePrincipalId: sp?.objectId ?? "",
    servicePrincipalCredentialKeyId: credential?.keyId ?? null,
    signInEventTypes: ["servicePrincipal"],
    status: { errorCode, failureReason: errorCode === 0 ? null : FAILURE_REASON[errorCode]! },
  };
  // Entra keeps sign-in logs for 30 days (with a P1/P2 licence; Microsoft Learn, "Microsoft Entra data retention").
  const kept = (doc.signIns ?? []).filter((r) => Date.parse(r.createdDateTime) > sign.at.getTime() - RETENTION_MS);
  doc.signIns = [...kept, record];
  return record;
}
