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
      'MIRADORE_SECRET_LIFETIME_DAYS is "abc", but must be a whole number of days (how long each client secret stays valid) [environment variable, overrides secret.lifetimeDays]',
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

describe("messages that lead to the fix", () => {
  const twoSites = (a: object = {}, b: object = {}) =>
    JSON.stringify({
      sites: [
        { name: "a", tenantId: TENANT, ...a },
        { name: "b", tenantId: OTHER_TENANT, ...b },
      ],
    });

  test("an unknown top-level key does not hide the problems below it: all are reported in one run", () => {
    const problems = problemsOf(
      JSON.stringify({ colour: "blue", sites: [{ name: "a", tenantId: TENANT, groupFilterin: true }] }),
    );
    expect(problems).toEqual([
      'colour is "blue", but colour is not a known setting here (known here: defaults, sites)',
      expect.stringMatching(/^sites\[0\]\.groupFilterin is true, but groupFilterin is not a known setting here/),
    ]);
  });

  test("a typo gets the nearest real setting, and the list of what the schema allows there, not what the file has", () => {
    expect(problemsOf(oneSite({ groupFilterin: false }))).toEqual([
      "sites[0].groupFilterin is false, but groupFilterin is not a known setting here: did you mean `groupFiltering`? " +
        "(known here: displayName, groupFiltering, additionalOwnerObjectIds, secret, state, keyVault, name, tenantId, " +
        'existing, allowSharedTenant, ciIdentity) [site "contoso"]',
    ]);
    expect(problemsOf(oneSite({ secret: { lifetimeDay: 90 } })).join("\n")).toContain(
      "did you mean `lifetimeDays`? (known here: lifetimeDays, rotationIntervalDays, handoffDays, maxRunGapDays, tenantMaxLifetimeDays)",
    );
    // The keys of the state backend the entry names, not of every backend.
    expect(
      problemsOf(oneSite({ state: { backend: "azurerm", storageAcountName: "x", containerName: "tfstate" } })).join(
        "\n",
      ),
    ).toContain(
      "did you mean `storageAccountName`? (known here: backend, storageAccountName, containerName, keyPrefix)",
    );
    expect(problemsOf(`defualts: {}\nsites: [{name: a, tenantId: ${TENANT}}]`)).toEqual([
      "defualts is {}, but defualts is not a known setting here: did you mean `defaults`? (known here: defaults, sites)",
    ]);
    // No guess when nothing is close.
    expect(problemsOf(oneSite({ colour: "blue" }))[0]).not.toContain("did you mean");
  });

  test("a bad environment variable is named as such, once for a fleet, with the setting it overrides", () => {
    expect(problemsOf(twoSites(), { MIRADORE_SECRET_LIFETIME_DAYS: "abc", MIRADORE_GROUP_FILTERING: "yes" })).toEqual([
      'MIRADORE_GROUP_FILTERING is "yes", but must be true or false (whether Miradore filters users by group: grants Group.Read.All) [environment variable, overrides groupFiltering]',
      'MIRADORE_SECRET_LIFETIME_DAYS is "abc", but must be a whole number of days (how long each client secret stays valid) [environment variable, overrides secret.lifetimeDays]',
    ]);
    expect(problemsOf(oneSite(), { MIRADORE_ADDITIONAL_OWNER_OBJECT_IDS: `${TENANT},alice@contoso.com` })).toEqual([
      'MIRADORE_ADDITIONAL_OWNER_OBJECT_IDS[1] is "alice@contoso.com", but must be a GUID (the object id of a user or service principal) such as 4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f [environment variable, overrides additionalOwnerObjectIds]',
    ]);
  });

  test("a value an environment variable could also set says so", () => {
    expect(problemsOf(oneSite(), { MIRADORE_STATE_BACKEND: "azurerm", MIRADORE_STATE_CONTAINER: "tfstate" })).toEqual([
      'sites[0].state.storageAccountName is missing, but must be a storage account name (3-24 lowercase letters and digits); or set MIRADORE_STATE_STORAGE_ACCOUNT [site "contoso"]',
    ]);
  });

  test("MIRADORE_TENANT_ID is refused for a fleet, and not applied: no follow-on problems", () => {
    expect(problemsOf(twoSites(), { MIRADORE_TENANT_ID: TENANT })).toEqual([
      "MIRADORE_TENANT_ID is set, but applies only to a configuration with exactly one site (this one lists 2); unset it and set tenantId per site instead",
    ]);
  });

  test(".inf and .nan are shown as YAML spells them, not as null", () => {
    expect(
      problemsOf(`sites: [{name: a, tenantId: ${TENANT}, secret: {lifetimeDays: .inf, handoffDays: .nan}}]`),
    ).toEqual([
      'sites[0].secret.lifetimeDays is .inf, but must be a whole number of days (how long each client secret stays valid) [site "a"]',
      'sites[0].secret.handoffDays is .nan, but must be a whole number of days (days the operator has to paste a new secret into Miradore) [site "a"]',
    ]);
    expect(problemsOf(`sites: [{name: a, tenantId: ${TENANT}, additionalOwnerObjectIds: [-.inf]}]`)[0]).toMatch(
      /^sites\[0\]\.additionalOwnerObjectIds\[0\] is -\.inf, but/,
    );
  });

  test("a file holds one YAML document, and says so without naming the library's functions", () => {
    const problems = problemsOf(`sites: [{name: a, tenantId: ${TENANT}}]\n---\nsites: []\n`);
    expect(problems).toEqual([
      "test.yaml line 2, column 1 starts a second YAML document (after a `---` or `...` line), but the configuration must be one document: remove the separator and merge the settings into one",
    ]);
    expect(problems.join("")).not.toMatch(/parseAllDocuments/);
    // A document start marker before the only document is fine.
    expect(parseConfig(`---\nsites: [{name: a, tenantId: ${TENANT}}]\n`, "t").sites).toHaveLength(1);
  });

  test("YAML aliases are limited, with a message instead of the library's ReferenceError", () => {
    const nine = (alias: string) => `[${Array(9).fill(alias).join(", ")}]`;
    const bomb = `a: &a ${nine('"x"')}\nb: &b ${nine("*a")}\nc: &c ${nine("*b")}\nd: &d ${nine("*c")}\nsites: [*d]\n`;
    expect(problemsOf(bomb)).toEqual([
      "test.yaml expands its YAML aliases (*name) more than 100 times, but at most 100 are allowed (more is how a few lines grow into gigabytes): write the values out, or put settings every site shares under defaults",
    ]);
    // A few aliases are fine.
    const shared = `x: &secret {lifetimeDays: 365, rotationIntervalDays: 90}\n`;
    expect(() => parseConfig(`${shared}sites: [{name: a, tenantId: ${TENANT}, secret: *secret}]`, "t")).toThrow(
      /x is .*, but x is not a known setting here/,
    );
    expect(problemsOf("sites: [*nowhere]")[0]).toMatch(
      /^test\.yaml is not valid YAML: Unresolved alias.*nowhere \(an alias \*name needs an anchor &name earlier in the file\)$/,
    );
  });

  test("lifetimes Terraform cannot add to a date are refused before anything is planned or applied", () => {
    // 3650000 days (10,000 years) passed before and failed in apply, after the app and its consent existed.
    expect(problemsOf(oneSite({ secret: { lifetimeDays: 3650000, tenantMaxLifetimeDays: 3650000 } }))).toEqual([
      'sites[0].secret.lifetimeDays is 3650000, but must be at most 106751 days, about 292 years, the longest time Terraform\'s timeadd() can add to a date (how long each client secret stays valid) [site "contoso"]',
      'sites[0].secret.tenantMaxLifetimeDays is 3650000, but must be at most 106751 days, about 292 years, the longest time Terraform\'s timeadd() can add to a date (the longest secret lifetime the tenant allows) [site "contoso"]',
    ]);
    const atTheLimit = { lifetimeDays: 106751, tenantMaxLifetimeDays: 106751, rotationIntervalDays: 60 };
    expect(parseConfig(oneSite({ secret: atTheLimit }), "t").sites[0]!.secret.lifetimeDays).toBe(106751);
  });

  test("groupFiltering: false with a Group.Read.All consent to import is a configuration error, not a crash", () => {
    const existing = {
      applicationObjectId: TENANT,
      servicePrincipalObjectId: OTHER_TENANT,
      consent: {
        graphServicePrincipalObjectId: TENANT,
        assignmentIds: { "Group.Read.All": "Ki3dLdTXb0ySTtXFbY3sR0n5OiJrGmtCt4iHqzIwZnA" },
      },
    };
    expect(problemsOf(oneSite({ groupFiltering: false, existing }))).toEqual([
      'sites[0].existing.consent.assignmentIds.Group.Read.All is "Ki3dLdTXb0ySTtXFbY3sR0n5OiJrGmtCt4iHqzIwZnA", but must be left out while groupFiltering is false: the site then does not request Group.Read.All, so there is no consent to import; remove it (and revoke that consent in the portal), or set groupFiltering: true [site "contoso"]',
    ]);
    expect(parseConfig(oneSite({ groupFiltering: true, existing }), "t").sites).toHaveLength(1);
  });

  test("a document that is not a mapping says what the configuration must be", () => {
    expect(problemsOf("just text")).toEqual([
      'the configuration is "just text", but must be a mapping with sites (and optionally defaults)',
    ]);
  });
});

