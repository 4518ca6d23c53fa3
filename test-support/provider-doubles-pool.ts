// Provider doubles for Terraform runs that go on at once, for different tenants. One doubles process keeps one
// provider configuration (the last Configure wins, provider-doubles/README.md), so two tenants' runs on one process
// would write each other's tenant. A pool starts one process per lane over one fake directory, and hands the pipeline
// a `terraform` (MIRADORE_TERRAFORM) that takes a free lane for each run: mkdir as the lock, the lane's
// TF_REATTACH_PROVIDERS, the real Terraform, the lock removed when it ends. Fault rules (faults.json) count matches
// with no lock between processes, and runs at once match in any order: a test that counts (`nth`) uses one lane.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TenantDocument } from "./provider-doubles/fake-entra/directory-store";
import { ProviderDoubles, type ProviderDoublesOptions } from "./terraform-harness";

export interface ProviderDoublesPoolOptions extends Omit<ProviderDoublesOptions, "mode" | "directoryRoot"> {
  /** How many Terraform runs may go on at once: one doubles process each. */
  readonly lanes: number;
  /** The real Terraform the lanes run. @default `terraform` on the PATH */
  readonly terraform?: string;
}

/** How long a run waits between looks for a free lane, when every lane is taken (seconds, for sleep(1)). */
const LANE_WAIT_S = "0.02";

export class ProviderDoublesPool {
  private constructor(
    private readonly lanes: readonly ProviderDoubles[],
    private readonly poolDir: string,
    private readonly terraformEnv: Readonly<Record<string, string>>,
  ) {}

  static async start(options: ProviderDoublesPoolOptions): Promise<ProviderDoublesPool> {
    const { lanes: count, terraform = "terraform", ...doublesOptions } = options;
    if (!Number.isInteger(count) || count < 1) throw new Error(`ProviderDoublesPool: lanes is ${count}, not 1 or more`);
    const first = await ProviderDoubles.start(doublesOptions);
    const lanes = [first];
    try {
      for (let i = 1; i < count; i++)
        lanes.push(await ProviderDoubles.start({ ...doublesOptions, directoryRoot: first.directoryRoot }));
    } catch (error) {
      await Promise.all(lanes.reverse().map((lane) => lane.stop()));
      throw error;
    }
    const poolDir = mkdtempSync(join(tmpdir(), "tf-doubles-pool-"));
    mkdirSync(join(poolDir, "locks"));
    lanes.forEach((lane, i) =>
      writeFileSync(join(poolDir, `reattach-${i}.json`), lane.env().TF_REATTACH_PROVIDERS ?? ""),
    );
    const shim = join(poolDir, "terraform");
    writeFileSync(shim, laneScript(poolDir, count, terraform), { mode: 0o755 });
    const env: Record<string, string> = { ...first.env(), MIRADORE_TERRAFORM: shim };
    delete env.TF_REATTACH_PROVIDERS; // a run that bypasses the lanes finds no provider instead of a shared one
    return new ProviderDoublesPool(lanes, poolDir, env);
  }

  /** Environment for the pipeline's commands: MIRADORE_TERRAFORM runs each Terraform command on a free lane. */
  env(): Readonly<Record<string, string>> {
    return this.terraformEnv;
  }

  get directoryRoot(): string {
    return this.lanes[0]!.directoryRoot;
  }

  setClock(now: Date): void {
    this.lanes[0]!.setClock(now);
  }

  changeTenant(change: (doc: TenantDocument) => void, tenantId: string): void {
    this.lanes[0]!.changeTenant(change, tenantId);
  }

  /** Stops every lane, then deletes the fake directory (the first lane's) and the pool's files. */
  async stop(): Promise<void> {
    await Promise.all(this.lanes.slice(1).map((lane) => lane.stop()));
    await this.lanes[0]!.stop();
    rmSync(this.poolDir, { recursive: true, force: true });
  }
}

/** The `terraform` the pipeline runs: takes the first free lane, runs the real Terraform on it, frees the lane. */
function laneScript(poolDir: string, lanes: number, terraform: string): string {
  return [
    "#!/bin/sh",
    "# Provider doubles pool (test-support/provider-doubles-pool.ts): one Terraform run per lane at a time.",
    `pool=${shellQuote(poolDir)}`,
    "while :; do",
    "  lane=0",
    `  while [ "$lane" -lt ${lanes} ]; do`,
    '    if mkdir "$pool/locks/$lane" 2>/dev/null; then',
    "      trap 'rmdir \"$pool/locks/$lane\"' EXIT",
    "      trap 'exit 143' TERM INT",
    `      TF_REATTACH_PROVIDERS=$(cat "$pool/reattach-$lane.json") ${shellQuote(terraform)} "$@"`,
    "      exit $?",
    "    fi",
    "    lane=$((lane + 1))",
    "  done",
    `  sleep ${LANE_WAIT_S}`,
    "done",
    "",
  ].join("\n");
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
