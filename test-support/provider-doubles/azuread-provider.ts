// The hashicorp/azuread 3.7.0 double over the fake Entra directory. Behaviour follows the provider's source at tag
// v3.7.0 (internal/services/*): ForceNew flags, id formats, computed attributes, error texts. It runs on the
// terraform-plugin-sdk v2 model: computed values keep their prior state on update, unset computed strings become "".
// Known deviation: SDK `Default`s (account_enabled = true, sign_in_audience = "AzureADMyOrg") are not planned,
// because the SDK can only do that through its legacy type-system exemption, which would also switch off the strict
// consistency checks these doubles exist for; such arguments stay null when the configuration omits them.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  DEFAULT_TENANT_ID,
  readTenant,
  updateTenant,
  type DirectoryAppRole,
  type DirectoryServicePrincipal,
  type TenantDocument,
} from "./fake-entra/directory-store";
import { PUBLISHED_APP_IDS } from "./fake-entra/microsoft-graph";
import { formatRfc3339, parseRfc3339 } from "./planning";
import {
  ProviderError,
  type CallContext,
  type DataSourceBehaviour,
  type ProviderDefinition,
  type ResourceBehaviour,
} from "./provider-definition";
import type { ProviderSchema, SchemaBlock } from "./provider-schema";
import { rfc3339Error } from "./sdk-validation";
import { isObject, sameValue, UNKNOWN, type TfObject, type TfValue } from "./values";

/** Microsoft's own tenant, home of first-party service principals such as Microsoft Graph. */
const MICROSOFT_SERVICES_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

function str(value: TfValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The tenant the provider block points at: tenant_id, else ARM_TENANT_ID (as the real provider reads it). */
function tenantOf(ctx: CallContext): string {
  return tenantOfConfig(ctx.providerConfig);
}

function tenantOfConfig(config: TfObject): string {
  return str(config.tenant_id) || process.env.ARM_TENANT_ID || DEFAULT_TENANT_ID;
}

/**
 * Signing in: the token request to the tenant fails when the client has no service principal there, with Entra's
 * AADSTS700016 inside the provider's "unable to obtain access token" (go-azure-sdk's auth error). A client id set in
 * the provider block must have a service principal in the tenant (or be the tenant's deployer); the deployer itself
 * is refused once its service principal was removed (portal-actions.ts removeCiServicePrincipalInPortal).
 * Source of the text: Entra's error AADSTS700016 ("Application with identifier '{appId}' was not found in the
 * directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant
 * or consented to by any user in the tenant. …"), Microsoft Learn "Microsoft Entra authentication and authorization
 * error codes". The diagnostic's summary and the wrapping around Entra's answer are the double's own wording (not
 * checked against the real provider's); the pipeline matches only Entra's text.
 */
function signInErrors(config: TfObject, ctx: CallContext): ProviderError[] {
  const tenantId = tenantOfConfig(config);
  const doc = readTenant(ctx.directoryRoot, tenantId);
  const configured = str(config.client_id);
  const clientId = configured || doc.deployer.clientId;
  const known =
    clientId === doc.deployer.clientId
      ? !doc.deployer.removed
      : Object.values(doc.servicePrincipals).some((sp) => sp.appId === clientId);
  if (known) return [];
  return [
    new ProviderError(
      "Unable to build authorizer for Microsoft Graph API",
      `unable to obtain access token: clientCredentialsToken: received HTTP status 400 with response: ` +
        `{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '${clientId}' ` +
        `was not found in the directory '${tenantId}'. This can happen if the application has not been installed by ` +
        `the administrator of the tenant or consented to by any user in the tenant. You may have sent your ` +
        `authentication request to the wrong tenant."}`,
    ),
  ];
}

/** SDK v2 semantics: a computed value the provider never set is the zero value of its type, never unknown. */
function zeroUnknowns(block: SchemaBlock, state: TfObject): TfObject {
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    if (state[name] !== UNKNOWN) continue;
    const t = attr.type;
    const kind = Array.isArray(t) ? t[0] : t;
    state[name] =
      kind === "string"
        ? ""
        : kind === "number"
          ? 0
          : kind === "bool"
            ? false
            : kind === "map" || kind === "object"
              ? {}
              : [];
  }
  return state;
}

