import { Application, ApplicationConfig } from "@cdktf/provider-azuread/lib/application";
import { ApplicationApiAccess } from "@cdktf/provider-azuread/lib/application-api-access";
import { ApplicationOwner } from "@cdktf/provider-azuread/lib/application-owner";
import { ApplicationPasswordA, ApplicationPasswordAConfig } from "@cdktf/provider-azuread/lib/application-password";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { DataAzureadServicePrincipal } from "@cdktf/provider-azuread/lib/data-azuread-service-principal";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { Rotating } from "@cdktf/provider-time/lib/rotating";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Aspects, Fn, TerraformLocal, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { durationHours } from "../constructs/policy/private/terraform-duration";
import {
  GROUP_READ_ALL,
  MICROSOFT_GRAPH_APP_ID,
  MiradorePolicyChecks,
  MiradorePolicyChecksProps,
  PolicyFinding,
  USER_READ_ALL,
} from "../constructs";

// Each rule against the smallest stack that trips it, and one that passes. Stacks are built with the provider
// classes, so the rules see exactly the Terraform JSON cdktf writes.

const DIRECTORY_READ_WRITE_ALL = "19dbc75e-c2e2-444c-a770-ec69d8559fc7";
const EXCHANGE_ONLINE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
const OWNER = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";

