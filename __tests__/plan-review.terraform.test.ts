// The plan review on plans of our own stack that real Terraform writes through the provider doubles, in the order a
// site lives through them: the first deploy (User.Read.All only), Group.Read.All added, a scheduled rotation of slot A
// and a destroy. Each review must put the identity-critical changes first and right, count what the plan does, and
// never show a client secret, although the plans after the first deploy carry them (marked sensitive).
import { GROUP_READ_ALL, USER_READ_ALL } from "../constructs";
import {
  describeWithTerraform,
  effectiveChanges,
  ProviderDoubles,
  stateResources,
  TerraformWorkspace,
  type PlanJson,
  type StateResource,
} from "../test-support/terraform-harness";
import { EXAMPLE_TENANT_ID, site, synthSite, type StackJson } from "../test-support/synth-site";
import { renderPlanReview } from "../tools/plan-review/index";

const START = new Date("2026-03-01T09:00:00Z");
const DAY_MS = 86_400_000;
const STACK = "miradore-test";
const SCENARIOS = ["first deploy", "permission added", "rotation", "destroy"] as const;
type Scenario = (typeof SCENARIOS)[number];

/** The stack's Terraform JSON without its backend: state stays in the workspace (as TerraformWorkspace.create does). */
function stackConfig(groupFiltering: boolean): Record<string, unknown> {
  const json: StackJson = synthSite(site({ groupFiltering })).json;
  const { backend: _backend, ...terraform } = json.terraform;
  return { ...json, terraform };
}

/** The text from the `#### heading` line to the next heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n#### ${heading}`);
  if (start < 0) throw new Error(`no section "${heading}" in:\n${markdown}`);
  const end = markdown.indexOf("\n#### ", start + 1);
  return markdown.slice(start + 1, end < 0 ? undefined : end);
}

/** Headings of the sections, in order. */
const headings = (markdown: string) => markdown.split("\n").filter((line) => line.startsWith("#### "));

/** The bullet of one resource change: its `- address` line and the indented lines under it. */
function changeBullet(markdown: string, address: string): string {
  const lines = markdown.split("\n");
  const first = lines.findIndex((line) => line.startsWith(`- \`${address}\``));
  if (first < 0) throw new Error(`no bullet for ${address} in:\n${markdown}`);
  const rest = lines.slice(first + 1);
  const end = rest.findIndex((line) => !line.startsWith("  "));
  return [lines[first], ...rest.slice(0, end < 0 ? undefined : end)].join("\n");
}

/** Managed resource changes of the plan, counted the way the review's summary line counts them. */
function expectedSummary(plan: PlanJson): string {
  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  for (const { mode, change } of plan.resource_changes ?? []) {
    if (mode !== "managed") continue;
    const actions = change.actions.join(",");
    if (actions === "create") counts.add += 1;
    else if (actions === "update") counts.change += 1;
    else if (actions === "delete") counts.destroy += 1;
    else if (actions === "create,delete" || actions === "delete,create") counts.replace += 1;
  }
  return `**Plan: ${counts.add} to add, ${counts.change} to change, ${counts.replace} to replace, ${counts.destroy} to destroy.**`;
}

/** [address, actions] of every change that does something, sorted. */
const effectiveActions = (plan: PlanJson) =>
  effectiveChanges(plan)
    .map((c) => [c.address, c.change.actions.join(",")])
    .sort();

/** Managed resources of `type` in a state (data sources share type names with resources). */
const byType = (resources: Record<string, StateResource>, type: string) =>
  Object.values(resources).filter((r) => r.mode === "managed" && r.type === type);

