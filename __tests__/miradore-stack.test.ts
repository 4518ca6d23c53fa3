import { GROUP_READ_ALL, MICROSOFT_GRAPH_APP_ID, USER_READ_ALL } from "../constructs";
import { EXAMPLE_TENANT_ID, only, ref, site, synthSite } from "../test-support/synth-site";

const DEPLOYER_OBJECT_ID = "${data.azuread_client_config.deployer.object_id}";
const OWNER = "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

describe("the app registration", () => {
  const { json } = synthSite(site({ displayName: "Miradore (Contoso)", additionalOwnerObjectIds: [OWNER] }));
  const app = only(json, "azuread_application");

  test("is single tenant, named as configured, and refuses duplicate names", () => {
    expect(app.sign_in_audience).toBe("AzureADMyOrg");
    expect(app.display_name).toBe("Miradore (Contoso)");
    expect(app.prevent_duplicate_names).toBe(true);
  });

  test("is owned by the deploying principal first, then the configured owners", () => {
    expect(app.owners).toEqual([DEPLOYER_OBJECT_ID, OWNER]);
    expect(only(json, "azuread_service_principal").owners).toEqual([DEPLOYER_OBJECT_ID, OWNER]);
  });

  test("says what it is for in its description and notes", () => {
    expect(app.description).toMatch(/Miradore/);
    expect(app.notes).toMatch(/Miradore.*Managed by Terraform/s);
  });

  test("requests User.Read.All and Group.Read.All from Microsoft Graph as application permissions", () => {
    expect(app.required_resource_access).toEqual([
      {
        resource_app_id: MICROSOFT_GRAPH_APP_ID,
        resource_access: [
          { id: USER_READ_ALL.id, type: "Role" },
          { id: GROUP_READ_ALL.id, type: "Role" },
        ],
      },
    ]);
  });

  test("requests only User.Read.All when group filtering is off", () => {
    const app = only(synthSite(site({ groupFiltering: false })).json, "azuread_application");
    expect(app.required_resource_access[0].resource_access).toEqual([{ id: USER_READ_ALL.id, type: "Role" }]);
  });

  test("has a service principal for its own client id", () => {
    const sp = only(json, "azuread_service_principal");
    expect(sp.client_id).toBe(`\${${ref(json, "azuread_application", "client_id")}}`);
    expect(sp.app_role_assignment_required).toBe(false);
  });
});

describe("admin consent", () => {
  const { json } = synthSite();
  const assignments = Object.values(json.resource.azuread_app_role_assignment ?? {});
  const graphSp = Object.entries(json.data.azuread_service_principal ?? {});

  test("reads the tenant's Microsoft Graph service principal by its well-known client id", () => {
    expect(graphSp).toHaveLength(1);
    expect(graphSp[0]![1].client_id).toBe(MICROSOFT_GRAPH_APP_ID);
  });

  test("grants one app role assignment per requested permission, from our service principal to Graph", () => {
    const graphObjectId = `\${data.azuread_service_principal.${graphSp[0]![0]}.object_id}`;
    expect(assignments.map((a) => a.app_role_id).sort()).toEqual([USER_READ_ALL.id, GROUP_READ_ALL.id].sort());
    for (const assignment of assignments) {
      expect(assignment.principal_object_id).toBe(`\${${ref(json, "azuread_service_principal", "object_id")}}`);
      expect(assignment.resource_object_id).toBe(graphObjectId);
    }
  });

  test("fails the plan if the tenant's Graph app role ids differ from ours", () => {
    const conditions = graphSp[0]![1].lifecycle.postcondition.map((p: { condition: string }) => p.condition);
    expect(conditions).toEqual([
      `\${lookup(self.app_role_ids, "User.Read.All", "") == "${USER_READ_ALL.id}"}`,
      `\${lookup(self.app_role_ids, "Group.Read.All", "") == "${GROUP_READ_ALL.id}"}`,
    ]);
  });

  test("grants only User.Read.All when group filtering is off", () => {
    const { json } = synthSite(site({ groupFiltering: false }));
    expect(Object.values(json.resource.azuread_app_role_assignment!).map((a) => a.app_role_id)).toEqual([
      USER_READ_ALL.id,
    ]);
  });
});