/** `/applications/{objectId}` as stable.ParseApplicationID accepts it. */
function applicationObjectId(value: TfValue | undefined): string | undefined {
  const m = /^\/applications\/([^/]+)$/.exec(str(value) ?? "");
  return m?.[1];
}

function applicationIdError(config: TfObject): ProviderError[] {
  const v = config.application_id;
  if (typeof v !== "string" || applicationObjectId(v)) return [];
  return [
    new ProviderError(
      "invalid value for application_id",
      `parsing ${JSON.stringify(v)}: expected an Application ID in the format "/applications/{applicationId}"`,
      "application_id",
    ),
  ];
}

/**
 * Import checks only the id's format, as the provider's importers do (`tf.ValidateResourceIDPriorToImport`); Terraform's
 * read after the import reports an object that does not exist ("Cannot import non-existent remote object").
 */
function importById(pattern: RegExp, format: string): (id: string) => TfObject {
  return (id) => {
    if (!pattern.test(id))
      throw new ProviderError(
        "Invalid import ID",
        `parsing ${JSON.stringify(id)}: expected an ID in the format ${JSON.stringify(format)}`,
      );
    return { id };
  };
}

function appRoleIds(roles: readonly DirectoryAppRole[]): TfObject {
  return Object.fromEntries(roles.filter((r) => r.enabled && r.value).map((r) => [r.value, r.id]));
}

function appRolesFromConfig(value: TfValue | undefined): DirectoryAppRole[] {
  return (Array.isArray(value) ? value : []).filter(isObject).map((r) => ({
    id: str(r.id) ?? "",
    value: str(r.value) ?? "",
    displayName: str(r.display_name) ?? "",
    description: str(r.description) ?? "",
    allowedMemberTypes: Array.isArray(r.allowed_member_types) ? (r.allowed_member_types as string[]) : [],
    enabled: r.enabled !== false,
  }));
}

function scopeIds(api: TfValue | undefined): TfObject {
  const first = Array.isArray(api) && isObject(api[0]) ? api[0] : undefined;
  const scopes = Array.isArray(first?.oauth2_permission_scope) ? first.oauth2_permission_scope.filter(isObject) : [];
  return Object.fromEntries(
    scopes.filter((s) => s.enabled !== false && str(s.value)).map((s) => [s.value as string, s.id as TfValue]),
  );
}

/** The attributes both the service principal resource and data source read from Graph. */
function servicePrincipalAttributes(sp: DirectoryServicePrincipal, doc: TenantDocument): TfObject {
  const app = Object.values(doc.applications).find((a) => a.appId === sp.appId);
  return {
    id: `/servicePrincipals/${sp.objectId}`,
    object_id: sp.objectId,
    client_id: sp.appId,
    display_name: sp.displayName,
    app_role_ids: appRoleIds(sp.appRoles),
    app_roles: sp.appRoles.map((r) => ({
      allowed_member_types: [...r.allowedMemberTypes],
      description: r.description,
      display_name: r.displayName,
      enabled: r.enabled,
      id: r.id,
      value: r.value,
    })),
    application_tenant_id: sp.builtIn ? MICROSOFT_SERVICES_TENANT_ID : doc.tenantId,
    homepage_url: "",
    logout_url: "",
    oauth2_permission_scope_ids: {},
    oauth2_permission_scopes: [],
    redirect_uris: [],
    saml_metadata_url: "",
    service_principal_names: [sp.appId],
    sign_in_audience: sp.builtIn ? "AzureADMultipleOrgs" : (app?.signInAudience ?? "AzureADMyOrg"),
    type: "Application",
  };
}

// ---- azuread_application (internal/services/applications/application_resource.go) ----

