// The plan review on hand-made plans of our own stack's shape (app registration, Graph permissions, admin consent,
// two password slots, time_rotating): identity-critical changes come first, with reasons and permission names.
import { GROUP_READ_ALL, MICROSOFT_GRAPH_APP_ID, USER_READ_ALL } from "../constructs";
import { renderPlanReview } from "../tools/plan-review/index";

const GRAPH_SP_OBJECT_ID = "7c0ae8b2-9a27-4d3f-8f3e-0f6a3c1d2b4e";
const OLD_SECRET = "OLD-SECRET-Zq8~fake.value.for.tests";
const OWNER_A = "11111111-1111-4111-8111-111111111111";
const OWNER_B = "22222222-2222-4222-8222-222222222222";

type Actions = readonly string[];

function resourceChange(
  address: string,
  actions: Actions,
  change: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const [type, name] = address.replace(/^data\./, "").split(".");
  return {
    address,
    mode: address.startsWith("data.") ? "data" : "managed",
    type,
    name,
    provider_name: "registry.terraform.io/hashicorp/azuread",
    change: {
      actions,
      before: null,
      after: null,
      after_unknown: {},
      before_sensitive: false,
      after_sensitive: false,
      ...change,
    },
    ...extra,
  };
}

function plan(resourceChanges: unknown[], extra: Record<string, unknown> = {}) {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: resourceChanges,
    ...extra,
  };
}

function requiredAccess(...roleIds: string[]) {
  return [{ resource_app_id: MICROSOFT_GRAPH_APP_ID, resource_access: roleIds.map((id) => ({ id, type: "Role" })) }];
}

function application(overrides: Record<string, unknown> = {}) {
  return {
    display_name: "Miradore",
    client_id: "3f0c1b6e-5a4d-4c2b-9e8f-7a6b5c4d3e2f",
    sign_in_audience: "AzureADMyOrg",
    owners: [OWNER_A],
    required_resource_access: requiredAccess(USER_READ_ALL.id),
    ...overrides,
  };
}

function password(keyId: string, endDate: string, value: string) {
  return {
    application_id: "/applications/abc",
    display_name: "Miradore slot A",
    key_id: keyId,
    end_date: endDate,
    value,
    rotate_when_changed: { rotation: "2025-01-01T00:00:00Z" },
  };
}

