// Taking over a Miradore app made by hand: the `import` blocks (ids and targets) importExistingInstallation adds, the
// guard on the Graph service principal's id and the config fragment's errors. The takeover through Terraform itself:
// existing-installation.terraform.test.ts.
import { Testing } from "cdktf";
import { ExistingInstallation, existingInstallationSchema } from "../config/existing-installation-schema";
import { describeIssue } from "../config/load-config";
import { formatPath } from "../config/config-error";
import { SiteStack } from "../app/site-stack";
import { importExistingInstallation } from "../constructs";
import { describeWithProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import { site, type StackJson } from "../test-support/synth-site";

const APP_OBJECT_ID = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SP_OBJECT_ID = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const GRAPH_SP_OBJECT_ID = "8c3d4e5f-6a7b-4c8d-ae9f-1a2b3c4d5e6f";
const USER_READ_ASSIGNMENT = "Ki3dLdTXb0ySTtXFbY3sR1M1RfQ0sUFJpFy0TnVRxWw";
const GROUP_READ_ASSIGNMENT = "Ki3dLdTXb0ySTtXFbY3sR0n5OiJrGmtCt4iHqzIwZnA";

const EXISTING: ExistingInstallation = {
  applicationObjectId: APP_OBJECT_ID,
  servicePrincipalObjectId: SP_OBJECT_ID,
  consent: {
    graphServicePrincipalObjectId: GRAPH_SP_OBJECT_ID,
    assignmentIds: { "User.Read.All": USER_READ_ASSIGNMENT, "Group.Read.All": GROUP_READ_ASSIGNMENT },
  },
};

interface ImportBlock {
  id: string;
  to: string;
  provider?: string;
}

function synthWithImports(existing: ExistingInstallation, settings: Record<string, unknown> = {}) {
  const app = Testing.app({ stackTraces: false });
  const stack = new SiteStack(app, "miradore-test", { site: site(settings) });
  importExistingInstallation(stack, existing);
  return JSON.parse(Testing.synth(stack)) as StackJson & { import?: ImportBlock[] };
}

/** `type.name` of the resource whose configuration satisfies `match`. */
function addressOf(json: StackJson, type: string, match: (body: Record<string, any>) => boolean): string {
  const names = Object.entries(json.resource[type] ?? {})
    .filter(([, body]) => match(body))
    .map(([name]) => name);
  if (names.length !== 1) throw new Error(`expected one ${type} matching, found ${names.length}`);
  return `${type}.${names[0]}`;
}

describe("importExistingInstallation", () => {
  const json = synthWithImports(EXISTING);
  const assignment = (appRoleId: string) =>
    addressOf(json, "azuread_app_role_assignment", (body) => body.app_role_id === appRoleId);

  test("imports the app registration, its service principal and both consent assignments, with the provider's id formats", () => {
    expect(json.import).toEqual([
      { id: `/applications/${APP_OBJECT_ID}`, to: addressOf(json, "azuread_application", () => true) },
      { id: `/servicePrincipals/${SP_OBJECT_ID}`, to: addressOf(json, "azuread_service_principal", () => true) },
      {
        id: `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo/${USER_READ_ASSIGNMENT}`,
        to: assignment("df021288-bdef-4463-88db-98f22de89214"),
      },
      {
        id: `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo/${GROUP_READ_ASSIGNMENT}`,
        to: assignment("5b567255-7703-4780-807c-7be8301ae99b"),
      },
    ]);
  });

  test("fails the plan of an imported assignment when the configured Graph service principal is not this tenant's", () => {
    const graphName = Object.keys(json.data.azuread_service_principal!)[0];
    const body =
      json.resource.azuread_app_role_assignment![assignment("df021288-bdef-4463-88db-98f22de89214").split(".")[1]!]!;
    expect(body.lifecycle.precondition).toEqual([
      {
        condition: `\${(data.azuread_service_principal.${graphName}.object_id == "${GRAPH_SP_OBJECT_ID}")}`,
        error_message: expect.stringContaining(
          `existing.consent.graphServicePrincipalObjectId is "${GRAPH_SP_OBJECT_ID}"`,
        ),
      },
    ]);
  });

  test("leaves the hand-made client secret alone: no password is imported, and the app's password block stays unset", () => {
    expect(json.import!.filter((block) => block.to.startsWith("azuread_application_password."))).toEqual([]);
    expect(Object.values(json.resource.azuread_application!)[0]!.password).toBeUndefined();
  });

  test("changes nothing else: the same resources as a fresh deploy", () => {
    const fresh = JSON.parse(
      Testing.synth(new SiteStack(Testing.app({ stackTraces: false }), "miradore-test", { site: site() })),
    ) as StackJson;
    expect(Object.keys(json.resource).sort()).toEqual(Object.keys(fresh.resource).sort());
    for (const type of Object.keys(fresh.resource))
      expect(Object.keys(json.resource[type]!)).toEqual(Object.keys(fresh.resource[type]!));
  });

  test("imports only the app and service principal when consent was never granted by hand", () => {
    const json = synthWithImports({ applicationObjectId: APP_OBJECT_ID, servicePrincipalObjectId: SP_OBJECT_ID });
    expect(json.import!.map((block) => block.id)).toEqual([
      `/applications/${APP_OBJECT_ID}`,
      `/servicePrincipals/${SP_OBJECT_ID}`,
    ]);
    for (const body of Object.values(json.resource.azuread_app_role_assignment!))
      expect(body.lifecycle).toBeUndefined();
  });

  test("imports only the listed assignments; the others are created", () => {
    const json = synthWithImports({
      ...EXISTING,
      consent: {
        graphServicePrincipalObjectId: GRAPH_SP_OBJECT_ID,
        assignmentIds: { "User.Read.All": USER_READ_ASSIGNMENT },
      },
    });
    expect(json.import!.filter((block) => block.to.startsWith("azuread_app_role_assignment."))).toHaveLength(1);
  });

  test("fails when an assignment is given for a permission the site does not request", () => {
    expect(() => synthWithImports(EXISTING, { groupFiltering: false })).toThrow(
      `existing.consent.assignmentIds.Group.Read.All is "${GROUP_READ_ASSIGNMENT}", but the site does not request Group.Read.All (it requests User.Read.All)`,
    );
  });
});

describe("the existing-installation configuration", () => {
  /** Problems as the configuration loader words them, paths relative to `existing`. */
  const problemsOf = (value: unknown): string[] => {
    const result = existingInstallationSchema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error("accepted");
    return result.error.issues.map((issue) => describeIssue(issue, (path) => formatPath(["existing", ...path])));
  };

  test("accepts the documented shape", () => {
    expect(existingInstallationSchema.parse(EXISTING)).toEqual(EXISTING);
  });

  test.each([
    [
      "an application client id where the object id belongs",
      { ...EXISTING, applicationObjectId: "Miradore MDM" },
      'existing.applicationObjectId is "Miradore MDM", but must be a GUID (the object id of the app registration',
    ],
    [
      "a missing service principal object id",
      { ...EXISTING, servicePrincipalObjectId: undefined },
      "existing.servicePrincipalObjectId is missing, but must be a GUID",
    ],
    [
      "an app role id where the assignment id belongs",
      {
        ...EXISTING,
        consent: { ...EXISTING.consent, assignmentIds: { "User.Read.All": "df021288-bdef-4463-88db-98f22de89214" } },
      },
      'existing.consent.assignmentIds.User.Read.All is "df021288-bdef-4463-88db-98f22de89214", but must be the assignment\'s own id, not a GUID',
    ],
    [
      "an assignment id with a slash",
      { ...EXISTING, consent: { ...EXISTING.consent, assignmentIds: { "User.Read.All": "/servicePrincipals/x" } } },
      "must be an app role assignment id: letters, digits",
    ],
    [
      "consent without the Graph service principal",
      { ...EXISTING, consent: { assignmentIds: {} } },
      "existing.consent.graphServicePrincipalObjectId is missing, but must be a GUID",
    ],
    [
      "a permission this project does not know",
      { ...EXISTING, consent: { ...EXISTING.consent, assignmentIds: { "Mail.Read": "abc" } } },
      'existing.consent.assignmentIds.Mail.Read is "abc", but Mail.Read is not a known setting here',
    ],
    [
      "an unknown key",
      { ...EXISTING, clientSecret: "x" },
      'existing.clientSecret is "x", but clientSecret is not a known setting here',
    ],
  ])("rejects %s", (_, value, expected) => {
    expect(problemsOf(value).join("\n")).toContain(expected);
  });
});

describeWithProviderSchemas("a stack with imports against the real provider schemas", (schemas) => {
  test("has no schema problems", () => {
    expect(validateTerraformJson(synthWithImports(EXISTING), schemas)).toEqual([]);
  });
});
