// Taking over a Miradore app made by hand, through Terraform and the provider doubles: the plan imports the app, its
// service principal and its consents instead of creating duplicates, and the old secrets stay. The import blocks
// themselves and the configuration's errors: existing-installation.test.ts.
import { Testing } from "cdktf";
import type { ExistingInstallation } from "../config/existing-installation-schema";
import { SiteStack } from "../app/site-stack";
import { GROUP_READ_ALL, importExistingInstallation, USER_READ_ALL } from "../constructs";
import { EXAMPLE_TENANT_ID, site } from "../test-support/synth-site";
import { ProviderDoubles, TerraformWorkspace, describeWithTerraform } from "../test-support/terraform-harness";

function synthWithImports(existing: ExistingInstallation): Record<string, unknown> {
  const app = Testing.app({ stackTraces: false });
  const stack = new SiteStack(app, "miradore-test", { site: site() });
  importExistingInstallation(stack, existing);
  return JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
}

describeWithTerraform("taking over an existing installation under Terraform (provider doubles)", () => {
  // An installation made outside this stack's state (here by an earlier, forgotten Terraform run, so the fake
  // directory holds complete objects), then taken over with `existing`: the plan imports the app, its service
  // principal and both consents instead of creating them, and the earlier secrets are left alone.
  test("imports the app, service principal and consent, creates no duplicates and keeps the old secrets", async () => {
    const doubles = await ProviderDoubles.start();
    const plain = JSON.parse(
      Testing.synth(new SiteStack(Testing.app({ stackTraces: false }), "miradore-test", { site: site() })),
    );
    const earlier = TerraformWorkspace.create(doubles, plain);
    const takeover = (existing: ExistingInstallation) => TerraformWorkspace.create(doubles, synthWithImports(existing));
    let workspace: TerraformWorkspace | undefined;
    try {
      await earlier.init();
      await earlier.plan();
      await earlier.apply();

      const before = doubles.tenant(EXAMPLE_TENANT_ID);
      const app = Object.values(before.applications)[0]!;
      const sp = Object.values(before.servicePrincipals).find((p) => p.appId === app.appId)!;
      const graph = Object.values(before.servicePrincipals).find((p) => p.builtIn)!;
      const assignment = (roleId: string) => before.appRoleAssignments.find((a) => a.appRoleId === roleId)!.id;
      const existing: ExistingInstallation = {
        applicationObjectId: app.objectId,
        servicePrincipalObjectId: sp.objectId,
        consent: {
          graphServicePrincipalObjectId: graph.objectId,
          assignmentIds: {
            "User.Read.All": assignment(USER_READ_ALL.id),
            "Group.Read.All": assignment(GROUP_READ_ALL.id),
          },
        },
      };
      const oldKeyIds = app.passwordCredentials.map((c) => c.keyId).sort();

      workspace = takeover(existing);
      await workspace.init();
      const plan = await workspace.plan();
      const byType = (type: string) => (plan.resource_changes ?? []).filter((c) => c.type === type);
      for (const type of ["azuread_application", "azuread_service_principal", "azuread_app_role_assignment"]) {
        for (const change of byType(type)) {
          expect({
            address: change.address,
            importing: Boolean((change.change as { importing?: unknown }).importing),
            create: change.change.actions.includes("create"),
          }).toEqual({
            address: change.address,
            importing: true,
            create: false,
          });
        }
      }
      expect(byType("azuread_app_role_assignment")).toHaveLength(2);
      await workspace.apply();

      const after = doubles.tenant(EXAMPLE_TENANT_ID);
      expect(Object.keys(after.applications)).toEqual([app.objectId]);
      expect(
        Object.values(after.servicePrincipals)
          .filter((p) => !p.builtIn)
          .map((p) => p.objectId),
      ).toEqual([sp.objectId]);
      expect(after.appRoleAssignments.map((a) => a.id).sort()).toEqual(
        Object.values(existing.consent!.assignmentIds).sort(),
      );
      const keyIds = after.applications[app.objectId]!.passwordCredentials.map((c) => c.keyId);
      expect(keyIds).toEqual(expect.arrayContaining(oldKeyIds));
      expect(keyIds).toHaveLength(oldKeyIds.length + 2);
    } finally {
      earlier.remove();
      workspace?.remove();
      await doubles.stop();
    }
  }, 120_000);
});