function applicationResource(block: SchemaBlock): ResourceBehaviour {
  const computedFrom = (state: TfObject, doc: TenantDocument, objectId: string, appId: string): TfObject =>
    zeroUnknowns(block, {
      ...state,
      id: `/applications/${objectId}`,
      object_id: objectId,
      client_id: appId,
      app_role_ids: appRoleIds(appRolesFromConfig(state.app_role)),
      oauth2_permission_scope_ids: scopeIds(state.api),
      publisher_domain: doc.domain,
    });
  return {
    planStyle: "sdk",
    forceNew: ["template_id"],
    validate(config) {
      const audiences = [
        "AzureADMyOrg",
        "AzureADMultipleOrgs",
        "AzureADandPersonalMicrosoftAccount",
        "PersonalMicrosoftAccount",
      ];
      const v = config.sign_in_audience;
      if (typeof v === "string" && !audiences.includes(v)) {
        return [
          new ProviderError(
            "invalid value for sign_in_audience",
            `expected sign_in_audience to be one of [${audiences.join(" ")}], got ${v}`,
            "sign_in_audience",
          ),
        ];
      }
      return [];
    },
    modifyPlan({ prior, planned }) {
      if (prior === null) return;
      if (!sameValue(prior.app_role, planned.app_role)) planned.app_role_ids = UNKNOWN;
      if (!sameValue(prior.api, planned.api)) planned.oauth2_permission_scope_ids = UNKNOWN;
    },
    create(planned, ctx) {
      return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const displayName = str(planned.display_name) ?? "";
        if (
          planned.prevent_duplicate_names === true &&
          Object.values(doc.applications).some((a) => a.displayName === displayName)
        ) {
          throw new ProviderError(
            "Duplicate display name",
            `A resource with this identifier already exists: existing Application with display name "${displayName}" was found`,
            "display_name",
          );
        }
        const objectId = randomUUID();
        const appId = randomUUID();
        const state = computedFrom(planned, doc, objectId, appId);
        doc.applications[objectId] = {
          objectId,
          appId,
          displayName,
          signInAudience: str(planned.sign_in_audience) ?? "AzureADMyOrg",
          appRoles: appRolesFromConfig(planned.app_role),
          passwordCredentials: [],
          keyCredentials: [],
          federatedIdentityCredentials: [],
          settings: state,
        };
        return state;
      });
    },
    read(state, ctx) {
      const app = readTenant(ctx.directoryRoot, tenantOf(ctx)).applications[applicationObjectId(state.id) ?? ""];
      if (!app) return null;
      // A rename in the portal shows up as drift, as it would against Graph.
      return { ...(app.settings as TfObject), display_name: app.displayName };
    },
    importState: importById(/^\/applications\/[^/]+$/, "/applications/{applicationId}"),
    update(prior, planned, ctx) {
      return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const objectId = applicationObjectId(prior.id) ?? "";
        const app = doc.applications[objectId];
        if (!app)
          throw new ProviderError(
            "Could not update application",
            `Application with object ID "${objectId}" was not found`,
          );
        const state = computedFrom(planned, doc, objectId, app.appId);
        Object.assign(app, {
          displayName: str(planned.display_name) ?? "",
          signInAudience: str(planned.sign_in_audience) ?? "AzureADMyOrg",
          appRoles: appRolesFromConfig(planned.app_role),
          settings: state,
        });
        return state;
      });
    },
    delete(state, ctx) {
      updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const app = doc.applications[applicationObjectId(state.id) ?? ""];
        if (!app) return;
        delete doc.applications[app.objectId];
        // Deleting an application deletes its service principal in the home tenant, with that principal's grants.
        for (const sp of Object.values(doc.servicePrincipals)) {
          if (sp.appId !== app.appId || sp.builtIn) continue;
          delete doc.servicePrincipals[sp.objectId];
          doc.appRoleAssignments = doc.appRoleAssignments.filter(
            (a) => a.principalId !== sp.objectId && a.resourceId !== sp.objectId,
          );
          doc.oauth2PermissionGrants = doc.oauth2PermissionGrants.filter(
            (g) => g.clientId !== sp.objectId && g.resourceId !== sp.objectId,
          );
        }
      });
    },
  };
}

// ---- azuread_service_principal (internal/services/serviceprincipals/service_principal_resource.go) ----

function servicePrincipalObjectId(value: TfValue | undefined): string {
  return /^\/servicePrincipals\/([^/]+)$/.exec(str(value) ?? "")?.[1] ?? "";
}

