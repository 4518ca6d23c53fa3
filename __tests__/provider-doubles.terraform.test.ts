// The provider doubles under real Terraform, on a hand-written configuration with every resource and data source type
// the project uses: the lifecycle, the fake directory's behaviour, the provider's errors, the clock and faults.
import {
  ProviderDoubles,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
  oneLine,
  stateResources,
} from "../test-support/terraform-harness";
import { createdObjectCount, DEFAULT_TENANT_ID } from "../test-support/provider-doubles/fake-entra/directory-store";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import bootstrap from "./fixtures/terraform/bootstrap.cdk.tf.json";
import connection from "./fixtures/terraform/connection.cdk.tf.json";

const START = new Date("2026-01-01T00:00:00Z");
const LIMIT_MS = 60_000;

type Config = Record<string, any>;

/** A copy of the fixture with `change` applied. */
function variant(change: (config: Config) => void): Config {
  const config = structuredClone(connection) as Config;
  change(config);
  return config;
}

describeWithTerraform("provider doubles under Terraform (hand-written configuration)", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;

  beforeEach(async () => {
    doubles = await ProviderDoubles.start({ now: START });
  });
  afterEach(async () => {
    workspace?.remove();
    await doubles.stop();
  });

  async function applied(config: Config = connection): Promise<TerraformWorkspace> {
    workspace = TerraformWorkspace.create(doubles, config);
    await workspace.init();
    await workspace.plan();
    await workspace.apply();
    return workspace;
  }

  test(
    "applies, then plans no changes, and the directory holds what Terraform created",
    async () => {
      await applied();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);

      const tenant = doubles.tenant();
      const apps = Object.values(tenant.applications);
      expect(apps.map((a) => a.displayName)).toEqual(["Miradore Entra connection"]);
      expect(apps[0]!.passwordCredentials.map((c) => c.displayName).sort()).toEqual([
        "miradore-slot-a",
        "miradore-slot-b",
      ]);
      const graph = Object.values(tenant.servicePrincipals).find((sp) => sp.builtIn)!;
      expect(tenant.appRoleAssignments.map((a) => [a.resourceId, a.appRoleId]).sort()).toEqual([
        [graph.objectId, "5b567255-7703-4780-807c-7be8301ae99b"],
        [graph.objectId, "df021288-bdef-4463-88db-98f22de89214"],
      ]);

      const state = stateResources(await workspace.state());
      const app = state["azuread_application.miradore"]!.values;
      expect(app.id).toBe(`/applications/${apps[0]!.objectId}`);
      expect(app.client_id).toBe(apps[0]!.appId);
      const sp = state["azuread_service_principal.miradore"]!.values;
      expect(sp.id).toBe(`/servicePrincipals/${sp.object_id as string}`);
      const assignment = state["azuread_app_role_assignment.user_read_all"]!.values;
      expect(assignment.id).toMatch(
        new RegExp(`^/servicePrincipals/${graph.objectId}/appRoleAssignedTo/[A-Za-z0-9_-]{43}$`),
      );
      const password = state["azuread_application_password.slot_a"]!.values;
      expect(password.id).toBe(`${apps[0]!.objectId}/password/${password.key_id as string}`);
      expect(password.start_date).toBe("2026-01-01T00:00:00Z");
      // rotation_days = 180 from the clock, end date 30 days after that.
      expect(state["time_rotating.slot_a"]!.values.rotation_rfc3339).toBe("2026-06-30T00:00:00Z");
      expect(password.end_date).toBe("2026-07-30T00:00:00Z");
      expect(state["time_offset.slot_b_start"]!.values.rfc3339).toBe("2026-04-01T00:00:00Z");
      expect(state["data.azuread_client_config.current"]!.values.tenant_id).toBe(DEFAULT_TENANT_ID);

      const outputs = await workspace.outputs();
      expect(outputs.client_secret!.sensitive).toBe(true);
      expect(outputs.client_secret!.value).toBe(password.value);
      expect(outputs.client_secret!.value).toMatch(/^.{3}8Q~.{34}$/);
    },
    LIMIT_MS,
  );

  test(
    "keeps the secret from state on refresh: Graph never returns it again",
    async () => {
      await applied();
      const before = stateResources(await workspace.state())["azuread_application_password.slot_a"]!.values.value;
      await workspace.run(["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]);
      expect(stateResources(await workspace.state())["azuread_application_password.slot_a"]!.values.value).toBe(before);
    },
    LIMIT_MS,
  );

  test(
    "re-creates an application password deleted in the portal",
    async () => {
      await applied();
      doubles.changeTenant((doc) => {
        for (const app of Object.values(doc.applications))
          app.passwordCredentials = app.passwordCredentials.filter((c) => c.displayName !== "miradore-slot-a");
      });
      const plan = await workspace.plan();
      expect(effectiveChanges(plan).map((c) => [c.address, c.change.actions])).toEqual([
        ["azuread_application_password.slot_a", ["create"]],
      ]);
    },
    LIMIT_MS,
  );

  test(
    "replaces a password when display_name (ForceNew) changes, and updates an application in place",
    async () => {
      await applied();
      workspace.writeConfig(
        variant((c) => {
          c.resource.azuread_application_password.slot_b.display_name = "renamed";
          c.resource.azuread_application.miradore.display_name = "Renamed connection";
        }),
      );
      const changes = effectiveChanges(await workspace.plan());
      const byAddress = Object.fromEntries(changes.map((c) => [c.address, c.change.actions]));
      expect(byAddress["azuread_application_password.slot_b"]).toEqual(["delete", "create"]);
      expect(byAddress["azuread_application.miradore"]).toEqual(["update"]);
      await workspace.apply();
      expect(Object.values(doubles.tenant().applications)[0]!.displayName).toBe("Renamed connection");
    },
    LIMIT_MS,
  );

  test(
    "rotates: time_rotating leaves state once the clock passes rotation_rfc3339, and the password is replaced",
    async () => {
      await applied();
      const oldKeyId = stateResources(await workspace.state())["azuread_application_password.slot_a"]!.values.key_id;
      doubles.setClock(new Date("2026-07-01T00:00:00Z"));
      const plan = await workspace.plan();
      const byAddress = Object.fromEntries(effectiveChanges(plan).map((c) => [c.address, c.change.actions]));
      expect(byAddress["time_rotating.slot_a"]).toEqual(["create"]);
      expect(byAddress["azuread_application_password.slot_a"]).toEqual(["delete", "create"]);
      await workspace.apply();
      const state = stateResources(await workspace.state());
      expect(state["time_rotating.slot_a"]!.values.rotation_rfc3339).toBe("2026-12-28T00:00:00Z");
      expect(state["azuread_application_password.slot_a"]!.values.key_id).not.toBe(oldKeyId);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
    },
    LIMIT_MS,
  );

  test(
    "shows an application renamed in the portal as drift and renames it back",
    async () => {
      await applied();
      doubles.changeTenant((doc) => {
        for (const app of Object.values(doc.applications)) app.displayName = "Renamed in the portal";
      });
      const changes = effectiveChanges(await workspace.plan());
      expect(
        changes.map((c) => [c.address, c.change.actions, c.change.before?.display_name, c.change.after?.display_name]),
      ).toEqual([["azuread_application.miradore", ["update"], "Renamed in the portal", "Miradore Entra connection"]]);
      await workspace.apply();
      expect(Object.values(doubles.tenant().applications)[0]!.displayName).toBe("Miradore Entra connection");
    },
    LIMIT_MS,
  );

  test(
    "serves a bootstrap-like configuration: federated credential updated in place, replaced on a new name",
    async () => {
      const tenantId = bootstrap.provider.azuread[0]!.tenant_id;
      await applied(bootstrap);
      const credential = () => Object.values(doubles.tenant(tenantId).applications)[0]!.federatedIdentityCredentials;
      expect(credential().map((c) => [c.name, c.subject])).toEqual([
        ["github-main", "repo:example/miradore:ref:refs/heads/main"],
      ]);
      expect(doubles.tenant(tenantId).appRoleAssignments.map((a) => a.appRoleId)).toEqual([
        "18a4783c-866b-4cc7-a460-3d5e5662c884",
      ]);
      expect(effectiveChanges(await workspace.plan())).toEqual([]);

      const fic = (c: Config) => c.resource.azuread_application_federated_identity_credential.github_main;
      const moved = workspace.readConfig();
      fic(moved).subject = "repo:example/miradore:environment:prod";
      workspace.writeConfig(moved);
      expect(effectiveChanges(await workspace.plan()).map((c) => [c.address, c.change.actions])).toEqual([
        ["azuread_application_federated_identity_credential.github_main", ["update"]],
      ]);
      await workspace.apply();
      expect(credential().map((c) => c.subject)).toEqual(["repo:example/miradore:environment:prod"]);

      const renamed = workspace.readConfig();
      fic(renamed).display_name = "github-prod";
      workspace.writeConfig(renamed);
      expect(effectiveChanges(await workspace.plan()).map((c) => [c.address, c.change.actions])).toEqual([
        ["azuread_application_federated_identity_credential.github_main", ["delete", "create"]],
      ]);
    },
    LIMIT_MS,
  );

  test(
    "destroy leaves the fake directory empty (Microsoft Graph stays)",
    async () => {
      await applied();
      expect(createdObjectCount(doubles.tenant())).toBe(6);
      await workspace.destroy();
      expect(createdObjectCount(doubles.tenant())).toBe(0);
      expect(Object.values(doubles.tenant().servicePrincipals).map((sp) => sp.displayName)).toEqual([
        "Microsoft Graph",
      ]);
    },
    LIMIT_MS,
  );

  test(
    "fails to assign an app role Microsoft Graph does not have",
    async () => {
      workspace = TerraformWorkspace.create(
        doubles,
        variant((c) => {
          c.resource.azuread_app_role_assignment.user_read_all.app_role_id = "00000000-0000-0000-0000-000000000001";
        }),
      );
      await workspace.init();
      const failed = await workspace.applyFailure();
      expect(oneLine(failed.stderr)).toContain(
        "Permission being assigned was not found on application '00000003-0000-0000-c000-000000000000'",
      );
    },
    LIMIT_MS,
  );

  test(
    "fails to add a password to an application that does not exist",
    async () => {
      workspace = TerraformWorkspace.create(doubles, {
        terraform: connection.terraform,
        resource: {
          azuread_application_password: {
            orphan: { application_id: "/applications/9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f" },
          },
        },
      });
      await workspace.init();
      const failed = await workspace.applyFailure();
      expect(oneLine(failed.stderr)).toContain(
        'Application with object ID "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f" was not found',
      );
    },
    LIMIT_MS,
  );

  test(
    "rejects a password end_date that is not RFC 3339, at validate",
    async () => {
      workspace = TerraformWorkspace.create(
        doubles,
        variant((c) => {
          c.resource.azuread_application_password.slot_a.end_date = "2026-13-01";
        }),
      );
      await workspace.init();
      const result = await workspace.validate();
      expect(result.valid).toBe(false);
      expect(result.diagnostics.map((d) => d.detail)).toContain(
        'expected "end_date" to be a valid RFC3339 date, got "2026-13-01"',
      );
    },
    LIMIT_MS,
  );

  test(
    "fails the Nth create of a type as the faults file says, and recovers on the next apply",
    async () => {
      workspace = TerraformWorkspace.create(doubles, connection);
      await workspace.init();
      doubles.setFaults([
        {
          operation: "create",
          type: "azuread_application_password",
          nth: 2,
          error: "Request_Throttled: too many requests",
        },
      ]);
      const failed = await workspace.applyFailure();
      expect(oneLine(failed.stderr)).toContain("Injected fault on create of azuread_application_password");
      expect(Object.values(doubles.tenant().applications)[0]!.passwordCredentials).toHaveLength(1);
      await workspace.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
      expect(Object.values(doubles.tenant().applications)[0]!.passwordCredentials).toHaveLength(2);
    },
    LIMIT_MS,
  );
});

describeWithTerraform("provider doubles installed in a filesystem mirror", () => {
  test(
    "init installs them from the mirror, and plan and apply run through go-plugin with AutoMTLS",
    async () => {
      const doubles = await ProviderDoubles.start({ mode: "mirror", now: START });
      const workspace = TerraformWorkspace.create(doubles, connection);
      try {
        await workspace.init();
        expect(
          existsSync(
            join(workspace.dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "azuread", "3.7.0"),
          ),
        ).toBe(true);
        expect(readFileSync(join(workspace.dir, ".terraform.lock.hcl"), "utf8")).toContain(
          'provider "registry.terraform.io/hashicorp/time"',
        );
        await workspace.plan();
        await workspace.apply();
        expect(effectiveChanges(await workspace.plan())).toEqual([]);
        expect(createdObjectCount(doubles.tenant())).toBe(6);
      } finally {
        workspace.remove();
        await doubles.stop();
      }
    },
    LIMIT_MS,
  );
});
