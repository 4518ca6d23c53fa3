// What an administrator (or an intruder with an owner's rights) does in the Entra admin center, Graph or PowerShell
// between pipeline runs, as changes to a tenant document (ProviderDoubles.changeTenant): delete a client secret or the
// app, grant admin consent by hand, add a secret, certificate or federated credential, grant an extra app role or a
// delegated permission.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { MICROSOFT_GRAPH_APP_ID } from "./microsoft-graph";
import type { DirectoryApplication, DirectoryServicePrincipal, TenantDocument } from "./directory-store";

function onlyApplication(doc: TenantDocument, displayName?: string): DirectoryApplication {
  const apps = Object.values(doc.applications).filter(
    (a) => displayName === undefined || a.displayName === displayName,
  );
  if (apps.length !== 1)
    throw new Error(
      `expected one application${displayName ? ` named "${displayName}"` : ""} in tenant ${doc.tenantId}, found ${apps.length}`,
    );
  return apps[0]!;
}

/** "Certificates & secrets → Delete": removes the password with `keyId`; returns its display name. */
export function deletePasswordInPortal(doc: TenantDocument, keyId: string): string | null {
  for (const app of Object.values(doc.applications)) {
    const credential = app.passwordCredentials.find((c) => c.keyId === keyId);
    if (!credential) continue;
    app.passwordCredentials = app.passwordCredentials.filter((c) => c !== credential);
    return credential.displayName;
  }
  throw new Error(`no password with key id ${keyId} in tenant ${doc.tenantId}`);
}

/**
 * "API permissions → Grant admin consent": assigns each Graph app role (by value) to the app's service principal, also
 * one the app does not request; returns the ids of the assignments it added.
 */
export function grantConsentInPortal(
  doc: TenantDocument,
  roleValues: readonly string[],
  displayName?: string,
): string[] {
  const app = onlyApplication(doc, displayName);
  const principal = Object.values(doc.servicePrincipals).find((sp) => sp.appId === app.appId);
  const graph = Object.values(doc.servicePrincipals).find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID);
  if (!principal || !graph) throw new Error(`grant consent: the app "${app.displayName}" has no service principal yet`);
  const added: string[] = [];
  for (const value of roleValues) {
    const role = graph.appRoles.find((r) => r.value === value);
    if (!role) throw new Error(`grant consent: Microsoft Graph has no app role ${value}`);
    if (doc.appRoleAssignments.some((a) => a.principalId === principal.objectId && a.appRoleId === role.id)) continue;
    const id = randomBytes(32).toString("base64url").slice(0, 43);
    added.push(id);
    doc.appRoleAssignments.push({
      id,
      appRoleId: role.id,
      principalId: principal.objectId,
      principalType: "ServicePrincipal",
      principalDisplayName: principal.displayName,
      resourceId: graph.objectId,
      resourceDisplayName: graph.displayName,
    });
  }
  return added;
}

function servicePrincipalOf(doc: TenantDocument, app: DirectoryApplication): DirectoryServicePrincipal {
  const principal = Object.values(doc.servicePrincipals).find((sp) => sp.appId === app.appId);
  if (!principal) throw new Error(`the app "${app.displayName}" has no service principal yet`);
  return principal;
}

/** Where a credential is added: the app registration (the portal's "Certificates & secrets") or its service principal. */
export type CredentialOwner = "application" | "servicePrincipal";

export interface PortalCredential {
  readonly displayName: string;
  readonly start: Date;
  readonly end: Date;
  /** @default "application" */
  readonly on?: CredentialOwner;
  /** Which app, when the tenant holds more than one. */
  readonly appDisplayName?: string;
}

/** "Certificates & secrets → New client secret" (or Graph's addPassword on the service principal); returns its key id. */
export function addPasswordInPortal(doc: TenantDocument, credential: PortalCredential): string {
  const app = onlyApplication(doc, credential.appDisplayName);
  const owner = credential.on === "servicePrincipal" ? servicePrincipalOf(doc, app) : app;
  const keyId = randomUUID();
  owner.passwordCredentials.push({
    keyId,
    displayName: credential.displayName,
    startDateTime: credential.start.toISOString().replace(/\.\d{3}Z$/, "Z"),
    endDateTime: credential.end.toISOString().replace(/\.\d{3}Z$/, "Z"),
    hint: randomBytes(2).toString("base64url").slice(0, 3),
  });
  return keyId;
}

/** "Certificates & secrets → Upload certificate" (or Graph's keyCredentials on the service principal); returns its key id. */
export function uploadCertificateInPortal(doc: TenantDocument, credential: PortalCredential): string {
  const app = onlyApplication(doc, credential.appDisplayName);
  const owner = credential.on === "servicePrincipal" ? servicePrincipalOf(doc, app) : app;
  const certificate = randomBytes(64);
  const keyId = randomUUID();
  owner.keyCredentials.push({
    keyId,
    displayName: credential.displayName,
    type: "AsymmetricX509Cert",
    usage: "Verify",
    startDateTime: credential.start.toISOString().replace(/\.\d{3}Z$/, "Z"),
    endDateTime: credential.end.toISOString().replace(/\.\d{3}Z$/, "Z"),
    customKeyIdentifier: createHash("sha1").update(certificate).digest("base64"),
    key: certificate.toString("base64"),
  });
  return keyId;
}

/** "Certificates & secrets → Federated credentials → Add credential"; returns its id. */
export function addFederatedCredentialInPortal(
  doc: TenantDocument,
  credential: {
    readonly name: string;
    readonly subject: string;
    readonly issuer: string;
    readonly appDisplayName?: string;
  },
): string {
  const app = onlyApplication(doc, credential.appDisplayName);
  const id = randomUUID();
  app.federatedIdentityCredentials.push({
    id,
    name: credential.name,
    issuer: credential.issuer,
    subject: credential.subject,
    audiences: ["api://AzureADTokenExchange"],
    description: null,
  });
  return id;
}

/** "API permissions → Grant admin consent" for delegated permissions of Microsoft Graph; returns the grant's id. */
export function grantDelegatedPermissionInPortal(doc: TenantDocument, scope: string, appDisplayName?: string): string {
  const principal = servicePrincipalOf(doc, onlyApplication(doc, appDisplayName));
  const graph = Object.values(doc.servicePrincipals).find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID)!;
  const id = randomBytes(32).toString("base64url").slice(0, 43);
  doc.oauth2PermissionGrants.push({
    id,
    clientId: principal.objectId,
    consentType: "AllPrincipals",
    principalId: null,
    resourceId: graph.objectId,
    scope,
  });
  return id;
}

/**
 * A customer's administrator removes the service provider's CI app from "Enterprise applications" (the way to revoke
 * its consent in full): its service principal and grants are gone, and signing in to this tenant as it fails.
 */
export function removeCiServicePrincipalInPortal(doc: TenantDocument): void {
  doc.deployer = { ...doc.deployer, removed: true };
}

/**
 * The customer's administrator opens the admin consent link again and accepts: the CI app's service principal is back
 * in the tenant, and it may sign in again.
 */
export function consentToCiAppInPortal(doc: TenantDocument): void {
  doc.deployer = { ...doc.deployer, removed: false };
}
