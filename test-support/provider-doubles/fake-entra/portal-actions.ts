// What an administrator does in the Entra admin center between pipeline runs, as changes to a tenant document
// (ProviderDoubles.changeTenant): delete a client secret or the app, grant admin consent by hand.
import { randomBytes } from "node:crypto";
import { MICROSOFT_GRAPH_APP_ID } from "./microsoft-graph";
import type { DirectoryApplication, TenantDocument } from "./directory-store";

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

/** "API permissions → Grant admin consent": assigns each Graph app role (by value) to the app's service principal. */
export function grantConsentInPortal(doc: TenantDocument, roleValues: readonly string[], displayName?: string): void {
  const app = onlyApplication(doc, displayName);
  const principal = Object.values(doc.servicePrincipals).find((sp) => sp.appId === app.appId);
  const graph = Object.values(doc.servicePrincipals).find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID);
  if (!principal || !graph) throw new Error(`grant consent: the app "${app.displayName}" has no service principal yet`);
  for (const value of roleValues) {
    const role = graph.appRoles.find((r) => r.value === value);
    if (!role) throw new Error(`grant consent: Microsoft Graph has no app role ${value}`);
    if (doc.appRoleAssignments.some((a) => a.principalId === principal.objectId && a.appRoleId === role.id)) continue;
    doc.appRoleAssignments.push({
      id: randomBytes(32).toString("base64url").slice(0, 43),
      appRoleId: role.id,
      principalId: principal.objectId,
      principalType: "ServicePrincipal",
      principalDisplayName: principal.displayName,
      resourceId: graph.objectId,
      resourceDisplayName: graph.displayName,
    });
  }
}