// Testing.synth writes nothing, but every App makes its outdir: share one, removed afterwards.
const outdir = mkdtempSync(join(tmpdir(), "policy-rules-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface Built {
  readonly stack: TerraformStack;
  readonly app: Application;
  readonly rotation: Rotating;
}

/** A stack with one app that passes every rule; `build` adds to it or changes it. */
function findings(
  build: (built: Built) => void = () => undefined,
  options: { app?: Partial<ApplicationConfig>; props?: MiradorePolicyChecksProps } = {},
): PolicyFinding[] {
  const stack = new TerraformStack(Testing.app({ outdir }), "test");
  new AzureadProvider(stack, "azuread", {});
  new TimeProvider(stack, "time", {});
  const app = new Application(stack, "app", {
    displayName: "Miradore MDM",
    signInAudience: "AzureADMyOrg",
    owners: [OWNER],
    requiredResourceAccess: [
      {
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        resourceAccess: [USER_READ_ALL, GROUP_READ_ALL].map((role) => ({ id: role.id, type: "Role" })),
      },
    ],
    ...options.app,
  });
  const rotation = new Rotating(stack, "rotation", { rotationDays: 120 });
  build({ stack, app, rotation });
  const checks = new MiradorePolicyChecks({ log: () => undefined, ...options.props });
  Aspects.of(stack).add(checks);
  Testing.synth(stack, true);
  return checks.findings;
}

const of = (ruleId: string, all: PolicyFinding[]) => all.filter((finding) => finding.ruleId === ruleId);

const password = (built: Built, config: Partial<ApplicationPasswordAConfig> = {}) =>
  new ApplicationPasswordA(built.stack, "password", {
    applicationId: built.app.id,
    endDate: Fn.timeadd(built.rotation.rfc3339, "4320h"),
    ...config,
  });

test("the baseline stack breaks no rule", () => {
  expect(findings((built) => password(built))).toEqual([]);
});

describe("MIR-GRAPH-1: Graph application permissions within the allowlist", () => {
  test("passes for User.Read.All and Group.Read.All", () => {
    expect(of("MIR-GRAPH-1", findings())).toEqual([]);
  });

  test("fails when the app requests a Graph app role outside the allowlist", () => {
    const [finding, ...rest] = of(
      "MIR-GRAPH-1",
      findings(undefined, {
        app: {
          requiredResourceAccess: [
            { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: [{ id: DIRECTORY_READ_WRITE_ALL, type: "Role" }] },
          ],
        },
      }),
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ level: "error", path: "test/app" });
    expect(finding!.detail).toContain(
      `requests Microsoft Graph app role "${DIRECTORY_READ_WRITE_ALL}", outside the allowlist (User.Read.All, Group.Read.All)`,
    );
  });

  test("fails when the configured allowlist is narrower than what the app requests", () => {
    const found = of("MIR-GRAPH-1", findings(undefined, { props: { allowedGraphAppRoles: [USER_READ_ALL] } }));
    expect(found.map((f) => f.detail)).toEqual([
      `required_resource_access[0] requests Microsoft Graph Group.Read.All (${GROUP_READ_ALL.id}), outside the allowlist (User.Read.All)`,
    ]);
  });

  test("fails when the app requests permissions of another API", () => {
    const found = of(
      "MIR-GRAPH-1",
      findings(undefined, {
        app: {
          requiredResourceAccess: [
            { resourceAppId: EXCHANGE_ONLINE_APP_ID, resourceAccess: [{ id: DIRECTORY_READ_WRITE_ALL, type: "Role" }] },
          ],
        },
      }),
    );
    expect(found[0]?.detail).toContain(
      `requests permissions of API ${EXCHANGE_ONLINE_APP_ID}, but only Microsoft Graph`,
    );
  });

  test("fails when the API id is an expression it cannot check", () => {
    const found = of(
      "MIR-GRAPH-1",
      findings(({ app }) => app.addOverride("required_resource_access.0.resource_app_id", "${var.api}")),
    );
    expect(found[0]?.detail).toContain(
      'required_resource_access[0].resource_app_id is "${var.api}", but must be a literal API id',
    );
  });

  test("fails when the whole permission list is an expression it cannot check", () => {
    const found = of(
      "MIR-GRAPH-1",
      findings(({ app }) => app.addOverride("required_resource_access", "${var.access}")),
    );
    expect(found[0]?.detail).toBe(
      "required_resource_access lists its permissions as an expression, but must list literal ids so the policy can check them",
    );
  });

  test("fails when azuread_application_api_access requests a role outside the allowlist, passes within it", () => {
    const access = (roleIds: string[]) => (built: Built) =>
      new ApplicationApiAccess(built.stack, "access", {
        applicationId: built.app.id,
        apiClientId: MICROSOFT_GRAPH_APP_ID,
        roleIds,
      });
    expect(of("MIR-GRAPH-1", findings(access([DIRECTORY_READ_WRITE_ALL]))).map((f) => f.path)).toEqual(["test/access"]);
    expect(of("MIR-GRAPH-1", findings(access([USER_READ_ALL.id])))).toEqual([]);
  });

  test("fails when consent grants a Graph app role outside the allowlist, passes within it", () => {
    const consent = (appRoleId: string) => (built: Built) => {
      const graph = new DataAzureadServicePrincipal(built.stack, "graph", { clientId: MICROSOFT_GRAPH_APP_ID });
      new AppRoleAssignment(built.stack, "grant", {
        appRoleId,
        principalObjectId: OWNER,
        resourceObjectId: graph.objectId,
      });
    };
    const found = of("MIR-GRAPH-1", findings(consent(DIRECTORY_READ_WRITE_ALL)));
    expect(found.map((f) => [f.path, f.detail])).toEqual([
      [
        "test/grant",
        `grants Microsoft Graph app role "${DIRECTORY_READ_WRITE_ALL}", outside the allowlist (User.Read.All, Group.Read.All)`,
      ],
    ]);
    expect(of("MIR-GRAPH-1", findings(consent(GROUP_READ_ALL.id)))).toEqual([]);
  });
});

describe("MIR-GRAPH-2: app roles, not delegated scopes", () => {
  test("passes for app roles (type Role)", () => {
    expect(of("MIR-GRAPH-2", findings())).toEqual([]);
  });

  test("fails when the app requests a delegated scope (type Scope)", () => {
    const userRead = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"; // User.Read, delegated
    const found = of(
      "MIR-GRAPH-2",
      findings(undefined, {
        app: {
          requiredResourceAccess: [
            { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: [{ id: userRead, type: "Scope" }] },
          ],
        },
      }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: "error", path: "test/app" });
    expect(found[0]!.detail).toContain(
      `"${userRead}" of API "${MICROSOFT_GRAPH_APP_ID}" with type "Scope", but must use type "Role"`,
    );
  });

  test("fails when azuread_application_api_access lists scope ids", () => {
    const found = of(
      "MIR-GRAPH-2",
      findings(
        (built) =>
          new ApplicationApiAccess(built.stack, "access", {
            applicationId: built.app.id,
            apiClientId: MICROSOFT_GRAPH_APP_ID,
            scopeIds: ["e1fe6dd8-ba31-4d61-89e7-88639da4683d"],
          }),
      ),
    );
    expect(found.map((f) => f.path)).toEqual(["test/access"]);
  });
});