function servicePrincipalResource(block: SchemaBlock): ResourceBehaviour {
  const stateOf = (planned: TfObject, sp: DirectoryServicePrincipal, doc: TenantDocument): TfObject =>
    zeroUnknowns(block, {
      ...planned,
      ...servicePrincipalAttributes(sp, doc),
      client_id: planned.client_id ?? sp.appId,
      tags: planned.tags === UNKNOWN ? [] : planned.tags,
    });
  return {
    planStyle: "sdk",
    forceNew: ["client_id"],
    create(planned, ctx) {
      return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const clientId = str(planned.client_id) ?? "";
        const app = Object.values(doc.applications).find((a) => a.appId === clientId);
        const existing = Object.values(doc.servicePrincipals).find((sp) => sp.appId === clientId);
        if (existing && planned.use_existing !== true) {
          throw new ProviderError(
            "Could not create service principal",
            `An existing service principal for client ID "${clientId}" was found; set use_existing to take it over`,
            "client_id",
          );
        }
        if (!existing && !app) {
          throw new ProviderError(
            "Could not create service principal",
            `unexpected status 400 with OData error: Request_BadRequest: The appId '${clientId}' of the service principal does not reference a valid application object.`,
            "client_id",
          );
        }
        const sp: DirectoryServicePrincipal = existing ?? {
          objectId: randomUUID(),
          appId: clientId,
          displayName: app!.displayName,
          appRoles: app!.appRoles,
          passwordCredentials: [],
          keyCredentials: [],
          settings: {},
        };
        const state = stateOf(planned, sp, doc);
        doc.servicePrincipals[sp.objectId] = { ...sp, settings: state };
        return state;
      });
    },
    importState: importById(/^\/servicePrincipals\/[^/]+$/, "/servicePrincipals/{servicePrincipalId}"),
    read(state, ctx) {
      const doc = readTenant(ctx.directoryRoot, tenantOf(ctx));
      const sp = doc.servicePrincipals[servicePrincipalObjectId(state.id)];
      if (!sp) return null;
      return {
        ...(sp.settings as TfObject),
        ...servicePrincipalAttributes(sp, doc),
        tags: (sp.settings as TfObject).tags ?? [],
      };
    },
    update(prior, planned, ctx) {
      return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const sp = doc.servicePrincipals[servicePrincipalObjectId(prior.id)];
        if (!sp)
          throw new ProviderError(
            "Could not update service principal",
            `Service principal "${String(prior.id)}" was not found`,
          );
        const state = stateOf(planned, sp, doc);
        sp.settings = state;
        return state;
      });
    },
    delete(state, ctx) {
      updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
        const objectId = servicePrincipalObjectId(state.id);
        if (state.use_existing === true || doc.servicePrincipals[objectId]?.builtIn) return;
        delete doc.servicePrincipals[objectId];
        doc.appRoleAssignments = doc.appRoleAssignments.filter(
          (a) => a.principalId !== objectId && a.resourceId !== objectId,
        );
        doc.oauth2PermissionGrants = doc.oauth2PermissionGrants.filter(
          (g) => g.clientId !== objectId && g.resourceId !== objectId,
        );
      });
    },
  };
}

// ---- azuread_app_role_assignment (internal/services/approleassignments/app_role_assignment_resource.go) ----