describe("encodings: UTF-8 only, refused otherwise with the reason", () => {
  const dir = mkdtempSync(join(tmpdir(), "miradore-encoding-"));
  const TEXT = `sites: [{name: a, tenantId: ${TENANT}, displayName: "Miradore Zürich"}]\n`;
  const load = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return () => loadConfig({ path: join(dir, name), env: {} });
  };

  test("reads UTF-8, with or without a byte order mark", () => {
    expect(load("plain.yaml", Buffer.from(TEXT, "utf8"))().sites[0]!.displayName).toBe("Miradore Zürich");
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, "utf8")]);
    expect(load("bom.yaml", withBom)().sites[0]!.displayName).toBe("Miradore Zürich");
  });

  test("refuses UTF-16 with a byte order mark", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")]);
    expect(load("utf16-bom.yaml", utf16)).toThrow(
      /utf16-bom\.yaml is UTF-16 \(little-endian\) \(it starts with that encoding's byte order mark\), but must be UTF-8 text: save it as UTF-8/,
    );
  });

  test("refuses UTF-16 without a byte order mark, instead of reporting an empty field", () => {
    expect(load("utf16.yaml", Buffer.from(TEXT, "utf16le"))).toThrow(
      /utf16\.yaml contains a NUL byte \(line 1\), as UTF-16 text without a byte order mark does, or a binary file, but must be UTF-8 text/,
    );
  });

  test("refuses invalid UTF-8, naming the line, instead of synthesizing U+FFFD", () => {
    const latin1 = Buffer.from(`sites:\n  - name: a\n    displayName: Miradore Z\xfcrich\n`, "latin1");
    expect(load("latin1.yaml", latin1)).toThrow(
      /latin1\.yaml has bytes on line 3 that are not valid UTF-8 \(an editor may have saved it as Latin-1 or Windows-1252\), but must be UTF-8 text/,
    );
  });
});