describe("MIR-APP-1: single tenant", () => {
  test("passes for AzureADMyOrg, and when left to the provider's default (AzureADMyOrg)", () => {
    expect(of("MIR-APP-1", findings())).toEqual([]);
    expect(of("MIR-APP-1", findings(undefined, { app: { signInAudience: undefined } }))).toEqual([]);
  });

  test("fails for any other sign-in audience", () => {
    const found = of("MIR-APP-1", findings(undefined, { app: { signInAudience: "AzureADMultipleOrgs" } }));
    expect(found.map((f) => [f.path, f.detail])).toEqual([
      ["test/app", 'sign_in_audience is "AzureADMultipleOrgs", but must be "AzureADMyOrg" (single tenant)'],
    ]);
  });
});

describe("MIR-APP-2: owners", () => {
  test("passes with owners, or with an azuread_application_owner for the app", () => {
    expect(of("MIR-APP-2", findings())).toEqual([]);
    const ownedBySeparateResource = findings(
      (built) => new ApplicationOwner(built.stack, "owner", { applicationId: built.app.id, ownerObjectId: OWNER }),
      { app: { owners: undefined } },
    );
    expect(of("MIR-APP-2", ownedBySeparateResource)).toEqual([]);
  });

  test("fails when the app has no owners", () => {
    for (const owners of [undefined, []]) {
      const found = of("MIR-APP-2", findings(undefined, { app: { owners } }));
      expect(found.map((f) => f.path)).toEqual(["test/app"]);
      expect(found[0]!.detail).toMatch(
        /^owners is (not set|\[\]) and no azuread_application_owner names this application/,
      );
    }
  });
});

describe("MIR-SEC-1: explicit end date", () => {
  test("passes with an explicit end_date", () => {
    expect(
      of(
        "MIR-SEC-1",
        findings((built) => password(built)),
      ),
    ).toEqual([]);
  });

  test("fails when a password has no end_date", () => {
    const found = of(
      "MIR-SEC-1",
      findings((built) => password(built, { endDate: undefined })),
    );
    expect(found.map((f) => [f.path, f.detail])).toEqual([
      ["test/password", "end_date is not set, but must be set explicitly"],
    ]);
  });

  test("fails when a password uses end_date_relative", () => {
    const found = of(
      "MIR-SEC-1",
      findings((built) => password(built, { endDate: undefined, endDateRelative: "4320h" })),
    );
    expect(found[0]?.detail).toBe('end_date_relative is "4320h", but the end must be an explicit end_date');
  });

  test("fails when an application's inline password block has no end_date", () => {
    const found = of("MIR-SEC-1", findings(undefined, { app: { password: { displayName: "inline" } } }));
    expect(found.map((f) => [f.path, f.detail])).toEqual([
      ["test/app", "password block: end_date is not set, but must be set explicitly"],
    ]);
  });
});

describe("MIR-SEC-2: lifetime within the maximum", () => {
  test("passes at exactly the maximum", () => {
    expect(
      of(
        "MIR-SEC-2",
        findings((built) => password(built), { props: { maxSecretLifetimeDays: 180 } }),
      ),
    ).toEqual([]);
  });

  test("fails one day over the configured maximum", () => {
    const found = of(
      "MIR-SEC-2",
      findings((built) => password(built), { props: { maxSecretLifetimeDays: 179 } }),
    );
    expect(found.map((f) => [f.path, f.detail])).toEqual([
      ["test/password", "the secret is valid 180 days after it is made, but may be valid at most 179 days"],
    ]);
  });

  test("fails over the default maximum of 730 days, adding up nested timeadds and mixed units", () => {
    const nested = (built: Built) =>
      password(built, { endDate: Fn.timeadd(Fn.timeadd(built.rotation.rfc3339, "8760h"), "8784h1m") });
    const found = of("MIR-SEC-2", findings(nested));
    expect(found[0]?.detail).toBe("the secret is valid 731 days after it is made, but may be valid at most 730 days");
  });

  test("fails when end_date_relative is longer than the maximum", () => {
    const found = of(
      "MIR-SEC-2",
      findings((built) => password(built, { endDate: undefined, endDateRelative: "17544h" })),
    );
    expect(found.map((f) => f.path)).toEqual(["test/password"]);
  });

  test("reads Go durations as Terraform's timeadd does", () => {
    expect(durationHours("4320h")).toBe(4320);
    expect(durationHours("1h30m")).toBe(1.5);
    expect(durationHours("-90m")).toBe(-1.5);
    expect(durationHours("180d")).toBeUndefined();
    expect(durationHours("")).toBeUndefined();
  });
});

