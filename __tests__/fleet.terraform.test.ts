// Issue 6, "done when": a 20-site fleet plans and applies through the provider doubles, each site in its own state.
// The fleet is synthesized by the built app on worker threads; then every stack of its manifest is initialized,
// planned, applied and planned again by real Terraform, keeping the state where the stack's own backend puts it.
// Each site has its own tenant in the fake directory (the doubles key tenants by the azuread provider's tenant_id).
// Two lanes run side by side, each on its own doubles process: concurrent runs on one process would share one
// provider configuration, and with it one tenant (test-support/provider-doubles/README.md).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { stackNameOf } from "../app/site-stack";
import { GROUP_READ_ALL, USER_READ_ALL } from "../constructs";
import type { TenantDocument } from "../test-support/provider-doubles/fake-entra/directory-store";
import {
  describeWithTerraform,
  effectiveChanges,
  ProviderDoubles,
  synthesizedStacks,
  TerraformWorkspace,
  type PlanJson,
} from "../test-support/terraform-harness";
import { synthesizeInPrivateView } from "../test-support/synthesize-in-private-view";

const SITE_COUNT = 20;
/** Sites run two at a time, each lane on its own doubles process. */
const LANES = 2;
/** 20 sites are below the app's own threshold for worker threads (40 per worker); this forces them. */
const SYNTH_WORKERS = 2;
const START = new Date("2026-03-01T09:00:00Z");

interface FleetSite {
  readonly name: string;
  readonly tenantId: string;
  readonly groupFiltering: boolean;
}

const SITES: readonly FleetSite[] = Array.from({ length: SITE_COUNT }, (_, index) => ({
  name: `customer-${String(index + 1).padStart(2, "0")}`,
  tenantId: `5a1e0000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`,
  // Every fourth customer does not filter by group: one consent instead of two.
  groupFiltering: index % 4 !== 3,
}));

/** What one site's Terraform runs produced. */
interface SiteRun {
  readonly site: FleetSite;
  /** The doubles (fake directory) that served the site. */
  readonly doubles: ProviderDoubles;
  readonly firstPlan: PlanJson;
  /** `terraform plan -detailed-exitcode` after the apply: 0 when nothing (resource or output) would change. */
  readonly secondPlan: { readonly exitCode: number; readonly output: string };
}

/** A terraform.tfstate file's resources (the on-disk format, not `show -json`). */
interface StateFile {
  readonly resources: readonly {
    mode: string;
    type: string;
    instances: readonly { attributes: Record<string, any> }[];
  }[];
}

