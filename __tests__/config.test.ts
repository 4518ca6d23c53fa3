import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../config/config-error";
import { loadConfig, parseConfig } from "../config/load-config";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const OTHER_TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

/** A one-site file with `settings` in the site entry. */
const oneSite = (settings: Record<string, unknown> = {}) =>
  JSON.stringify({ sites: [{ name: "contoso", tenantId: TENANT, ...settings }] });

/** The problems a configuration is rejected with. */
function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, "test.yaml", env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("configuration was accepted");
}

describe("the example configuration", () => {
  test("loads with the documented defaults", () => {
    const { sites } = loadConfig({ path: "miradore.config.yaml", env: {} });
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatchObject({
      name: "example",
      tenantId: TENANT,
      displayName: "Miradore MDM",
      groupFiltering: true,
      secret: { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 35 },
      state: { backend: "local" },
    });
  });
});

describe("rejects bad values, naming field, value and expectation", () => {
  test.each([
    ["an empty display name", { displayName: "" }, 'sites[0].displayName is "", but must not be empty'],
    ["a blank display name", { displayName: "   " }, 'sites[0].displayName is "   ", but must not be empty'],
    ["an overlong display name", { displayName: "x".repeat(257) }, 'sites[0].displayName is "xxx'],
    ["a tenant id that is not a GUID", { tenantId: "contoso" }, 'sites[0].tenantId is "contoso", but must be a GUID'],
    ["a missing tenant id", { tenantId: undefined }, "sites[0].tenantId is missing, but must be a GUID"],
    [
      "an owner object id that is not a GUID",
      { additionalOwnerObjectIds: ["alice@contoso.com"] },
      'sites[0].additionalOwnerObjectIds[0] is "alice@contoso.com", but must be a GUID',
    ],
    [
      "a lifetime of zero",
      { secret: { lifetimeDays: 0 } },
      "sites[0].secret.lifetimeDays is 0, but must be at least 1 day",
    ],
    [
      "a negative lifetime",
      { secret: { lifetimeDays: -5 } },
      "sites[0].secret.lifetimeDays is -5, but must be at least 1 day",
    ],
    [
      "a non-numeric lifetime",
      { secret: { lifetimeDays: "six months" } },
      'sites[0].secret.lifetimeDays is "six months", but must be a whole number of days',
    ],
    [
      "a fractional lifetime",
      { secret: { lifetimeDays: 90.5 } },
      "sites[0].secret.lifetimeDays is 90.5, but must be a whole number of days",
    ],
    [
      "a lifetime beyond the tenant's maximum",
      { secret: { lifetimeDays: 900 } },
      "sites[0].secret.lifetimeDays is 900, but must be at most 730 (the tenant's maximum secret lifetime",
    ],
    [
      "a lifetime beyond a stricter tenant maximum",
      { secret: { lifetimeDays: 180, tenantMaxLifetimeDays: 90 } },
      "sites[0].secret.lifetimeDays is 180, but must be at most 90",
    ],
    [
      "a rotation interval longer than the lifetime",
      { secret: { lifetimeDays: 180, rotationIntervalDays: 200 } },
      "sites[0].secret.rotationIntervalDays is 200, but must be at most the secret lifetime (180 days)",
    ],
    [
      "a rotation interval that leaves no time to hand off before the previous secret expires",
      { secret: { lifetimeDays: 180, rotationIntervalDays: 70, handoffDays: 21, maxRunGapDays: 35 } },
      "sites[0].secret.rotationIntervalDays is 70, but must satisfy 2 × rotationIntervalDays + handoffDays (21) + maxRunGapDays (35) ≤ lifetimeDays (180), so at most 62",
    ],
    [
      "a handoff window that does not fit in the rotation interval",
      { secret: { lifetimeDays: 365, rotationIntervalDays: 60, handoffDays: 30, maxRunGapDays: 35 } },
      "sites[0].secret.handoffDays is 30, but must satisfy handoffDays + maxRunGapDays (35) ≤ rotationIntervalDays (60), so at most 25",
    ],
    [
      "group filtering that is not a boolean",
      { groupFiltering: "yes" },
      'sites[0].groupFiltering is "yes", but must be true or false',
    ],
    ["a bad site name", { name: "Contoso Ltd" }, 'sites[0].name is "Contoso Ltd", but must be a site name'],
    [
      "an azurerm backend without a container",
      { state: { backend: "azurerm", storageAccountName: "contosotf" } },
      "sites[0].state.containerName is missing, but must be a blob container name",
    ],
    ["an unknown backend", { state: { backend: "s3" } }, 'sites[0].state.backend is "s3", but must be'],
    [
      "a Key Vault id that is not a vault's resource id",
      { keyVault: { id: "https://kv-mdm.vault.azure.net/" } },
      'sites[0].keyVault.id is "https://kv-mdm.vault.azure.net/", but must be a Key Vault resource id',
    ],
    [
      "a Key Vault secret name with invalid characters",
      {
        keyVault: {
          id: "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-mdm",
          secretName: "miradore_secret",
        },
      },
      'sites[0].keyVault.secretName is "miradore_secret", but must be a Key Vault secret name',
    ],
  ])("fails on %s", (_, settings, expected) => {
    const problems = problemsOf(oneSite(settings));
    expect(problems.join("\n")).toContain(expected);
  });

  test("fails on unknown keys, naming each one", () => {
    const problems = problemsOf(oneSite({ colour: "blue", secret: { lifetimeDays: 90, expiry: 30 } }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sites\[0\]\.colour is "blue", but colour is not a known setting here/),
        expect.stringMatching(/^sites\[0\]\.secret\.expiry is 30, but expiry is not a known setting here/),
      ]),
    );
  });

  test("fails on an unknown top-level key", () => {
    expect(problemsOf(`defualts: {}\n${"sites: [{name: a, tenantId: " + TENANT + "}]"}`).join("\n")).toMatch(
      /defualts is \{\}, but defualts is not a known setting/,
    );
  });

  test("blames defaults, once, for a bad value every site inherits", () => {
    const text = JSON.stringify({
      defaults: { secret: { lifetimeDays: 0 } },
      sites: [
        { name: "a", tenantId: TENANT },
        { name: "b", tenantId: OTHER_TENANT },
      ],
    });
    const problems = problemsOf(text);
    expect(problems.filter((p) => p.includes("lifetimeDays is 0"))).toEqual([
      "defaults.secret.lifetimeDays is 0, but must be at least 1 day (how long each client secret stays valid)",
    ]);
  });

  test("names the site in a per-site problem", () => {
    const text = JSON.stringify({
      sites: [
        { name: "a", tenantId: TENANT },
        { name: "b", tenantId: OTHER_TENANT, secret: { lifetimeDays: 900 } },
      ],
    });
    expect(problemsOf(text).join("\n")).toMatch(/^sites\[1\]\.secret\.lifetimeDays is 900, but .* \[site "b"\]$/m);
  });

  test("fails on duplicate site names and duplicate tenants", () => {
    const text = JSON.stringify({
      sites: [
        { name: "a", tenantId: TENANT },
        { name: "a", tenantId: OTHER_TENANT },
        { name: "c", tenantId: TENANT.toUpperCase() },
      ],
    });
    const problems = problemsOf(text).join("\n");
    expect(problems).toContain('sites[1].name is "a", but must be unique: sites[0] (site "a") uses it too');
    expect(problems).toContain(`sites[2].tenantId is "${TENANT.toUpperCase()}", but must be unique`);
  });

  test("allows two sites in one tenant only when both say so, and then not under the same display name", () => {
    const shared = (a: object, b: object) =>
      JSON.stringify({
        sites: [
          { name: "a", tenantId: TENANT, ...a },
          { name: "b", tenantId: TENANT, ...b },
        ],
      });
    expect(problemsOf(shared({ allowSharedTenant: true }, {})).join("\n")).toContain(
      'sites[1].tenantId is "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", but must be unique unless both sites set allowSharedTenant: true',
    );
    expect(problemsOf(shared({ allowSharedTenant: true }, { allowSharedTenant: true }))).toEqual([
      'sites[1].displayName is "Miradore MDM", but must differ from the other sites in the same tenant (Entra refuses duplicate app names here): sites[0] (site "a") uses it too [site "b"]',
    ]);
    const { sites } = parseConfig(
      shared({ allowSharedTenant: true }, { allowSharedTenant: true, displayName: "Miradore 2" }),
      "t",
    );
    expect(sites.map((site) => site.name)).toEqual(["a", "b"]);
  });

  test("fails on a cloud backend without an organization", () => {
    expect(problemsOf(oneSite({ state: { backend: "cloud" } })).join("\n")).toContain(
      "sites[0].state.organization is missing, but must be an HCP Terraform organization name",
    );
  });

  test("fails on a file with no sites", () => {
    expect(problemsOf("sites: []")).toEqual(["sites is [], but must list at least one site"]);
  });

  test("fails on malformed YAML with the line and column", () => {
    expect(problemsOf("sites:\n  - name: a\n    tenantId: [unclosed\n")[0]).toMatch(
      /^test\.yaml line \d+, column \d+ is not valid YAML/,
    );
  });

  test("fails on a duplicated key", () => {
    expect(problemsOf("sites: []\nsites: []\n")[0]).toMatch(/is not valid YAML: Map keys must be unique/);
  });

  test("fails on a file that cannot be read, naming the path", () => {
    expect(() => loadConfig({ path: "/nonexistent/miradore.yaml", env: {} })).toThrow(
      /the configuration file \/nonexistent\/miradore\.yaml cannot be read/,
    );
  });

  test("reports every problem at once", () => {
    expect(problemsOf(oneSite({ displayName: "", tenantId: "x", secret: { lifetimeDays: -1 } }))).toHaveLength(3);
  });
});