const appRoleAssignmentResource: ResourceBehaviour = {
  planStyle: "sdk",
  forceNew: ["app_role_id", "principal_object_id", "resource_object_id"],
  create(planned, ctx) {
    return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const appRoleId = str(planned.app_role_id) ?? "";
      const principalId = str(planned.principal_object_id) ?? "";
      const resourceId = str(planned.resource_object_id) ?? "";
      const resource = doc.servicePrincipals[resourceId];
      if (!resource) {
        // The provider reports this on principal_object_id (sic, v3.7.0).
        throw new ProviderError(
          `Service principal not found for resource (Object ID: "${resourceId}")`,
          "",
          "principal_object_id",
        );
      }
      const principal = doc.servicePrincipals[principalId];
      if (!principal) {
        throw new ProviderError(
          "Could not create app role assignment",
          `unexpected status 404 with OData error: Request_ResourceNotFound: Resource '${principalId}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      const role = resource.appRoles.find((r) => r.id.toLowerCase() === appRoleId.toLowerCase() && r.enabled);
      if (!role) {
        throw new ProviderError(
          "Could not create app role assignment",
          `unexpected status 400 with OData error: Request_BadRequest: Permission being assigned was not found on application '${resource.appId}'.`,
        );
      }
      if (
        doc.appRoleAssignments.some(
          (a) => a.resourceId === resourceId && a.principalId === principalId && a.appRoleId === role.id,
        )
      ) {
        throw new ProviderError(
          "Could not create app role assignment",
          "unexpected status 409 with OData error: Request_BadRequest: Permission being assigned already exists on the object",
        );
      }
      const assignment = {
        id: randomBytes(32).toString("base64url").slice(0, 43),
        appRoleId: role.id,
        principalId,
        principalType: "ServicePrincipal",
        principalDisplayName: principal.displayName,
        resourceId,
        resourceDisplayName: resource.displayName,
        createdDateTime: formatRfc3339(ctx.now()),
      };
      doc.appRoleAssignments.push(assignment);
      return {
        ...planned,
        id: `/servicePrincipals/${resourceId}/appRoleAssignedTo/${assignment.id}`,
        principal_display_name: assignment.principalDisplayName,
        principal_type: assignment.principalType,
        resource_display_name: assignment.resourceDisplayName,
      };
    });
  },
  importState: importById(
    /^\/servicePrincipals\/[^/]+\/appRoleAssignedTo\/[^/]+$/,
    "/servicePrincipals/{resourceId}/appRoleAssignedTo/{appRoleAssignmentId}",
  ),
  read(state, ctx) {
    const m = /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo\/([^/]+)$/.exec(str(state.id) ?? "");
    const a = readTenant(ctx.directoryRoot, tenantOf(ctx)).appRoleAssignments.find(
      (x) => x.resourceId === m?.[1] && x.id === m?.[2],
    );
    if (!a) return null;
    return {
      ...state,
      app_role_id: a.appRoleId,
      principal_object_id: a.principalId,
      principal_display_name: a.principalDisplayName,
      principal_type: a.principalType,
      resource_object_id: a.resourceId,
      resource_display_name: a.resourceDisplayName,
    };
  },
  delete(state, ctx) {
    updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      doc.appRoleAssignments = doc.appRoleAssignments.filter(
        (a) => !String(state.id).endsWith(`/appRoleAssignedTo/${a.id}`),
      );
    });
  },
};

// ---- azuread_application_password (internal/services/applications/application_password_resource.go) ----

/** A secret shaped like Graph's: 40 characters, the 3-character hint, then `8Q~`. */
function generateSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";
  const chars = [...randomBytes(37)].map((b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 3).join("")}8Q~${chars.slice(3).join("")}`;
}

const TWO_YEARS_DAYS = 730;

const applicationPasswordResource: ResourceBehaviour = {
  planStyle: "sdk",
  forceNew: ["application_id", "display_name", "start_date", "end_date", "end_date_relative", "rotate_when_changed"],
  validate(config) {
    const conflict =
      config.end_date !== null && config.end_date_relative !== null
        ? [
            new ProviderError(
              "Conflicting configuration arguments",
              `"end_date": conflicts with end_date_relative`,
              "end_date",
            ),
          ]
        : [];
    return [
      ...applicationIdError(config),
      ...rfc3339Error(config, "start_date"),
      ...rfc3339Error(config, "end_date"),
      ...conflict,
    ];
  },
  create(planned, ctx) {
    return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const objectId = applicationObjectId(planned.application_id) ?? "";
      const app = doc.applications[objectId];
      if (!app) throw new ProviderError(`Application with object ID "${objectId}" was not found`, "", "application_id");
      const start = str(planned.start_date) ? parseRfc3339(planned.start_date as string)! : ctx.now();
      // Graph's default lifetime when no end date is given (v3.7.0 no longer reads end_date_relative).
      const end = str(planned.end_date)
        ? parseRfc3339(planned.end_date as string)!
        : new Date(start.getTime() + TWO_YEARS_DAYS * 86400 * 1000);
      const keyId = randomUUID();
      const secret = generateSecret();
      const displayName = str(planned.display_name) ?? null;
      app.passwordCredentials.push({
        keyId,
        displayName,
        startDateTime: formatRfc3339(start),
        endDateTime: formatRfc3339(end),
        hint: secret.slice(0, 3),
        secretSha256: createHash("sha256").update(secret).digest("hex"),
      });
      return {
        ...planned,
        id: `${objectId}/password/${keyId}`,
        key_id: keyId,
        value: secret,
        display_name: displayName ?? "",
        start_date: formatRfc3339(start),
        end_date: formatRfc3339(end),
      };
    });
  },
  read(state, ctx) {
    const m = /^([^/]+)\/password\/([^/]+)$/.exec(str(state.id) ?? "");
    const app = readTenant(ctx.directoryRoot, tenantOf(ctx)).applications[m?.[1] ?? ""];
    const credential = app?.passwordCredentials.find((c) => c.keyId.toLowerCase() === m?.[2]?.toLowerCase());
    if (!app || !credential) return null;
    // Graph never returns the secret again: the value stays whatever the state holds.
    return {
      ...state,
      application_id: `/applications/${app.objectId}`,
      display_name: credential.displayName ?? state.display_name,
      key_id: credential.keyId,
      start_date: credential.startDateTime,
      end_date: credential.endDateTime,
    };
  },
  delete(state, ctx) {
    const m = /^([^/]+)\/password\/([^/]+)$/.exec(str(state.id) ?? "");
    updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const app = doc.applications[m?.[1] ?? ""];
      if (app) app.passwordCredentials = app.passwordCredentials.filter((c) => c.keyId !== m?.[2]);
    });
  },
};