describe("MIR-SEC-3: lifetime that cannot be judged at synth time", () => {
  test("passes (stays silent) for timeadd of a time_rotating's creation time", () => {
    expect(
      of(
        "MIR-SEC-3",
        findings((built) => password(built)),
      ),
    ).toEqual([]);
  });

  test("warns for a literal RFC 3339 end date", () => {
    const found = of(
      "MIR-SEC-3",
      findings((built) => password(built, { endDate: "2030-01-01T00:00:00Z" })),
    );
    expect(found.map((f) => [f.level, f.path, f.detail])).toEqual([
      [
        "warning",
        "test/password",
        'end_date is the literal date "2030-01-01T00:00:00Z", so its lifetime depends on when it is created',
      ],
    ]);
  });

  test("warns when the base time is set (so not the creation time), and MIR-SEC-2 then does not guess", () => {
    const all = findings((built) => {
      const fixed = new Rotating(built.stack, "fixed", { rotationDays: 1, rfc3339: "2040-01-01T00:00:00Z" });
      password(built, { endDate: Fn.timeadd(fixed.rfc3339, "24h") });
    });
    expect(of("MIR-SEC-3", all).map((f) => f.path)).toEqual(["test/password"]);
    expect(of("MIR-SEC-2", all)).toEqual([]);
  });
});

describe("MIR-SEC-4: secrets only in sensitive outputs", () => {
  const output =
    (value: (built: Built, secret: ApplicationPasswordA) => string, sensitive: boolean) => (built: Built) => {
      const secret = password(built);
      new TerraformOutput(built.stack, "out", { value: value(built, secret), sensitive });
    };

  test("passes for a sensitive output of the secret, and a non-sensitive output of its key id", () => {
    expect(of("MIR-SEC-4", findings(output((_, secret) => secret.value, true)))).toEqual([]);
    expect(of("MIR-SEC-4", findings(output((_, secret) => secret.keyId, false)))).toEqual([]);
  });

  test("fails when a non-sensitive output is the secret", () => {
    const found = of("MIR-SEC-4", findings(output((_, secret) => secret.value, false)));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: "error", path: "test/out" });
    expect(found[0]!.detail).toMatch(
      /^output "out" is not sensitive, but its value reads azuread_application_password\.password\.value; set sensitive: true$/,
    );
  });

  test("fails when a non-sensitive output is computed from the secret", () => {
    const found = of("MIR-SEC-4", findings(output((_, secret) => Fn.base64encode(secret.value), false)));
    expect(found.map((f) => f.path)).toEqual(["test/out"]);
  });

  test("fails when a non-sensitive output reads the secret through locals", () => {
    const viaLocals = output((built, secret) => {
      const inner = new TerraformLocal(built.stack, "inner", Fn.upper(secret.value));
      return new TerraformLocal(built.stack, "outer", `prefix-${inner.asString}`).asString;
    }, false);
    const found = of("MIR-SEC-4", findings(viaLocals));
    expect(found[0]?.detail).toContain("reads local.outer → local.inner → azuread_application_password.password.value");
  });

  test("fails when a non-sensitive output reads an application's inline password", () => {
    const found = of(
      "MIR-SEC-4",
      findings((built) => new TerraformOutput(built.stack, "out", { value: built.app.password.value }), {
        app: { password: { displayName: "inline", endDate: "2030-01-01T00:00:00Z" } },
      }),
    );
    expect(found[0]?.detail).toContain("reads azuread_application.app.password");
  });
});
