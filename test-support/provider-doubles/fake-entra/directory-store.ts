// The fake Entra directory on disk: one JSON file per tenant under `<root>/tenants/`, plus `<root>/clock.json` and
// `<root>/faults.json`. Every provider call reads the files afresh, so tests can inspect and change the directory
// ("delete in the portal"), move the clock or arm a fault between Terraform commands, and one long-lived provider
// process serves many test steps. All access is synchronous: a call's read-modify-write cannot interleave with
// another's in the single-threaded server.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_APP_ROLES } from "./microsoft-graph";
import type { RecordedSignIn } from "./sign-in-log";

/** Used when the azuread provider block sets no tenant_id. */
export const DEFAULT_TENANT_ID = "11111111-1111-4111-8111-111111111111";
/** The principal Terraform authenticates as (client_id / object_id of data.azuread_client_config). */
export const DEPLOYER_CLIENT_ID = "22222222-2222-4222-8222-222222222222";
export const DEPLOYER_OBJECT_ID = "33333333-3333-4333-8333-333333333333";

export interface DirectoryAppRole {
  readonly id: string;
  readonly value: string;
  readonly displayName: string;
  readonly description: string;
  readonly allowedMemberTypes: readonly string[];
  readonly enabled: boolean;
}

export interface PasswordCredential {
  readonly keyId: string;
  readonly displayName: string | null;
  readonly startDateTime: string;
  readonly endDateTime: string;
  /** First characters of the secret, as Graph shows them; the secret itself is never stored. */
  readonly hint: string;
  /**
   * SHA-256 of the secret (hex), so a simulated client can sign in with a value (fake-entra/sign-in-log.ts); absent on
   * passwords made before it was recorded or by portal actions that never hand out a value.
   */
  readonly secretSha256?: string;
}

/** A certificate credential (Graph's keyCredential). */
export interface KeyCredential {
  readonly keyId: string;
  readonly displayName: string | null;
  /** e.g. `AsymmetricX509Cert`. */
  readonly type: string;
  /** e.g. `Verify`. */
  readonly usage: string;
  readonly startDateTime: string;
  readonly endDateTime: string;
  /** The certificate's thumbprint, base64, as Graph sets it by default. */
  readonly customKeyIdentifier: string | null;
  /** The public certificate (base64 DER): Graph returns it only when `$select` names keyCredentials. */
  readonly key: string | null;
}

/** A delegated permission grant (Graph's oAuth2PermissionGrant): `clientId` is the service principal that may act. */
export interface OAuth2PermissionGrant {
  readonly id: string;
  readonly clientId: string;
  /** `AllPrincipals` (admin consent for everyone) or `Principal` (one user, `principalId`). */
  readonly consentType: "AllPrincipals" | "Principal";
  readonly principalId: string | null;
  readonly resourceId: string;
  /** Space-separated delegated permissions, e.g. `User.Read Mail.Read`. */
  readonly scope: string;
}