describe("the client secret", () => {
  const secret = { lifetimeDays: 365, rotationIntervalDays: 100, handoffDays: 30, maxRunGapDays: 35 };
  const { json } = synthSite(site({ secret }));
  const rotations = json.resource.time_rotating!;
  const passwords = json.resource.azuread_application_password!;
  const [slotA, slotB] = ["slot-a", "slot-b"].map((slot) => {
    const rotation = Object.keys(rotations).find((name) => name.includes(`${slot}_rotation`))!;
    const password = Object.keys(passwords).find((name) => name.includes(`${slot}_password`))!;
    return { rotation, password, config: passwords[password]!, schedule: rotations[rotation]! };
  });

  test("is two passwords of the app, each with an explicit end date of lifetimeDays after its rotation base", () => {
    expect(Object.keys(passwords)).toHaveLength(2);
    for (const slot of [slotA!, slotB!]) {
      expect(slot.config.application_id).toBe(`\${${ref(json, "azuread_application", "id")}}`);
      expect(slot.config.end_date).toBe(`\${timeadd(time_rotating.${slot.rotation}.rfc3339, "${365 * 24}h")}`);
      expect(slot.config.end_date_relative).toBeUndefined();
    }
  });

  test("rotates each password when its own time_rotating is replaced, creating the new one first", () => {
    for (const slot of [slotA!, slotB!]) {
      expect(slot.config.rotate_when_changed).toEqual({ rotation: `\${time_rotating.${slot.rotation}.id}` });
      // A new lifetime or name applies to the slot's next secret: it never replaces a live one.
      expect(slot.config.lifecycle).toEqual({
        create_before_destroy: true,
        ignore_changes: ["display_name", "end_date"],
      });
    }
  });

  test("staggers the slots: A every two intervals, B one interval after A's next rotation, fixed once made", () => {
    expect(slotA!.schedule.rotation_days).toBe(200);
    expect(slotA!.schedule.rotation_rfc3339).toBeUndefined();
    expect(slotB!.schedule.rotation_rfc3339).toBe(
      `\${timeadd(time_rotating.${slotA!.rotation}.rotation_rfc3339, "${100 * 24}h")}`,
    );
    expect(slotB!.schedule.lifecycle).toEqual({ ignore_changes: ["rotation_rfc3339"] });
  });

  test("gives each secret a display name that tells operators which one it is", () => {
    expect(slotA!.config.display_name).toBe("Miradore connection (slot A, managed by Terraform)");
    expect(slotB!.config.display_name).toBe("Miradore connection (slot B, managed by Terraform)");
  });
});

describe("the Key Vault handoff", () => {
  const VAULT =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-mdm/providers/Microsoft.KeyVault/vaults/kv-mdm";

  test("is off by default: no azurerm provider, no vault secret", () => {
    const { json } = synthSite();
    expect(json.terraform.required_providers).not.toHaveProperty("azurerm");
    expect(json.provider).not.toHaveProperty("azurerm");
    expect(json.resource).not.toHaveProperty("azurerm_key_vault_secret");
  });

  test("writes the current secret with its dates, content type and key id to the configured vault", () => {
    const { json } = synthSite(site({ keyVault: { id: VAULT } }));
    const secret = only(json, "azurerm_key_vault_secret");
    const current = Object.keys(json.locals as Record<string, unknown>)[0];
    expect(secret).toMatchObject({
      key_vault_id: VAULT,
      name: "miradore-test-client-secret",
      content_type: "Miradore Entra ID client secret",
    });
    expect(secret.value).toMatch(
      new RegExp(
        `^\\$\\{local\\.${current} \\? azuread_application_password\\.[^.]+\\.value : azuread_application_password\\.[^.]+\\.value\\}$`,
      ),
    );
    expect(secret.expiration_date).toMatch(/_password\.[^.]+\.end_date/);
    expect(secret.not_before_date).toMatch(/_password\.[^.]+\.start_date/);
    expect(secret.tags["key-id"]).toMatch(/_password\.[^.]+\.key_id/);
    expect(json.output.key_vault_secret_id).toMatchObject({ sensitive: false });
  });

  test("authenticates azurerm in the vault's subscription and tenant without registering resource providers", () => {
    const other = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    const { json } = synthSite(site({ keyVault: { id: VAULT, tenantId: other, secretName: "mdm" } }));
    expect(json.provider.azurerm).toEqual([
      {
        features: [{}],
        resource_provider_registrations: "none",
        subscription_id: "11111111-2222-4333-8444-555555555555",
        tenant_id: other,
      },
    ]);
    expect(only(json, "azurerm_key_vault_secret").name).toBe("mdm");
  });
});

