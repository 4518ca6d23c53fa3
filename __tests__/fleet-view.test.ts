import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { ConfigError } from "../config/config-error";
import { parseConfig } from "../config/load-config";

// The command as `npm run fleet` runs it: bundled, then run with node, reading MIRADORE_CONFIG and overrides.
const repo = resolve(__dirname, "..");
const bundle = join(repo, ".build", `test-fleet-${process.pid}`, "fleet-view.js");
let work: string;
beforeAll(() => {
  buildSync({
    entryPoints: [join(repo, "tools", "fleet-view.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
  });
  work = mkdtempSync(join(tmpdir(), "fleet-view-"));
});
afterAll(() => {
  rmSync(dirname(bundle), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const TENANTS = [
  "11111111-1111-4111-8111-111111111111",
  "22222222-2222-4222-8222-222222222222",
  "33333333-3333-4333-8333-333333333333",
];
const THREE_SITES = `
defaults:
  secret: { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 35 }
sites:
  - name: alpha
    tenantId: ${TENANTS[0]}
  - name: beta
    tenantId: ${TENANTS[1]}
    groupFiltering: false
    state: { backend: azurerm, storageAccountName: stfleetstate, containerName: tfstate }
  - name: gamma-fabrikam
    tenantId: ${TENANTS[2]}
    secret: { lifetimeDays: 365, rotationIntervalDays: 90 }
    state: { backend: cloud, organization: contoso-msp, workspacePrefix: mdm- }
`;

function runFleet(config: string, args: string[] = [], env: Record<string, string> = {}) {
  const file = join(work, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, config);
  // Run elsewhere than the repository, so only MIRADORE_CONFIG can lead it to the file.
  return spawnSync(process.execPath, [bundle, ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, MIRADORE_CONFIG: file, ...env },
    encoding: "utf8",
  });
}

/** The cells of the row that starts with `first` in the table whose header line matches `header`. */
function row(text: string, header: RegExp, first: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => header.test(line));
  const found = lines.slice(start + 2).find((line) => line.startsWith(`${first} `));
  if (start < 0 || !found) throw new Error(`no row ${first} under ${header} in:\n${text}`);
  return found.split(/\s{2,}/);
}

const SITES_HEADER = /^SITE +TENANT +GRAPH PERMISSIONS +SECRET DAYS$/;
const STATE_HEADER = /^STACK +STATE$/;

describe("fleet (table)", () => {
  const env = { MIRADORE_SECRET_HANDOFF_DAYS: "14" };

  test("lists each site's tenant, Graph permissions and secret days, with defaults, site values and overrides", () => {
    const { status, stdout, stderr } = runFleet(THREE_SITES, [], env);
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    expect(stdout).toMatch(/^3 sites in .*config-\w+\.yaml\n/);
    expect(row(stdout, SITES_HEADER, "alpha")).toEqual([
      "alpha",
      TENANTS[0],
      "User.Read.All, Group.Read.All",
      "180/60/14/35",
    ]);
    expect(row(stdout, SITES_HEADER, "beta")).toEqual(["beta", TENANTS[1], "User.Read.All", "180/60/14/35"]);
    expect(row(stdout, SITES_HEADER, "gamma-fabrikam")).toEqual([
      "gamma-fabrikam",
      TENANTS[2],
      "User.Read.All, Group.Read.All",
      "365/90/14/35",
    ]);
  });

  test("lists each site's stack and where its state lives, per backend", () => {
    const { stdout } = runFleet(THREE_SITES, [], env);
    expect(row(stdout, STATE_HEADER, "miradore-alpha")).toEqual([
      "miradore-alpha",
      "local terraform.miradore-alpha.tfstate",
    ]);
    expect(row(stdout, STATE_HEADER, "miradore-beta")).toEqual([
      "miradore-beta",
      "azurerm stfleetstate/tfstate/miradore/miradore-beta.tfstate",
    ]);
    expect(row(stdout, STATE_HEADER, "miradore-gamma-fabrikam")).toEqual([
      "miradore-gamma-fabrikam",
      "cloud app.terraform.io/contoso-msp/mdm-miradore-gamma-fabrikam",
    ]);
  });

  test("writes nothing into the folder it runs in (cdktf's App makes an output folder when constructed)", () => {
    const { status } = runFleet(THREE_SITES);
    expect(status).toBe(0);
    expect(existsSync(join(work, "cdktf.out"))).toBe(false);
  });

  test("fits a 100-column terminal with full tenant ids", () => {
    const { stdout } = runFleet(THREE_SITES, [], env);
    const widest = Math.max(...stdout.split("\n").map((line) => line.length));
    expect(widest).toBeLessThanOrEqual(100);
  });
});

test("marks a tenant that sites share on purpose", () => {
  const shared = `
sites:
  - { name: north, tenantId: ${TENANTS[0]}, allowSharedTenant: true, displayName: Miradore North }
  - { name: south, tenantId: ${TENANTS[0]}, allowSharedTenant: true, displayName: Miradore South }
`;
  const { status, stdout, stderr } = runFleet(shared);
  expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  expect(row(stdout, SITES_HEADER, "south")[1]).toBe(`${TENANTS[0]} (shared)`);
});

describe("fleet --json", () => {
  test("gives every site's settings, stack and state location, and nothing else", () => {
    const { status, stdout } = runFleet(THREE_SITES, ["--json"], { MIRADORE_SECRET_MAX_RUN_GAP_DAYS: "30" });
    expect(status).toBe(0);
    const view = JSON.parse(stdout);
    expect(Object.keys(view)).toEqual(["source", "sites"]);
    expect(view.sites.map((site: { name: string }) => site.name)).toEqual(["alpha", "beta", "gamma-fabrikam"]);
    const [alpha, beta, gamma] = view.sites;
    expect(Object.keys(alpha).sort()).toEqual(
      [
        "allowSharedTenant",
        "displayName",
        "graphPermissions",
        "name",
        "secret",
        "stackName",
        "state",
        "tenantId",
      ].sort(),
    );
    expect(alpha).toMatchObject({
      tenantId: TENANTS[0],
      stackName: "miradore-alpha",
      graphPermissions: [
        { value: "User.Read.All", id: "df021288-bdef-4463-88db-98f22de89214" },
        { value: "Group.Read.All", id: "5b567255-7703-4780-807c-7be8301ae99b" },
      ],
      secret: {
        lifetimeDays: 180,
        rotationIntervalDays: 60,
        handoffDays: 21,
        maxRunGapDays: 30,
        tenantMaxLifetimeDays: 730,
      },
      state: {
        backend: "local",
        path: "../../../terraform.miradore-alpha.tfstate",
        pathFromProjectRoot: "terraform.miradore-alpha.tfstate",
      },
    });
    expect(beta.state).toEqual({
      backend: "azurerm",
      storageAccountName: "stfleetstate",
      containerName: "tfstate",
      key: "miradore/miradore-beta.tfstate",
    });
    expect(gamma.state).toEqual({
      backend: "cloud",
      hostname: "app.terraform.io",
      organization: "contoso-msp",
      workspace: "mdm-miradore-gamma-fabrikam",
    });
  });
});

describe("fleet with a bad configuration", () => {
  test("fails with exit code 1 and the same ConfigError message synthesis gives", () => {
    const bad = THREE_SITES.replace("groupFiltering: false", "groupFiltering: maybe");
    const expected = (() => {
      try {
        parseConfig(bad, "unused");
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error("the bad configuration was accepted");
    })();
    const { status, stdout, stderr } = runFleet(bad);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain('config error: sites[1].groupFiltering is "maybe", but must be true or false');
    expect(stderr.split("\n").filter((line) => line.startsWith("config error: "))).toEqual(
      expected.map((problem) => `config error: ${problem}`),
    );
  });

  test("fails with exit code 1 when an override only valid for one site is set for three", () => {
    const { status, stderr } = runFleet(THREE_SITES, [], { MIRADORE_TENANT_ID: TENANTS[0]! });
    expect(status).toBe(1);
    expect(stderr).toContain("MIRADORE_TENANT_ID is set, but applies only to a configuration with exactly one site");
  });

  test("rejects an unknown option with exit code 2 and the usage", () => {
    const { status, stderr } = runFleet(THREE_SITES, ["--yaml"]);
    expect(status).toBe(2);
    expect(stderr).toContain("usage: fleet");
  });
});

describe("fleet --record", () => {
  const record = {
    version: 1,
    writtenAt: "2026-05-10T05:30:00Z",
    stacks: {
      "miradore-alpha": {
        lastResult: "failed",
        lastReasons: ["stack miradore-alpha: terraform plan failed: Retrieving application"],
        lastRunAt: "2026-05-10T05:17:00Z",
        lastAppliedAt: "2026-05-03T05:17:00Z",
        configHash: "a".repeat(64),
        outputs: { next_rotation_date: "2026-06-01T08:00:00Z" },
      },
      "miradore-beta": {
        lastResult: "held",
        lastReasons: ["A rotation of slot A is held until the handoff deadline"],
        lastRunAt: "2026-05-10T05:17:00Z",
        lastAppliedAt: "2026-05-10T05:17:00Z",
      },
    },
  };

  test("shows each stack's last run: result, why, when, and its next rotation; a stack without a record says so", () => {
    const file = join(work, "record.json");
    writeFileSync(file, JSON.stringify(record));
    const { status, stdout, stderr } = runFleet(THREE_SITES, ["--record", file]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    const header = /^STACK +RESULT +RUN +LAST APPLY +NEXT ROTATION +WHY$/;
    expect(row(stdout, header, "miradore-alpha")).toEqual([
      "miradore-alpha",
      "failed",
      "2026-05-10 05:17",
      "2026-05-03 05:17",
      "2026-06-01 08:00",
      "stack miradore-alpha: terraform plan failed: Retrieving application",
    ]);
    expect(row(stdout, header, "miradore-beta").slice(0, 2)).toEqual(["miradore-beta", "held"]);
    expect(row(stdout, header, "miradore-gamma-fabrikam").slice(0, 2)).toEqual([
      "miradore-gamma-fabrikam",
      "no record",
    ]);
    const json = JSON.parse(runFleet(THREE_SITES, ["--json", "--record", file]).stdout);
    expect(json.lastRuns[0]).toMatchObject({ stackName: "miradore-alpha", result: "failed" });
  });

  test("fails with exit code 1 when the record is missing or not a fleet record", () => {
    expect(runFleet(THREE_SITES, ["--record", join(work, "none.json")])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/--record .*none\.json does not exist/),
    });
    const bad = join(work, "bad-record.json");
    writeFileSync(bad, JSON.stringify({ version: 7 }));
    expect(runFleet(THREE_SITES, ["--record", bad])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/the fleet record is not usable/),
    });
  });
});