export interface FederatedIdentityCredential {
  readonly id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

export interface DirectoryApplication {
  readonly objectId: string;
  readonly appId: string;
  displayName: string;
  signInAudience: string;
  appRoles: DirectoryAppRole[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
  /** The Terraform arguments last written for the object (what the portal would show as its settings). */
  settings: Record<string, unknown>;
}

export interface DirectoryServicePrincipal {
  readonly objectId: string;
  readonly appId: string;
  displayName: string;
  appRoles: DirectoryAppRole[];
  /** Credentials on the service principal itself (the portal does not show them; Graph and PowerShell add them). */
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  /** Pre-seeded by Microsoft in every tenant (Microsoft Graph): never created or deleted by Terraform. */
  readonly builtIn?: boolean;
  settings: Record<string, unknown>;
}

export interface AppRoleAssignment {
  readonly id: string;
  readonly appRoleId: string;
  readonly principalId: string;
  readonly principalType: string;
  readonly principalDisplayName: string;
  readonly resourceId: string;
  readonly resourceDisplayName: string;
  readonly createdDateTime?: string;
}

export interface TenantDocument {
  readonly tenantId: string;
  readonly domain: string;
  /**
   * The identity Terraform signs in as (the CI identity). `removed`: its service principal is gone from this tenant
   * (the customer's administrator removed the service provider's app, or never consented), so signing in fails as
   * Entra does (AADSTS700016).
   */
  deployer: { readonly clientId: string; readonly objectId: string; readonly removed?: boolean };
  applications: Record<string, DirectoryApplication>;
  servicePrincipals: Record<string, DirectoryServicePrincipal>;
  appRoleAssignments: AppRoleAssignment[];
  oauth2PermissionGrants: OAuth2PermissionGrant[];
  /** Service-principal sign-ins, oldest first (fake-entra/sign-in-log.ts); absent until the first one. */
  signIns?: RecordedSignIn[];
}

function seedTenant(tenantId: string): TenantDocument {
  const graphObjectId = randomUUID();
  return {
    tenantId,
    domain: `tenant-${tenantId.slice(0, 8)}.onmicrosoft.com`,
    deployer: { clientId: DEPLOYER_CLIENT_ID, objectId: DEPLOYER_OBJECT_ID },
    applications: {},
    servicePrincipals: {
      [graphObjectId]: {
        objectId: graphObjectId,
        appId: MICROSOFT_GRAPH_APP_ID,
        displayName: "Microsoft Graph",
        builtIn: true,
        appRoles: MICROSOFT_GRAPH_APP_ROLES.map((r) => ({ ...r, allowedMemberTypes: ["Application"], enabled: true })),
        passwordCredentials: [],
        keyCredentials: [],
        settings: {},
      },
    },
    appRoleAssignments: [],
    oauth2PermissionGrants: [],
  };
}

export function tenantFile(root: string, tenantId: string): string {
  return join(root, "tenants", `${tenantId}.json`);
}

/** Writes a JSON file under a temporary name, then renames it: a reader never sees half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Reads a tenant, seeding (and saving) it on first use so its generated ids stay stable. */
export function readTenant(root: string, tenantId: string): TenantDocument {
  const file = tenantFile(root, tenantId);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as TenantDocument;
  const doc = seedTenant(tenantId);
  writeTenant(root, doc);
  return doc;
}

export function writeTenant(root: string, doc: TenantDocument): void {
  mkdirSync(join(root, "tenants"), { recursive: true });
  writeJsonAtomically(tenantFile(root, doc.tenantId), doc);
}

/** Runs `change` on the tenant's document and saves it. */
export function updateTenant<T>(root: string, tenantId: string, change: (doc: TenantDocument) => T): T {
  const doc = readTenant(root, tenantId);
  const result = change(doc);
  writeTenant(root, doc);
  return result;
}

/** Objects Terraform (or a test) created, credentials included: everything except what Microsoft pre-seeds. */
export function createdObjectCount(doc: TenantDocument): number {
  const credentials =
    Object.values(doc.applications).reduce(
      (n, a) => n + a.passwordCredentials.length + a.keyCredentials.length + a.federatedIdentityCredentials.length,
      0,
    ) +
    Object.values(doc.servicePrincipals).reduce(
      (n, sp) => n + sp.passwordCredentials.length + sp.keyCredentials.length,
      0,
    );
  return (
    Object.keys(doc.applications).length +
    credentials +
    Object.values(doc.servicePrincipals).filter((sp) => !sp.builtIn).length +
    doc.appRoleAssignments.length +
    doc.oauth2PermissionGrants.length
  );
}

// ---- the clock ----

const CLOCK_FILE = "clock.json";

/** The directory's "now": `<root>/clock.json` when a test set one, else the real time. Whole seconds, like Graph. */
export function readClock(root: string): Date {
  const file = join(root, CLOCK_FILE);
  const now = existsSync(file) ? new Date((JSON.parse(readFileSync(file, "utf8")) as { now: string }).now) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`${file}: "now" is not a date`);
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

export function writeClock(root: string, now: Date): void {
  mkdirSync(root, { recursive: true });
  writeJsonAtomically(join(root, CLOCK_FILE), { now: now.toISOString() });
}

// ---- fault injection ----

/**
 * One rule of `<root>/faults.json` (`{ "rules": [...] }`): when a call matches `operation` and `type`, count it in
 * `seen`; from the `nth` match on (every match when `nth` is absent), for `times` matches (default 1), wait `delayMs`
 * and until the gate `holdUntilReleased` is released (see {@link releaseGate}), then fail with the diagnostic
 * `summary` / `error` (its detail) if `error` is given. Presets with the real provider's
 * texts: fake-entra/provider-faults.ts.
 */
export interface FaultRule {
  readonly operation: "plan" | "create" | "read" | "update" | "delete" | "read-data" | "import";
  readonly type: string;
  readonly nth?: number;
  /** How many consecutive matches from `nth` on trigger the fault. @default 1 */
  readonly times?: number;
  /** The diagnostic's summary line. @default "Injected fault on <operation> of <type>" */
  readonly summary?: string;
  /** The diagnostic's detail; no error when absent (a delay only). */
  readonly error?: string;
  readonly delayMs?: number;
  /**
   * A gate's name: the call waits until the test releases it. Unlike a delay, this holds Terraform (and its state lock)
   * for exactly as long as the test needs, however slow the machine.
   */
  readonly holdUntilReleased?: string;
  seen?: number;
}

export interface TriggeredFault {
  readonly summary?: string;
  readonly error?: string;
  readonly delayMs?: number;
  readonly holdUntilReleased?: string;
}

export function writeFaults(root: string, rules: readonly FaultRule[]): void {
  mkdirSync(root, { recursive: true });
  writeJsonAtomically(join(root, "faults.json"), { rules });
}

/** The rules with their `seen` counts as they are now (none when no faults.json). */
export function readFaults(root: string): FaultRule[] {
  const file = join(root, "faults.json");
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, "utf8")) as { rules?: FaultRule[] }).rules ?? [];
}

/** Counts this call against the fault rules and returns the fault it triggers, if any. */
export function takeFault(root: string, operation: FaultRule["operation"], type: string): TriggeredFault | undefined {
  const file = join(root, "faults.json");
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, "utf8")) as { rules?: FaultRule[] };
  let triggered: TriggeredFault | undefined;
  for (const rule of doc.rules ?? []) {
    if (rule.operation !== operation || rule.type !== type) continue;
    const seen = (rule.seen = (rule.seen ?? 0) + 1);
    const first = rule.nth ?? 1;
    const active =
      rule.nth === undefined && rule.times === undefined ? true : seen >= first && seen < first + (rule.times ?? 1);
    if (triggered === undefined && active)
      triggered = {
        summary: rule.summary,
        error: rule.error,
        delayMs: rule.delayMs,
        holdUntilReleased: rule.holdUntilReleased,
      };
  }
  writeJsonAtomically(file, doc);
  return triggered;
}

// ---- gates (FaultRule.holdUntilReleased) ----

function gateFile(root: string, gate: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(gate))
    throw new Error(`gate name ${JSON.stringify(gate)}: letters, digits, - and _ only`);
  return join(root, "gates", `${gate}.released`);
}

/** Lets every call held by `gate` go on (and any later one: a released gate stays open). */
export function releaseGate(root: string, gate: string): void {
  mkdirSync(join(root, "gates"), { recursive: true });
  writeFileSync(gateFile(root, gate), "");
}

export function isGateReleased(root: string, gate: string): boolean {
  return existsSync(gateFile(root, gate));
}