describeWithTerraform(`a ${SITE_COUNT}-site fleet through the provider doubles`, () => {
  let workDir: string;
  let stacks: Record<string, string>;
  let doublesPool: ProviderDoubles[] = [];
  const runs: SiteRun[] = [];

  /** Where the stack's own local backend keeps its state: `../../../terraform.<stack>.tfstate` from cdktf.out/stacks/<stack>. */
  const stateFileOf = (stack: string) => join(workDir, `terraform.${stack}.tfstate`);
  const readState = (stack: string) => JSON.parse(readFileSync(stateFileOf(stack), "utf8")) as StateFile;
  const runOf = (site: FleetSite) => runs.find((run) => run.site === site)!;
  const tenantOf = (site: FleetSite): TenantDocument => runOf(site).doubles.tenant(site.tenantId);

  async function runSite(doubles: ProviderDoubles, site: FleetSite): Promise<SiteRun> {
    const stack = stackNameOf(site.name);
    const stackDir = stacks[stack]!;
    const workspace = TerraformWorkspace.create(doubles, stackDir);
    try {
      // The workspace is a copy; put back the stack's own backend, its relative path resolved from the stack folder.
      const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as Record<string, any>;
      config.terraform.backend.local.path = resolve(stackDir, config.terraform.backend.local.path as string);
      workspace.writeConfig(config);
      await workspace.init();
      const firstPlan = await workspace.plan();
      await workspace.apply();
      const again = await workspace.run(["plan", "-input=false", "-no-color", "-detailed-exitcode"], {
        allowFailure: true,
      });
      const secondPlan = { exitCode: again.exitCode, output: again.exitCode === 0 ? "" : again.stdout + again.stderr };
      return { site, doubles, firstPlan, secondPlan };
    } finally {
      workspace.remove();
    }
  }

  beforeAll(async () => {
    const synth = synthesizeInPrivateView(JSON.stringify({ sites: SITES }), {
      MIRADORE_SYNTH_WORKERS: String(SYNTH_WORKERS),
    });
    workDir = synth.dir;
    if (synth.status !== 0) throw new Error(`npm run synth exited with ${synth.status}:\n${synth.stderr}`);
    stacks = synthesizedStacks(join(workDir, "cdktf.out"));

    doublesPool = await Promise.all(Array.from({ length: LANES }, () => ProviderDoubles.start({ now: START })));
    // Lane i takes sites i, i + LANES, ...: sequential within a lane, lanes side by side.
    await Promise.all(
      doublesPool.map(async (doubles, lane) => {
        for (const site of SITES.filter((_, index) => index % LANES === lane)) runs.push(await runSite(doubles, site));
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(doublesPool.map((doubles) => doubles.stop()));
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("the app synthesizes one stack per site, in site order", () => {
    expect(Object.keys(stacks)).toEqual(SITES.map((site) => stackNameOf(site.name)));
  });

  test("every site's first plan only creates its app, service principal, consents, passwords and schedules", () => {
    const plannedTypes = (plan: PlanJson) =>
      effectiveChanges(plan)
        .map((c) => `${c.type}:${c.change.actions.join()}`)
        .sort();
    expect(SITES.map((site) => ({ site: site.name, planned: plannedTypes(runOf(site).firstPlan) }))).toEqual(
      SITES.map((site) => ({
        site: site.name,
        planned: [
          ...Array(site.groupFiltering ? 2 : 1).fill("azuread_app_role_assignment:create"),
          "azuread_application:create",
          "azuread_application_password:create",
          "azuread_application_password:create",
          "azuread_service_principal:create",
          "terraform_data:create",
          "time_rotating:create",
          "time_rotating:create",
        ],
      })),
    );
  });

  test("every site's second plan, after its apply, has no changes", () => {
    expect(SITES.map((site) => ({ site: site.name, ...runOf(site).secondPlan }))).toEqual(
      SITES.map((site) => ({ site: site.name, exitCode: 0, output: "" })),
    );
  });

  test("each site's state is its own file, at the stack's own state key", () => {
    const stateFiles = readdirSync(workDir)
      .filter((entry) => entry.endsWith(".tfstate"))
      .sort();
    expect(stateFiles).toEqual(SITES.map((site) => `terraform.${stackNameOf(site.name)}.tfstate`).sort());
  });

  test("each site's state holds only objects of its own tenant", () => {
    // Which tenant each directory object id belongs to, over both fake directories (Graph's service principal too:
    // its object id differs per tenant).
    const tenantsById = new Map<string, string[]>();
    for (const site of SITES) {
      const doc = tenantOf(site);
      const ids = [
        ...Object.values(doc.applications).flatMap((app) => [
          app.objectId,
          ...app.passwordCredentials.map((p) => p.keyId),
        ]),
        ...Object.values(doc.servicePrincipals).map((sp) => sp.objectId),
        ...doc.appRoleAssignments.map((a) => a.id),
      ];
      for (const id of ids) tenantsById.set(id, [...(tenantsById.get(id) ?? []), site.tenantId]);
    }
    /** The directory object ids a state refers to. */
    const objectIds = (state: StateFile) =>
      state.resources.flatMap(({ mode, type, instances }) =>
        instances.flatMap(({ attributes: a }): string[] => {
          if (mode !== "managed") return [];
          switch (type) {
            case "azuread_application":
            case "azuread_service_principal":
              return [a.object_id];
            case "azuread_app_role_assignment": // id: /servicePrincipals/<resource>/appRoleAssignedTo/<assignment>
              return [(a.id as string).split("/").pop()!, a.principal_object_id, a.resource_object_id];
            case "azuread_application_password":
              return [a.key_id];
            default:
              return [];
          }
        }),
      );

    for (const site of SITES) {
      const stack = stackNameOf(site.name);
      const state = readState(stack);
      const ids = objectIds(state);
      const consents = site.groupFiltering ? 2 : 1;
      expect({ stack, count: ids.length }).toEqual({ stack, count: 4 + 3 * consents });
      expect({ stack, tenants: [...new Set(ids.flatMap((id) => tenantsById.get(id) ?? ["(in no tenant)"]))] }).toEqual({
        stack,
        tenants: [site.tenantId],
      });
      const deployer = state.resources.find((r) => r.mode === "data" && r.type === "azuread_client_config")!;
      expect({ stack, tenant: deployer.instances[0]!.attributes.tenant_id }).toEqual({ stack, tenant: site.tenantId });
      const text = readFileSync(stateFileOf(stack), "utf8");
      expect({
        stack,
        otherTenants: SITES.filter((other) => other !== site && text.includes(other.tenantId)).map((o) => o.name),
      }).toEqual({ stack, otherTenants: [] });
    }
  });

  test("the fake directory holds exactly the sites' tenants, none by default", () => {
    const tenantFiles = doublesPool.flatMap((doubles) => readdirSync(join(doubles.directoryRoot, "tenants"))).sort();
    expect(tenantFiles).toEqual(SITES.map((site) => `${site.tenantId}.json`).sort());
  });

  test("each tenant has exactly one Miradore app, its service principal, its consents and two passwords", () => {
    for (const site of SITES) {
      const doc = tenantOf(site);
      const apps = Object.values(doc.applications);
      const servicePrincipals = Object.values(doc.servicePrincipals).filter((sp) => !sp.builtIn);
      const graph = Object.values(doc.servicePrincipals).find((sp) => sp.builtIn)!;
      const passwordKeyIds = readState(stackNameOf(site.name))
        .resources.filter((r) => r.type === "azuread_application_password")
        .map((r) => r.instances[0]!.attributes.key_id as string)
        .sort();
      expect({
        tenant: site.tenantId,
        apps: apps.map((app) => app.displayName),
        servicePrincipalsOfTheApp: servicePrincipals.map((sp) => sp.appId === apps[0]?.appId),
        consents: doc.appRoleAssignments
          .filter((a) => a.principalId === servicePrincipals[0]?.objectId && a.resourceId === graph.objectId)
          .map((a) => a.appRoleId)
          .sort(),
        assignments: doc.appRoleAssignments.length,
        passwords: apps[0]?.passwordCredentials.map((p) => p.keyId).sort(),
      }).toEqual({
        tenant: site.tenantId,
        apps: ["Miradore MDM"],
        servicePrincipalsOfTheApp: [true],
        consents: (site.groupFiltering ? [USER_READ_ALL.id, GROUP_READ_ALL.id] : [USER_READ_ALL.id]).sort(),
        assignments: site.groupFiltering ? 2 : 1,
        passwords: passwordKeyIds,
      });
      expect(passwordKeyIds).toHaveLength(2);
    }
  });
});