describeWithTerraform("the plan review on our stack's plans, written by Terraform through the provider doubles", () => {
  let doubles: ProviderDoubles;
  let workspace: TerraformWorkspace;
  const plans = {} as Record<Scenario, PlanJson>;
  const reviews = {} as Record<Scenario, string>;
  /** State before the rotation, and after it. */
  let applied: Record<string, StateResource>;
  let rotated: Record<string, StateResource>;
  /** Every client secret value Terraform has held, from the state after each apply. */
  const secrets = new Set<string>();
  /** Key ids of every password credential the fake directory has held, with the hint Graph keeps of its value. */
  const directoryCredentials = new Map<string, string>();

  async function planAndReview(scenario: Scenario, extraArgs: readonly string[] = []): Promise<void> {
    plans[scenario] = await workspace.plan(extraArgs);
    reviews[scenario] = renderPlanReview(plans[scenario], { stack: STACK });
  }

  async function applyAndCollect(): Promise<Record<string, StateResource>> {
    await workspace.apply();
    const resources = stateResources(await workspace.state());
    for (const password of byType(resources, "azuread_application_password"))
      secrets.add(password.values.value as string);
    for (const app of Object.values(doubles.tenant(EXAMPLE_TENANT_ID).applications)) {
      for (const credential of app.passwordCredentials) directoryCredentials.set(credential.keyId, credential.hint);
    }
    return resources;
  }

  beforeAll(async () => {
    doubles = await ProviderDoubles.start({ now: START });
    workspace = TerraformWorkspace.create(doubles, stackConfig(false));
    await workspace.init();
    await planAndReview("first deploy");
    await applyAndCollect();

    workspace.writeConfig(stackConfig(true));
    await planAndReview("permission added");
    applied = await applyAndCollect();

    // Slot A rotates 2 × rotationIntervalDays after it was made: its time_rotating says when.
    const slotARotation = byType(applied, "time_rotating").find((r) => r.address.includes("slot-a"))!;
    doubles.setClock(new Date(Date.parse(slotARotation.values.rotation_rfc3339 as string) + 60_000));
    await planAndReview("rotation");
    rotated = await applyAndCollect();

    await planAndReview("destroy", ["-destroy"]);
  }, 60_000);

  afterAll(async () => {
    workspace?.remove();
    await doubles?.stop();
  });

  const address = (resources: Record<string, StateResource>, type: string, part = "") =>
    byType(resources, type).find((r) => r.address.includes(part))!.address;

  describe.each(SCENARIOS)("%s", (scenario) => {
    test("starts with the stack's marker and the summary line, counted from the plan", () => {
      const lines = reviews[scenario].split("\n");
      expect(lines[0]).toBe(`<!-- miradore-plan-review:${STACK} -->`);
      expect(lines.find((line) => line.startsWith("**"))).toBe(expectedSummary(plans[scenario]));
    });

    test("lists the identity-critical changes before every other section", () => {
      expect(headings(reviews[scenario])[0]).toMatch(/^#### Identity-critical changes \(\d+\)$/);
    });

    test("lists every resource that changes, by address", () => {
      for (const [changed] of effectiveActions(plans[scenario]))
        expect(reviews[scenario]).toContain(`- \`${changed}\` will be`);
    });

    test("shows no client secret value", () => {
      const markdown = reviews[scenario];
      expect([...secrets].filter((secret) => markdown.includes(secret))).toEqual([]);
    });
  });

  test("knows every secret: each password credential of the fake directory matches a value from the state", () => {
    const stateValues = [...Object.values(applied), ...Object.values(rotated)]
      .filter((r) => r.type === "azuread_application_password")
      .map((r) => [r.values.key_id, r.values.value as string] as const);
    expect(directoryCredentials.size).toBe(3);
    for (const [keyId, hint] of directoryCredentials) {
      const value = stateValues.find(([stateKeyId]) => stateKeyId === keyId)?.[1];
      expect({ keyId, valueStartsWithHint: value?.startsWith(hint) }).toEqual({ keyId, valueStartsWithHint: true });
    }
    expect(secrets.size).toBe(3);
  });

  test("the plans after the first deploy do carry the secrets the reviews leave out", () => {
    for (const scenario of ["permission added", "rotation", "destroy"] as const) {
      const planText = JSON.stringify(plans[scenario]);
      expect({ scenario, carriesASecret: [...secrets].some((secret) => planText.includes(secret)) }).toEqual({
        scenario,
        carriesASecret: true,
      });
    }
  });

  describe("first deploy", () => {
    test("plans the app, its service principal, one consent, two passwords and their schedules", () => {
      expect(
        effectiveActions(plans["first deploy"]).map(([changed, actions]) => [changed!.split(".")[0], actions]),
      ).toEqual([
        ["azuread_app_role_assignment", "create"],
        ["azuread_application", "create"],
        ["azuread_application_password", "create"],
        ["azuread_application_password", "create"],
        ["azuread_service_principal", "create"],
        ["terraform_data", "create"],
        ["time_rotating", "create"],
        ["time_rotating", "create"],
      ]);
      expect(reviews["first deploy"]).toContain("**Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy.**");
    });

    test("flags the new app, its service principal, the User.Read.All consent and both secrets, and not the schedules", () => {
      const critical = section(reviews["first deploy"], "Identity-critical changes");
      expect(critical.split("\n")[0]).toBe("#### Identity-critical changes (5)");
      const app = changeBullet(critical, address(applied, "azuread_application"));
      expect(app).toContain("will be **created**");
      expect(app).toContain("A new app registration, sign-in audience `AzureADMyOrg` (accounts in this tenant only).");
      expect(app).toContain(
        `Requests Microsoft Graph application permission **User.Read.All** (\`${USER_READ_ALL.id}\``,
      );
      expect(app).not.toContain("Group.Read.All");
      expect(changeBullet(critical, address(applied, "azuread_service_principal"))).toContain(
        "A new service principal",
      );
      expect(changeBullet(critical, address(applied, "azuread_app_role_assignment", "UserReadAll"))).toContain(
        "Grants admin consent: Microsoft Graph application permission **User.Read.All**",
      );
      for (const slot of ["slot-a", "slot-b"]) {
        expect(changeBullet(critical, address(applied, "azuread_application_password", slot))).toContain(
          "A new client secret (key id _(known after apply)_",
        );
      }
      expect(critical).not.toContain("time_rotating");
      // The schedule record and the two schedules are not identity-critical.
      expect(section(reviews["first deploy"], "Create (3)")).toMatch(
        /^#### Create \(3\)\n\n- `terraform_data\.[^`]*schedule[^`]*` will be \*\*created\*\*\n- `time_rotating\.[^`]*slot-a[^`]*` will be \*\*created\*\*\n- `time_rotating\.[^`]*slot-b/,
      );
    });
  });

  describe("permission added", () => {
    test("plans the app updated in place and the Group.Read.All consent created, nothing else", () => {
      expect(effectiveActions(plans["permission added"])).toEqual([
        [address(applied, "azuread_app_role_assignment", "GroupReadAll"), "create"],
        [address(applied, "azuread_application"), "update"],
      ]);
    });

    test("names Group.Read.All as the permission added, and its consent to our service principal", () => {
      const critical = section(reviews["permission added"], "Identity-critical changes");
      expect(critical.split("\n")[0]).toBe("#### Identity-critical changes (2)");
      const app = changeBullet(critical, address(applied, "azuread_application"));
      expect(app).toContain("will be **updated in place**");
      expect(app).toContain(
        `Requests Microsoft Graph application permission **Group.Read.All** (\`${GROUP_READ_ALL.id}\``,
      );
      // User.Read.All was requested before: it is neither added again nor dropped.
      expect(app).not.toContain("User.Read.All");
      expect(app).not.toContain("No longer requests");

      const servicePrincipal = Object.values(doubles.tenant(EXAMPLE_TENANT_ID).servicePrincipals).find(
        (sp) => !sp.builtIn,
      )!;
      expect(changeBullet(critical, address(applied, "azuread_app_role_assignment", "GroupReadAll"))).toContain(
        `Grants admin consent: Microsoft Graph application permission **Group.Read.All** (\`${GROUP_READ_ALL.id}\`: ` +
          `Read all groups and their memberships without a signed-in user) to the service principal \`${servicePrincipal.objectId}\`.`,
      );
    });
  });

  describe("rotation", () => {
    test("falls due 2 × rotationIntervalDays (the default 60) after the first deploy", () => {
      const slotARotation = byType(applied, "time_rotating").find((r) => r.address.includes("slot-a"))!;
      expect(Date.parse(slotARotation.values.rotation_rfc3339 as string)).toBe(START.getTime() + 120 * DAY_MS);
    });

    test("plans slot A's password replaced create-before-destroy and a new schedule, nothing in slot B", () => {
      expect(effectiveActions(plans.rotation)).toEqual([
        [address(applied, "azuread_application_password", "slot-a"), "create,delete"],
        [address(applied, "time_rotating", "slot-a"), "create"],
      ]);
    });

    test("flags only slot A's secret, replaced create-before-destroy, with the old key id", () => {
      const critical = section(reviews.rotation, "Identity-critical changes");
      expect(critical.split("\n")[0]).toBe("#### Identity-critical changes (1)");
      const oldSlotA = byType(applied, "azuread_application_password").find((r) => r.address.includes("slot-a"))!;
      const bullet = changeBullet(critical, oldSlotA.address);
      expect(bullet).toContain(
        "will be **replaced, creating the new object before destroying the old one (create_before_destroy)**",
      );
      expect(bullet).toContain(
        "The client secret is replaced (a scheduled rotation), **the new one is created before the old one is deleted** (create_before_destroy): " +
          `old key id \`${oldSlotA.values.key_id as string}\`, valid until \`${oldSlotA.values.end_date as string}\``,
      );
      expect(bullet).toContain("`value`: _(sensitive)_ → _(sensitive)_");
      expect(critical).not.toContain(address(applied, "azuread_application_password", "slot-b"));
    });
  });

  describe("destroy", () => {
    test("flags every object as destroyed, in the identity-critical section and nowhere else", () => {
      const markdown = reviews.destroy;
      const critical = section(markdown, "Identity-critical changes");
      const destroyed = effectiveActions(plans.destroy);
      const managed = Object.values(rotated)
        .filter((r) => r.mode === "managed")
        .map((r) => r.address)
        .sort();
      expect(destroyed).toEqual(managed.map((gone) => [gone, "delete"]));
      expect(critical.split("\n")[0]).toBe(`#### Identity-critical changes (${destroyed.length})`);
      for (const [gone] of destroyed) expect(changeBullet(critical, gone!)).toContain("will be **destroyed**");
      expect(
        headings(markdown).filter((h) => !h.startsWith("#### Identity-critical") && !h.startsWith("#### Outputs")),
      ).toEqual([]);
      expect(markdown).toContain(`**Plan: 0 to add, 0 to change, 0 to replace, ${destroyed.length} to destroy.**`);
    });

    test("says what each destroyed Entra object means: the app, its service principal, both consents, both secrets", () => {
      const critical = section(reviews.destroy, "Identity-critical changes");
      expect(changeBullet(critical, address(rotated, "azuread_application"))).toContain(
        "The app registration is deleted",
      );
      expect(changeBullet(critical, address(rotated, "azuread_service_principal"))).toContain(
        "The service principal is deleted",
      );
      for (const [part, role] of [
        ["UserReadAll", "User.Read.All"],
        ["GroupReadAll", "Group.Read.All"],
      ] as const) {
        expect(changeBullet(critical, address(rotated, "azuread_app_role_assignment", part))).toContain(
          `Revokes admin consent: Microsoft Graph application permission **${role}**`,
        );
      }
      // The current secret is named by the apply guard (which refuses this plan), never as a routine deletion; the
      // previous one, handed off long ago, is an ordinary deleted secret.
      const bullets = byType(rotated, "azuread_application_password").map((p) => changeBullet(critical, p.address));
      expect(
        bullets.filter((b) => /Miradore will be disconnected: this plan deletes the current client secret/.test(b)),
      ).toHaveLength(1);
      expect(
        bullets.filter((b) => /The client secret \(key id `[0-9a-f-]{36}`, valid until .*\) is deleted/.test(b)),
      ).toHaveLength(1);
      expect(reviews.destroy.split("\n")[2]).toMatch(
        /^> ⛔ \*\*Refused on apply\.\*\* \*\*Miradore will be disconnected: this plan deletes the /,
      );
    });
  });
});