// ---- azuread_application_federated_identity_credential ----

function federatedCredentialFields(planned: TfObject) {
  return {
    issuer: str(planned.issuer) ?? "",
    subject: str(planned.subject) ?? "",
    audiences: Array.isArray(planned.audiences) ? (planned.audiences as string[]) : [],
    description: str(planned.description) ?? null,
  };
}

function federatedCredentialIds(id: TfValue | undefined): { objectId: string; credentialId: string } {
  const m = /^([^/]+)\/federatedIdentityCredential\/([^/]+)$/.exec(str(id) ?? "");
  return { objectId: m?.[1] ?? "", credentialId: m?.[2] ?? "" };
}

const federatedIdentityCredentialResource: ResourceBehaviour = {
  planStyle: "sdk",
  forceNew: ["application_id", "display_name"],
  validate: (config) => applicationIdError(config),
  create(planned, ctx) {
    return updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const objectId = applicationObjectId(planned.application_id) ?? "";
      const app = doc.applications[objectId];
      if (!app) throw new ProviderError(`Application with object ID "${objectId}" was not found`, "", "application_id");
      const name = str(planned.display_name) ?? "";
      if (app.federatedIdentityCredentials.some((c) => c.name === name)) {
        throw new ProviderError(
          "Could not create federated identity credential",
          `unexpected status 409: FederatedIdentityCredential with name ${name} already exists.`,
        );
      }
      const id = randomUUID();
      app.federatedIdentityCredentials.push({ id, name, ...federatedCredentialFields(planned) });
      return {
        ...planned,
        id: `${objectId}/federatedIdentityCredential/${id}`,
        credential_id: id,
        description: planned.description ?? null,
      };
    });
  },
  read(state, ctx) {
    const { objectId, credentialId } = federatedCredentialIds(state.id);
    const c = readTenant(ctx.directoryRoot, tenantOf(ctx)).applications[objectId]?.federatedIdentityCredentials.find(
      (x) => x.id === credentialId,
    );
    if (!c) return null;
    return {
      ...state,
      display_name: c.name,
      issuer: c.issuer,
      subject: c.subject,
      audiences: c.audiences,
      description: c.description,
    };
  },
  update(prior, planned, ctx) {
    const { objectId, credentialId } = federatedCredentialIds(prior.id);
    updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const c = doc.applications[objectId]?.federatedIdentityCredentials.find((x) => x.id === credentialId);
      if (!c)
        throw new ProviderError(
          "Could not update federated identity credential",
          `Federated identity credential "${String(prior.id)}" was not found`,
        );
      Object.assign(c, federatedCredentialFields(planned));
    });
    return planned;
  },
  delete(state, ctx) {
    const { objectId, credentialId } = federatedCredentialIds(state.id);
    updateTenant(ctx.directoryRoot, tenantOf(ctx), (doc) => {
      const app = doc.applications[objectId];
      if (app) app.federatedIdentityCredentials = app.federatedIdentityCredentials.filter((c) => c.id !== credentialId);
    });
  },
};

