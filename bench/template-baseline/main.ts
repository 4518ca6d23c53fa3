// The benchmark's baseline: the one-site Miradore stack written the way a project made by
// `cdktf init --template=typescript` would have it (one file, provider bindings imported from the package roots,
// run by `cdktf synth` through `npx ts-node main.ts`). Same resources, data, locals and outputs as
// cdktf.out/stacks/miradore-example/cdk.tf.json; `npm run bench` checks that before it compares timings.
import { Construct } from "constructs";
import { App, DataResource, Fn, LocalBackend, Op, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import {
  appRoleAssignment,
  application,
  applicationPassword,
  dataAzureadClientConfig,
  dataAzureadServicePrincipal,
  provider as azureadProvider,
  servicePrincipal,
} from "@cdktf/provider-azuread";
import { provider as timeProvider, rotating } from "@cdktf/provider-time";

const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const GRAPH_ROLES = [
  { value: "User.Read.All", id: "df021288-bdef-4463-88db-98f22de89214" },
  { value: "Group.Read.All", id: "5b567255-7703-4780-807c-7be8301ae99b" },
];
const LIFETIME_HOURS = 180 * 24;
const INTERVAL_HOURS = 60 * 24;
const HANDOFF_HOURS = 21 * 24;

class MyStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new azureadProvider.AzureadProvider(this, "azuread", { tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f" });
    new timeProvider.TimeProvider(this, "time", {});
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    const deployer = new dataAzureadClientConfig.DataAzureadClientConfig(this, "deployer");

    const registration = new application.Application(this, "registration", {
      displayName: "Miradore MDM",
      description: "Lets Miradore MDM read users and groups from this directory to import them.",
      notes:
        "Miradore's Microsoft Entra ID connection (user import and group filtering). Managed by Terraform: " +
        "change it in code, not in the portal. Client secrets rotate on a schedule; see the repository's runbook.",
      signInAudience: "AzureADMyOrg",
      owners: [deployer.objectId],
      preventDuplicateNames: true,
      requiredResourceAccess: [
        {
          resourceAppId: MICROSOFT_GRAPH_APP_ID,
          resourceAccess: GRAPH_ROLES.map((role) => ({ id: role.id, type: "Role" })),
        },
      ],
    });
    const sp = new servicePrincipal.ServicePrincipal(this, "service-principal", {
      clientId: registration.clientId,
      owners: [deployer.objectId],
      appRoleAssignmentRequired: false,
      notes: "Service principal of Miradore's Entra ID connection. Managed by Terraform.",
    });

    const graph = new dataAzureadServicePrincipal.DataAzureadServicePrincipal(this, "microsoft-graph", {
      clientId: MICROSOFT_GRAPH_APP_ID,
    });
    graph.addOverride(
      "lifecycle.postcondition",
      GRAPH_ROLES.map((role) => ({
        condition: `\${lookup(self.app_role_ids, "${role.value}", "") == "${role.id}"}`,
        error_message: `Microsoft Graph in this tenant does not publish ${role.value} as app role ${role.id}.`,
      })),
    );
    for (const role of GRAPH_ROLES) {
      new appRoleAssignment.AppRoleAssignment(this, role.value, {
        appRoleId: role.id,
        principalObjectId: sp.objectId,
        resourceObjectId: graph.objectId,
      });
    }

    const rotationA = new rotating.Rotating(this, "slot-a-rotation", { rotationDays: 2 * 60 });
    const rotationB = new rotating.Rotating(this, "slot-b-rotation", {
      rotationRfc3339: Fn.timeadd(rotationA.rotationRfc3339, `${INTERVAL_HOURS}h`),
      lifecycle: { ignoreChanges: ["rotation_rfc3339"] },
    });
    const password = (slot: string, rotation: rotating.Rotating) =>
      new applicationPassword.ApplicationPasswordA(this, `slot-${slot.toLowerCase()}-password`, {
        applicationId: registration.id,
        displayName: `Miradore connection (slot ${slot}, managed by Terraform)`,
        endDate: Fn.timeadd(rotation.rfc3339, `${LIFETIME_HOURS}h`),
        rotateWhenChanged: { rotation: rotation.id },
        lifecycle: { createBeforeDestroy: true },
      });
    // The schedule the secrets are made with, kept in the state (terraform_data), as the template's users write it.
    new DataResource(this, "secret-schedule", {
      input: { lifetime_hours: LIFETIME_HOURS, interval_hours: INTERVAL_HOURS, handoff_hours: HANDOFF_HOURS },
    });
    const passwordA = password("A", rotationA);
    const passwordB = password("B", rotationB);

    const bIsCurrent = new TerraformLocal(
      this,
      "slot-b-is-current",
      Op.eq(Fn.timecmp(rotationB.rotationRfc3339, rotationA.rotationRfc3339), 1),
    );
    const pick = (ifB: string, ifA: string) => Fn.conditional(bIsCurrent.asBoolean, ifB, ifA);

    const output = (name: string, value: string, description: string, sensitive = false) =>
      new TerraformOutput(this, name, { value, description, sensitive });
    output("client_id", registration.clientId, "Miradore: Client ID (Application ID of the app registration).");
    output("tenant_id", deployer.tenantId, "Miradore: Tenant ID (the directory the app is registered in).");
    output("client_secret", pick(passwordB.value, passwordA.value), "Miradore: Client secret (the newest).", true);
    output("client_secret_key_id", pick(passwordB.keyId, passwordA.keyId), "Key id of the newest secret (not secret).");
    output(
      "client_secret_start_date",
      pick(passwordB.startDate, passwordA.startDate),
      "When the newest secret became valid.",
    );
    output("client_secret_end_date", pick(passwordB.endDate, passwordA.endDate), "When the newest secret expires.");
    output(
      "handoff_deadline",
      Fn.timeadd(pick(passwordB.startDate, passwordA.startDate), `${HANDOFF_HOURS}h`),
      "Paste the newest secret into Miradore before this time (its start plus the handoff window).",
    );
    output(
      "next_rotation_date",
      pick(rotationA.rotationRfc3339, rotationB.rotationRfc3339),
      "When the next scheduled run makes a new secret.",
    );
    output("previous_client_secret_key_id", pick(passwordA.keyId, passwordB.keyId), "Key id of the previous secret.");
    output(
      "previous_client_secret_end_date",
      pick(passwordA.endDate, passwordB.endDate),
      "Handoff deadline: Miradore must use the newest secret before the previous one expires.",
    );
    output("graph_permissions", GRAPH_ROLES.map((r) => r.value).join(","), "Graph application permissions granted.");
  }
}

const app = new App();
new MyStack(app, "miradore-example");
app.synth();