describe("the stack", () => {
  const { json } = synthSite();

  test("configures azuread for the site's tenant and leaves authentication to the ARM_* environment", () => {
    expect(json.provider.azuread).toEqual([{ tenant_id: EXAMPLE_TENANT_ID }]);
    expect(json.provider.time).toEqual([{}]);
  });

  test("pins the provider versions the prebuilt bindings were generated for", () => {
    expect(json.terraform.required_providers).toEqual({
      azuread: { source: "hashicorp/azuread", version: "3.7.0" },
      time: { source: "hashicorp/time", version: "0.13.1" },
    });
  });

  test("keeps state in a local file outside cdktf.out by default", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.miradore-test.tfstate" } });
  });

  test("keeps state in Azure Storage with Entra ID auth, one key per stack, when configured", () => {
    const state = { backend: "azurerm", storageAccountName: "contosotfstate", containerName: "tfstate" };
    const { json } = synthSite(site({ state }));
    expect(json.terraform.backend).toEqual({
      azurerm: {
        storage_account_name: "contosotfstate",
        container_name: "tfstate",
        key: "miradore/miradore-test.tfstate",
        use_azuread_auth: true,
      },
    });
  });

  test("runs remotely in one HCP Terraform workspace per stack when configured", () => {
    const state = { backend: "cloud", organization: "contoso-msp", workspacePrefix: "mdm-" };
    const { json } = synthSite(site({ state }));
    expect(json.terraform).toMatchObject({
      cloud: { hostname: "app.terraform.io", organization: "contoso-msp", workspaces: { name: "mdm-miradore-test" } },
    });
    expect(json.terraform.backend).toBeUndefined();
  });

  test("outputs what an operator types into Miradore, and when the secret ends", () => {
    expect(Object.keys(json.output).sort()).toEqual(
      [
        "client_id",
        "client_secret",
        "client_secret_end_date",
        "client_secret_key_id",
        "client_secret_start_date",
        "graph_permissions",
        "handoff_deadline",
        "next_rotation_date",
        "previous_client_secret_end_date",
        "previous_client_secret_key_id",
        "tenant_id",
      ].sort(),
    );
    expect(json.output.client_id!.value).toBe(`\${${ref(json, "azuread_application", "client_id")}}`);
    expect(json.output.tenant_id!.value).toBe("${data.azuread_client_config.deployer.tenant_id}");
  });

  test("marks the secret output sensitive, and only outputs that carry a password value are sensitive", () => {
    expect(json.output.client_secret!.sensitive).toBe(true);
    expect(String(json.output.client_secret!.value)).toMatch(/azuread_application_password\.[^.]+\.value/);
    for (const [name, output] of Object.entries(json.output)) {
      const carriesSecret = /azuread_application_password\.[^.]+\.value/.test(String(output.value));
      expect({ name, sensitive: output.sensitive === true }).toEqual({ name, sensitive: carriesSecret });
    }
  });

  test("puts no credential in provider or backend configuration", () => {
    const credentials = /client_secret|client_certificate|access_key|sas_token|oidc_token|password/;
    expect(JSON.stringify(json.provider)).not.toMatch(credentials);
    expect(JSON.stringify(json.terraform.backend)).not.toMatch(credentials);
  });

  test("refers to a password value only from outputs and the optional vault secret, never from another resource", () => {
    const vault =
      "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-mdm";
    const { json } = synthSite(site({ keyVault: { id: vault } }));
    const readers = Object.entries(json.resource)
      .filter(([, resources]) => /_password\.[^.]+\.value/.test(JSON.stringify(resources)))
      .map(([type]) => type);
    expect(readers).toEqual(["azurerm_key_vault_secret"]);
  });
});