/** The text from `heading` to the next heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`#### ${heading}`);
  if (start < 0) throw new Error(`no section "${heading}" in:\n${markdown}`);
  const end = markdown.indexOf("\n#### ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const review = (p: unknown) => renderPlanReview(p, { stack: "prod" });

describe("a plan that adds Group.Read.All, grants it, rotates slot A and deletes the old app", () => {
  const markdown = review(
    plan(
      [
        resourceChange("azuread_app_role_assignment.group_read_all", ["create"], {
          after: { app_role_id: GROUP_READ_ALL.id, resource_object_id: GRAPH_SP_OBJECT_ID },
          after_unknown: { id: true, principal_object_id: true, principal_display_name: true },
        }),
        resourceChange(
          "azuread_application.legacy",
          ["delete"],
          { before: application({ display_name: "Miradore (old)" }), after: null, before_sensitive: {} },
          { action_reason: "delete_because_no_resource_config" },
        ),
        resourceChange("azuread_application.miradore", ["update"], {
          before: application(),
          after: application({ required_resource_access: requiredAccess(USER_READ_ALL.id, GROUP_READ_ALL.id) }),
          before_sensitive: {},
          after_sensitive: {},
        }),
        resourceChange(
          "azuread_application_password.slot_a",
          ["create", "delete"],
          {
            before: password("aaaaaaaa-0000-4000-8000-000000000001", "2025-07-01T00:00:00Z", OLD_SECRET),
            after: {
              application_id: "/applications/abc",
              display_name: "Miradore slot A",
              rotate_when_changed: { rotation: "2025-06-01T00:00:00Z" },
            },
            after_unknown: {
              id: true,
              key_id: true,
              start_date: true,
              end_date: true,
              value: true,
              rotate_when_changed: {},
            },
            before_sensitive: { value: true, rotate_when_changed: {} },
            after_sensitive: { value: true, rotate_when_changed: {} },
            replace_paths: [["rotate_when_changed"]],
          },
          { action_reason: "replace_because_cannot_update" },
        ),
        resourceChange(
          "data.azuread_service_principal.graph",
          ["read"],
          { after: { client_id: MICROSOFT_GRAPH_APP_ID }, after_unknown: { object_id: true } },
          { action_reason: "read_because_dependency_pending" },
        ),
        resourceChange("time_rotating.slot_a", ["update"], {
          before: { rotation_days: 90, rotation_rfc3339: "2025-06-01T00:00:00Z" },
          after: { rotation_days: 90 },
          after_unknown: { rotation_rfc3339: true },
          before_sensitive: {},
          after_sensitive: {},
        }),
      ],
      {
        output_changes: {
          client_secret: {
            actions: ["update"],
            before: OLD_SECRET,
            after_unknown: true,
            before_sensitive: true,
            after_sensitive: true,
          },
          client_secret_key_id: {
            actions: ["update"],
            before: "aaaaaaaa-0000-4000-8000-000000000001",
            after_unknown: true,
            before_sensitive: false,
            after_sensitive: false,
          },
        },
      },
    ),
  );
  const critical = section(markdown, "Identity-critical changes");

  test("summarizes the counts", () => {
    expect(markdown).toContain("**Plan: 1 to add, 2 to change, 1 to replace, 1 to destroy.**");
  });

  test("lists the four identity-critical changes first", () => {
    expect(critical.startsWith("#### Identity-critical changes (4)")).toBe(true);
    expect(markdown.indexOf("#### Identity-critical changes")).toBe(markdown.indexOf("#### "));
    for (const address of [
      "azuread_app_role_assignment.group_read_all",
      "azuread_application.legacy",
      "azuread_application.miradore",
      "azuread_application_password.slot_a",
    ]) {
      expect(critical).toContain(`- \`${address}\` will be`);
    }
    expect(critical).not.toContain("time_rotating.slot_a");
    expect(critical).not.toContain("data.azuread_service_principal.graph");
  });

  test("names the Graph permission the app starts requesting, and only that one", () => {
    expect(critical).toContain(
      `Requests Microsoft Graph application permission **Group.Read.All** (\`${GROUP_READ_ALL.id}\``,
    );
    expect(critical).not.toMatch(/Requests Microsoft Graph application permission \*\*User\.Read\.All\*\*/);
    // Said in words, so not repeated as a raw before → after value.
    expect(critical).not.toContain("`required_resource_access`:");
  });

  test("names the permission an app role assignment consents to", () => {
    expect(critical).toContain("Grants admin consent: Microsoft Graph application permission **Group.Read.All**");
    expect(critical).toContain("to the service principal _(known after apply)_");
  });

  test("says a password is replaced create-before-destroy, with the old key id and the rotation", () => {
    expect(critical).toContain(
      "will be **replaced, creating the new object before destroying the old one (create_before_destroy)**",
    );
    expect(critical).toContain(
      "The client secret is replaced (a scheduled rotation), **the new one is created before the old one is deleted**",
    );
    expect(critical).toContain(
      "old key id `aaaaaaaa-0000-4000-8000-000000000001`, valid until `2025-07-01T00:00:00Z`; new key id _(known after apply)_",
    );
    expect(critical).toContain("Replacement forced by `rotate_when_changed`.");
    expect(critical).toContain("`value`: _(sensitive)_ → _(sensitive)_");
  });

  test("says an app registration is deleted, and why", () => {
    expect(critical).toContain(
      "- `azuread_application.legacy` will be **destroyed**\n  - Because its configuration was removed.\n  - The app registration is deleted",
    );
  });

  test("lists the rest by action after the identity-critical changes", () => {
    expect(markdown.indexOf("#### Update in place (1)")).toBeGreaterThan(markdown.indexOf("#### Identity-critical"));
    expect(section(markdown, "Update in place")).toContain(
      '- `time_rotating.slot_a` will be **updated in place**\n  - `rotation_rfc3339`: `"2025-06-01T00:00:00Z"` → _(known after apply)_',
    );
    expect(section(markdown, "Read during apply")).toContain("Because a resource it depends on has changes pending.");
  });

  test("never prints the secret, from the resource or from the sensitive output", () => {
    expect(markdown).not.toContain(OLD_SECRET);
    expect(section(markdown, "Outputs")).toContain("- `client_secret` will change from _(sensitive)_ to _(sensitive)_");
    expect(section(markdown, "Outputs")).toContain(
      '- `client_secret_key_id` will change from `"aaaaaaaa-0000-4000-8000-000000000001"` to _(known after apply)_',
    );
  });
});