// ---- data sources ----

const clientConfigData: DataSourceBehaviour = {
  read(config, ctx) {
    const doc = readTenant(ctx.directoryRoot, tenantOf(ctx));
    const { clientId, objectId } = doc.deployer;
    return {
      ...config,
      tenant_id: doc.tenantId,
      client_id: clientId,
      object_id: objectId,
      id: `${doc.tenantId}-${clientId}-${objectId}`,
    };
  },
};

const LOOKUP_ARGS = ["client_id", "display_name", "object_id"] as const;

const servicePrincipalData: DataSourceBehaviour = {
  // ExactlyOneOf in the SDK, with its messages.
  validate(config) {
    const given = LOOKUP_ARGS.filter((n) => config[n] !== null);
    if (given.length === 1) return [];
    const all = LOOKUP_ARGS.join(",");
    const detail =
      given.length === 0
        ? `"${LOOKUP_ARGS[0]}": one of \`${all}\` must be specified`
        : `"${given[0]}": only one of \`${all}\` can be specified, but \`${given.join(",")}\` were specified.`;
    return [new ProviderError("Invalid combination of arguments", detail)];
  },
  read(config, ctx) {
    const doc = readTenant(ctx.directoryRoot, tenantOf(ctx));
    const all = Object.values(doc.servicePrincipals);
    const [field, filter] =
      config.object_id !== null
        ? ["object_id", (sp: DirectoryServicePrincipal) => sp.objectId === config.object_id]
        : config.client_id !== null
          ? ["client_id", (sp: DirectoryServicePrincipal) => sp.appId === config.client_id]
          : ["display_name", (sp: DirectoryServicePrincipal) => sp.displayName === config.display_name];
    const found = all.filter(filter);
    if (found.length === 0) {
      throw new ProviderError(
        "Service principal not found",
        `no service principals found matching filter: ${field} eq '${String(config[field])}'`,
        field,
      );
    }
    if (found.length > 1)
      throw new ProviderError(
        "Multiple service principals found",
        `found multiple service principals matching ${field} '${String(config[field])}'`,
        field,
      );
    const sp = found[0]!;
    return {
      ...config,
      ...servicePrincipalAttributes(sp, doc),
      account_enabled: true,
      alternative_names: [],
      app_role_assignment_required: false,
      description: "",
      feature_tags: [],
      features: [],
      login_url: "",
      notes: "",
      notification_email_addresses: [],
      preferred_single_sign_on_mode: "",
      saml_single_sign_on: [],
      tags: [],
    };
  },
};

const publishedAppIdsData: DataSourceBehaviour = {
  read: (config) => ({ ...config, id: "appIds", result: { ...PUBLISHED_APP_IDS } }),
};

export function azureadProvider(schema: ProviderSchema): ProviderDefinition {
  const block = (type: string): SchemaBlock => {
    const s = schema.resource_schemas?.[type];
    if (!s) throw new Error(`azuread schema has no resource type ${type}`);
    return s.block;
  };
  return {
    name: "azuread",
    schema,
    configure: signInErrors,
    resources: {
      azuread_application: applicationResource(block("azuread_application")),
      azuread_service_principal: servicePrincipalResource(block("azuread_service_principal")),
      azuread_app_role_assignment: appRoleAssignmentResource,
      azuread_application_password: applicationPasswordResource,
      azuread_application_federated_identity_credential: federatedIdentityCredentialResource,
    },
    dataSources: {
      azuread_client_config: clientConfigData,
      azuread_service_principal: servicePrincipalData,
      azuread_application_published_app_ids: publishedAppIdsData,
    },
  };
}
