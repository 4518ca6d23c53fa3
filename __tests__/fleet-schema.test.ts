// Issue 6, "done when": a 1000-site configuration synthesizes through the built app (worker threads, as
// `npm run synth` runs it) and every one of its stacks passes the schema validator. The sites use the benchmark's
// names and tenants (tools/bench/fleet-config.ts) and, every few sites, per-site overrides, so the stacks have
// several shapes. No timings are asserted here: `npm run bench` measures them.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../config/load-config";
import { stackNameOf } from "../app/site-stack";
import { benchSiteName, benchTenantId } from "../tools/bench/fleet-config";
import { describeWithProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import { synthesizeInPrivateView } from "../test-support/synthesize-in-private-view";

const SITE_COUNT = 1000;
const EXTRA_OWNER = "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

/** Site `index`: the benchmark's name and tenant, with an override on some sites so each shape appears many times. */
function siteEntry(index: number): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: benchSiteName(index), tenantId: benchTenantId(index) };
  if (index % 5 === 1) entry.groupFiltering = false;
  if (index % 7 === 2) entry.additionalOwnerObjectIds = [EXTRA_OWNER];
  if (index % 11 === 3) entry.secret = { lifetimeDays: 365, rotationIntervalDays: 90 };
  if (index % 13 === 4)
    entry.state = { backend: "azurerm", storageAccountName: "contosotfstate", containerName: "tfstate" };
  if (index % 17 === 5) entry.state = { backend: "cloud", organization: "contoso-msp" };
  if (index % 19 === 6) entry.displayName = `Miradore MDM (${benchSiteName(index)})`;
  return entry;
}

const CONFIG_TEXT = JSON.stringify({
  defaults: { secret: { handoffDays: 14, maxRunGapDays: 30 } },
  sites: Array.from({ length: SITE_COUNT }, (_, index) => siteEntry(index)),
});

describeWithProviderSchemas(`a ${SITE_COUNT}-site configuration synthesized by the built app`, (schemas) => {
  const expectedSites = parseConfig(CONFIG_TEXT, "fleet-schema config").sites;
  let workDir: string;
  let synthesis: { status: number | null; stderr: string };
  let manifest: { stacks: Record<string, { workingDirectory: string }> };

  const stackJson = (stack: string) =>
    JSON.parse(
      readFileSync(join(workDir, "cdktf.out", manifest.stacks[stack]!.workingDirectory, "cdk.tf.json"), "utf8"),
    ) as Record<string, any>;

  beforeAll(() => {
    // With 1000 sites the app picks its worker threads itself (one per core, see app/synthesis/synthesize-sites.ts).
    const { dir, status, stderr } = synthesizeInPrivateView(CONFIG_TEXT);
    workDir = dir;
    synthesis = { status, stderr };
    if (status === 0) manifest = JSON.parse(readFileSync(join(workDir, "cdktf.out", "manifest.json"), "utf8"));
  }, 120_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("synthesizes without errors, one stack per site, named after the site", () => {
    expect(synthesis).toEqual({ status: 0, stderr: "" });
    expect(Object.keys(manifest.stacks)).toEqual(expectedSites.map((site) => stackNameOf(site.name)));
  });

  test("every stack passes the schema validator", () => {
    const failures = Object.keys(manifest.stacks)
      .map((stack) => ({ stack, problems: validateTerraformJson(stackJson(stack), schemas) }))
      .filter(({ problems }) => problems.length > 0);
    expect(failures).toEqual([]);
  });

  test("every stack carries its own site's tenant, consents and state location", () => {
    const actual = Object.keys(manifest.stacks).map((stack) => {
      const json = stackJson(stack);
      return {
        stack,
        tenant: json.provider.azuread[0].tenant_id,
        consents: Object.keys(json.resource.azuread_app_role_assignment).length,
        state: json.terraform.backend ?? { cloud: json.terraform.cloud },
      };
    });
    const expected = expectedSites.map(({ name, tenantId, groupFiltering, state }) => {
      const stack = stackNameOf(name);
      return {
        stack,
        tenant: tenantId,
        consents: groupFiltering ? 2 : 1,
        state:
          state.backend === "local"
            ? { local: { path: `../../../terraform.${stack}.tfstate` } }
            : state.backend === "azurerm"
              ? {
                  azurerm: {
                    container_name: state.containerName,
                    key: `${state.keyPrefix}${stack}.tfstate`,
                    storage_account_name: state.storageAccountName,
                    use_azuread_auth: true,
                  },
                }
              : {
                  cloud: {
                    hostname: state.hostname,
                    organization: state.organization,
                    workspaces: { name: `${state.workspacePrefix}${stack}` },
                  },
                },
      };
    });
    expect(actual).toEqual(expected);
  });
});