describe("identity-critical changes", () => {
  test("a first deploy shows the new app's audience and every permission it requests", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["create"], {
          after: application({
            required_resource_access: requiredAccess(USER_READ_ALL.id, GROUP_READ_ALL.id),
            client_id: undefined,
          }),
          after_unknown: { client_id: true, id: true, object_id: true },
        }),
      ]),
    );
    const critical = section(markdown, "Identity-critical changes");
    expect(critical).toContain(
      "A new app registration, sign-in audience `AzureADMyOrg` (accounts in this tenant only).",
    );
    expect(critical).toContain("Requests Microsoft Graph application permission **User.Read.All**");
    expect(critical).toContain("Requests Microsoft Graph application permission **Group.Read.All**");
    expect(critical).toContain(`Owners added (they can change the app and its secrets): \`${OWNER_A}\`.`);
  });

  test("a permission removed, an audience widened and an owner swapped are each named", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application({ required_resource_access: requiredAccess(USER_READ_ALL.id, GROUP_READ_ALL.id) }),
          after: application({ sign_in_audience: "AzureADMultipleOrgs", owners: [OWNER_B] }),
        }),
      ]),
    );
    const critical = section(markdown, "Identity-critical changes");
    expect(critical).toContain("No longer requests Microsoft Graph application permission **Group.Read.All**");
    expect(critical).toContain(
      "Sign-in audience changes from `AzureADMyOrg` (accounts in this tenant only) to `AzureADMultipleOrgs` (accounts in any Entra ID tenant).",
    );
    expect(critical).toContain(`Owners added (they can change the app and its secrets): \`${OWNER_B}\`.`);
    expect(critical).toContain(`Owners removed: \`${OWNER_A}\`.`);
  });

  test("a permission of another API, or a Graph permission not in the facts, is named by its ids", () => {
    const unknownRole = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30";
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application(),
          after: application({
            required_resource_access: [
              ...requiredAccess(USER_READ_ALL.id, unknownRole),
              {
                resource_app_id: "00000002-0000-0ff1-ce00-000000000000",
                resource_access: [{ id: "dc50a0fb-09a3-484d-be87-e023b12c6440", type: "Role" }],
              },
            ],
          }),
        }),
      ]),
    );
    expect(markdown).toContain(
      `Requests Microsoft Graph application permission \`${unknownRole}\` (not one this project knows by name)`,
    );
    expect(markdown).toContain(
      "Requests application permission `dc50a0fb-09a3-484d-be87-e023b12c6440` of the API with client id `00000002-0000-0ff1-ce00-000000000000`",
    );
  });

  test("an app update that touches no identity setting is not identity-critical", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application(),
          after: application({ display_name: "Miradore MDM" }),
        }),
      ]),
    );
    expect(markdown).not.toContain("Identity-critical");
    expect(section(markdown, "Update in place")).toContain('`display_name`: `"Miradore"` → `"Miradore MDM"`');
  });

  test("requested permissions known only after apply are called out", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application(),
          after: application({ required_resource_access: undefined }),
          after_unknown: { required_resource_access: true },
        }),
      ]),
    );
    expect(section(markdown, "Identity-critical changes")).toContain(
      "The API permissions it requests are _(known after apply)_: check the full plan.",
    );
  });

  test("revoking admin consent is identity-critical", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_app_role_assignment.user_read_all", ["delete"], {
          before: {
            app_role_id: USER_READ_ALL.id,
            principal_object_id: OWNER_A,
            resource_object_id: GRAPH_SP_OBJECT_ID,
          },
        }),
      ]),
    );
    expect(section(markdown, "Identity-critical changes")).toContain(
      `Revokes admin consent: Microsoft Graph application permission **User.Read.All**`,
    );
    expect(markdown).toContain(`from the service principal \`${OWNER_A}\``);
  });

  test("a password replaced destroy-first warns that the old one goes before the new one exists", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application_password.slot_b", ["delete", "create"], {
          before: password("bbbbbbbb-0000-4000-8000-000000000002", "2025-09-01T00:00:00Z", OLD_SECRET),
          after: { display_name: "Miradore slot B" },
          after_unknown: { key_id: true, value: true, end_date: true },
          before_sensitive: { value: true },
          after_sensitive: { value: true },
        }),
      ]),
    );
    expect(markdown).toContain(
      "**the old one is deleted before the new one exists**: anything using the old one (key id `bbbbbbbb-0000-4000-8000-000000000002`",
    );
    expect(markdown).not.toContain(OLD_SECRET);
  });

  test("a new password shows its key id and end date, never its value", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application_password.slot_a", ["create"], {
          after: {
            key_id: "cccccccc-0000-4000-8000-000000000003",
            end_date: "2026-01-01T00:00:00Z",
            value: "NEW-SECRET-VALUE",
          },
          after_sensitive: { value: true },
        }),
      ]),
    );
    expect(markdown).toContain(
      "A new client secret (key id `cccccccc-0000-4000-8000-000000000003`, valid until `2026-01-01T00:00:00Z`).",
    );
    expect(markdown).not.toContain("NEW-SECRET-VALUE");
  });

  test("a password's value stays hidden even in an old plan without sensitivity marks", () => {
    const markdown = review(
      plan(
        [
          resourceChange("azuread_application_password.slot_a", ["update"], {
            before: password("dddddddd-0000-4000-8000-000000000004", "2025-07-01T00:00:00Z", OLD_SECRET),
            after: password("dddddddd-0000-4000-8000-000000000004", "2025-08-01T00:00:00Z", "ANOTHER-SECRET"),
            before_sensitive: undefined,
            after_sensitive: undefined,
          }),
        ],
        { format_version: "0.1" },
      ),
    );
    expect(markdown).toContain("`value`: _(sensitive)_ → _(sensitive)_");
    expect(markdown).not.toContain(OLD_SECRET);
    expect(markdown).not.toContain("ANOTHER-SECRET");
  });

  test("anything destroyed is identity-critical, whatever its type", () => {
    const markdown = review(
      plan([resourceChange("time_rotating.slot_b", ["delete"], { before: { rotation_days: 90 } })]),
    );
    expect(section(markdown, "Identity-critical changes")).toContain(
      "- `time_rotating.slot_b` will be **destroyed**\n  - The object is destroyed.",
    );
  });

  test("removing the service principal from state keeps it, and says so", () => {
    const markdown = review(
      plan([resourceChange("azuread_service_principal.miradore", ["forget"], { before: { client_id: "x" } })]),
    );
    expect(section(markdown, "Identity-critical changes")).toContain(
      "Terraform stops managing this Entra ID object; it stays in the tenant.",
    );
    expect(markdown).toContain("**Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to forget.**");
  });
});

