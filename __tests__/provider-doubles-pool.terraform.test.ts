// Terraform runs for two tenants at once on the provider doubles. One doubles process keeps one provider
// configuration, so the run that configured first writes into the tenant of the run that configured last; a pool
// (test-support/provider-doubles-pool.ts) gives each run a process of its own over one fake directory. Made
// deterministic with a gate: tenant A's apply is held at its first create until tenant B's whole apply has run.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { held } from "../test-support/provider-doubles/fake-entra/provider-faults";
import {
  readFaults,
  readTenant,
  releaseGate,
  writeFaults,
} from "../test-support/provider-doubles/fake-entra/directory-store";
import { ProviderDoublesPool } from "../test-support/provider-doubles-pool";
import { site, synthSite } from "../test-support/synth-site";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";

const run = promisify(execFile);
const TENANT_A = "0a0a0a0a-1111-4222-8333-444455556666";
const TENANT_B = "0b0b0b0b-1111-4222-8333-444455556666";
const GATE = "tenant-a-create";
const LIMIT_MS = 120_000;

interface Doubles {
  readonly directoryRoot: string;
  env(): Readonly<Record<string, string>>;
}

/** A stack for `tenantId` in a folder of its own, its state in the folder. */
function stackFolder(work: string, name: string, tenantId: string): string {
  const { json } = synthSite(site({ name, tenantId, displayName: `Miradore ${name}` }));
  const dir = join(work, name);
  mkdirSync(dir);
  delete (json.terraform as { backend?: unknown }).backend;
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

/**
 * A's apply held at its first application create, B's apply to the end, then A's released: the applications each
 * tenant holds afterwards, by display name.
 */
async function applyBothAtOnce(work: string, doubles: Doubles, terraform: string) {
  const a = stackFolder(work, "alpha", TENANT_A);
  const b = stackFolder(work, "beta", TENANT_B);
  const env = { ...process.env, ...doubles.env() };
  const tf = (dir: string, args: string[]) => run(terraform, [...args, "-no-color"], { cwd: dir, env });
  await Promise.all([tf(a, ["init", "-input=false"]), tf(b, ["init", "-input=false"])]);
  writeFaults(doubles.directoryRoot, [held("create", "azuread_application", GATE)]);
  const first = tf(a, ["apply", "-auto-approve", "-input=false"]);
  while ((readFaults(doubles.directoryRoot)[0]?.seen ?? 0) < 1) await new Promise((r) => setTimeout(r, 20));
  await tf(b, ["apply", "-auto-approve", "-input=false"]);
  releaseGate(doubles.directoryRoot, GATE);
  // On one process A's run may also fail afterwards (its objects are not where it looks): what counts is the directory.
  await first.catch(() => undefined);
  const names = (tenantId: string) =>
    Object.values(readTenant(doubles.directoryRoot, tenantId).applications).map((app) => app.displayName);
  return { [TENANT_A]: names(TENANT_A), [TENANT_B]: names(TENANT_B) };
}

describeWithTerraform("provider doubles for Terraform runs of two tenants at once", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "doubles-pool-"));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test(
    "on one doubles process, the held run writes into the other tenant (why the pool exists)",
    async () => {
      const doubles = await ProviderDoubles.start();
      try {
        const apps = await applyBothAtOnce(work, doubles, "terraform");
        expect(apps[TENANT_A]).toEqual([]);
        expect(apps[TENANT_B]!.sort()).toEqual(["Miradore alpha", "Miradore beta"].sort());
      } finally {
        await doubles.stop();
      }
    },
    LIMIT_MS,
  );

  test(
    "on a pool, each run has a lane of its own: each tenant gets its own application",
    async () => {
      const pool = await ProviderDoublesPool.start({ lanes: 2 });
      try {
        const shim = pool.env().MIRADORE_TERRAFORM!;
        expect(pool.env().TF_REATTACH_PROVIDERS).toBeUndefined();
        const apps = await applyBothAtOnce(work, pool, shim);
        expect(apps).toEqual({ [TENANT_A]: ["Miradore alpha"], [TENANT_B]: ["Miradore beta"] });
      } finally {
        await pool.stop();
      }
    },
    LIMIT_MS,
  );
});