describe("environment overrides", () => {
  test("override the file for every site", () => {
    const { sites } = parseConfig(oneSite({ secret: { lifetimeDays: 365 } }), "t", {
      MIRADORE_SECRET_LIFETIME_DAYS: "300",
      MIRADORE_GROUP_FILTERING: "false",
      MIRADORE_ADDITIONAL_OWNER_OBJECT_IDS: `${OTHER_TENANT}, ${TENANT}`,
      MIRADORE_STATE_BACKEND: "azurerm",
      MIRADORE_STATE_STORAGE_ACCOUNT: "contosotf",
      MIRADORE_STATE_CONTAINER: "tfstate",
    });
    expect(sites[0]).toMatchObject({
      groupFiltering: false,
      additionalOwnerObjectIds: [OTHER_TENANT, TENANT],
      secret: { lifetimeDays: 300 },
      state: { backend: "azurerm", storageAccountName: "contosotf", containerName: "tfstate", keyPrefix: "miradore/" },
    });
  });

  test("fail with the variable's name when its value is bad", () => {
    expect(problemsOf(oneSite(), { MIRADORE_SECRET_LIFETIME_DAYS: "abc" })).toEqual([
      'MIRADORE_SECRET_LIFETIME_DAYS (sites[0].secret.lifetimeDays) is "abc", but must be a whole number of days (how long each client secret stays valid) [site "contoso"]',
    ]);
  });

  test("fail when a single-site override is set for several sites", () => {
    const text = JSON.stringify({
      sites: [
        { name: "a", tenantId: TENANT },
        { name: "b", tenantId: OTHER_TENANT },
      ],
    });
    expect(problemsOf(text, { MIRADORE_TENANT_ID: TENANT }).join("\n")).toContain(
      "MIRADORE_TENANT_ID is set, but applies only to a configuration with exactly one site (this one lists 2)",
    );
  });

  test("MIRADORE_CONFIG chooses the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "miradore-config-"));
    writeFileSync(join(dir, "other.yaml"), oneSite({ displayName: "From elsewhere" }));
    const { sites } = loadConfig({ env: { MIRADORE_CONFIG: join(dir, "other.yaml") } });
    expect(sites[0]!.displayName).toBe("From elsewhere");
  });
});