describe("values", () => {
  test("hides a sensitive key nested in a map and shows its neighbours", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application({ notes: "a" }),
          after: application({ notes: "b", tags: ["public", "NESTED-SECRET"] }),
          after_sensitive: { tags: [false, true] },
        }),
      ]),
    );
    expect(markdown).toContain('`tags`: _(none)_ → `["public", (sensitive)]`');
    expect(markdown).not.toContain("NESTED-SECRET");
  });

  test("shows unknown list items as (known after apply)", () => {
    const markdown = review(
      plan([
        resourceChange("azuread_application.miradore", ["update"], {
          before: application(),
          after: application({ identifier_uris: ["api://a", null] }),
          after_unknown: { identifier_uris: [false, true] },
        }),
      ]),
    );
    expect(markdown).toContain('`identifier_uris`: _(none)_ → `["api://a", (known after apply)]`');
  });

  test("an address with backticks cannot break out of its code span", () => {
    const markdown = review(plan([resourceChange('null_resource.x["a`b"]', ["create"], { after: {} })]));
    expect(markdown).toContain('- ``null_resource.x["a`b"]`` will be **created**');
  });
});

describe("every action Terraform writes", () => {
  const kinds: [Actions, string][] = [
    [["create"], "will be **created**"],
    [["update"], "will be **updated in place**"],
    [["delete"], "will be **destroyed**"],
    [["delete", "create"], "will be **replaced, destroying the old object before creating the new one**"],
    [
      ["create", "delete"],
      "will be **replaced, creating the new object before destroying the old one (create_before_destroy)**",
    ],
    [
      ["create", "forget"],
      "will be **replaced, creating the new object; the old one is kept, no longer managed (destroy = false)**",
    ],
    [["forget"], "will be **removed from Terraform state (the object itself is kept)**"],
    [["read"], "will be **read during apply**"],
  ];
  const markdown = review(
    plan(
      [
        ...kinds.map(([actions], i) =>
          resourceChange(actions[0] === "read" ? `data.null_data_source.r${i}` : `null_resource.r${i}`, actions, {
            before: actions[0] === "create" && actions.length === 1 ? null : { id: `old-${i}` },
            after:
              actions.includes("create") || actions[0] === "update" || actions[0] === "read"
                ? { id: `new-${i}` }
                : null,
          }),
        ),
        resourceChange(
          "null_resource.moved",
          ["no-op"],
          { before: { id: "m" }, after: { id: "m" } },
          { previous_address: "null_resource.old_name" },
        ),
        resourceChange("null_resource.imported", ["no-op"], {
          before: { id: "i" },
          after: { id: "i" },
          importing: { id: "i-123" },
        }),
        resourceChange("null_resource.unchanged", ["no-op"], { before: { id: "u" }, after: { id: "u" } }),
      ],
      {
        deferred_changes: [
          {
            reason: "provider_config_unknown",
            resource_change: resourceChange("null_resource.later", ["create"], { after: {} }),
          },
        ],
        resource_drift: [resourceChange("null_resource.r1", ["update"], { before: { id: "x" }, after: { id: "y" } })],
      },
    ),
  );

  test.each(kinds)("%j is named for what it does", (actions, verb) => {
    const index = kinds.findIndex(([a]) => a === actions);
    expect(markdown).toMatch(
      new RegExp(`- \`(data\\.null_data_source|null_resource)\\.r${index}\` ${verb.replace(/[*()]/g, "\\$&")}`),
    );
  });

  test("counts each kind, a replacement once, reads not at all", () => {
    expect(markdown).toContain(
      "**Plan: 1 to import, 1 to add, 1 to change, 3 to replace, 1 to destroy, 1 to forget.**",
    );
  });

  test("moves and imports without other changes are listed; unchanged resources are not", () => {
    const group = section(markdown, "Moved or imported, no other change");
    expect(group).toContain("- `null_resource.moved`\n  - Moved from `null_resource.old_name`.");
    expect(group).toContain("- `null_resource.imported`\n  - Imports the existing object with id `i-123`.");
    expect(markdown).not.toContain("null_resource.unchanged");
  });

  test("deferred changes and drift are reported with their reasons", () => {
    expect(section(markdown, "Deferred to a later plan")).toContain(
      "- `null_resource.later` would be created, deferred because its provider's configuration is known only after apply",
    );
    expect(section(markdown, "Changed outside Terraform")).toContain(
      "- `null_resource.r1` was changed outside Terraform",
    );
  });
});
