// A service provider's fleet for a simulated quarter (issue 16): `sites` sites, each in a customer tenant of its own,
// all run by the one multi-tenant CI identity, through sharded daily runs (sharded-daily-runs.ts) on a pool of
// provider doubles. Rotation intervals differ from site to site (20 to 45 days), so rotations and handoffs are spread
// over the quarter as in a fleet onboarded over time. One customer's administrator removes the CI app from its
// tenant (revoking the consent) and consents again two weeks later. The checks (quarter-checks.ts) say whether every
// rotation was on time, every handoff noticed and the revoking tenant named, with its consent link, every day its
// stack failed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchSiteName, benchTenantId } from "../../tools/bench/fleet-config";
import { DEPLOYER_CLIENT_ID } from "../provider-doubles/fake-entra/directory-store";
import {
  consentToCiAppInPortal,
  removeCiServicePrincipalInPortal,
} from "../provider-doubles/fake-entra/portal-actions";
import { ProviderDoublesPool } from "../provider-doubles-pool";
import { synthesizeWithNpm } from "../terraform-harness";
import {
  failuresNamed,
  handoffsNoticed,
  holdsNoticed,
  rotationsOnTime,
  sweptWithin,
  type CheckResult,
} from "./quarter-checks";
import { runShardedDays, type RehearsalDay } from "./sharded-daily-runs";

export interface FleetQuarterOptions {
  readonly sites: number;
  /** @default 91 (a quarter) */
  readonly days?: number;
  /** Stacks per shard. @default 50 (rotation.yml) */
  readonly shardSize?: number;
  /** Stacks a shard runs at once, and doubles processes to serve them. @default 4 (rotation.yml) */
  readonly parallel?: number;
  /** Told after each day. */
  readonly afterDay?: (day: RehearsalDay) => void;
}

export interface FleetQuarter {
  readonly days: readonly RehearsalDay[];
  readonly stacks: readonly string[];
  /** The site whose tenant revoked the consent, its tenant, and the days it was revoked. */
  readonly revoking: {
    readonly stack: string;
    readonly tenantId: string;
    readonly fromDay: number;
    readonly toDay: number;
  };
  readonly checks: Readonly<Record<string, CheckResult>>;
}

const REHEARSAL_START = new Date("2026-03-02T05:17:00Z");
/** The workflows' sweep (rotation.yml: ci:stacks applies every stack at least this often). */
const SWEEP_DAYS = 7;
const REVOKED_ON_DAY = 30;
const CONSENTED_AGAIN_ON_DAY = 44;

/** A site's rotation settings: the interval from 20 to 45 days; the lifetime leaves room for a late run. */
function secretOfSite(i: number): string {
  const interval = 20 + (i % 26);
  return `{ lifetimeDays: ${2 * interval + 20}, rotationIntervalDays: ${interval}, handoffDays: 5, maxRunGapDays: 7 }`;
}

/** `sites` sites, each in a tenant of its own (the benchmark's names and tenant ids), with their rotation settings. */
export function fleetConfigYaml(sites: number): string {
  const lines = ["sites:"];
  for (let i = 0; i < sites; i++)
    lines.push(`  - { name: ${benchSiteName(i)}, tenantId: ${benchTenantId(i)}, secret: ${secretOfSite(i)} }`);
  return `${lines.join("\n")}\n`;
}

export async function rehearseFleetQuarter(options: FleetQuarterOptions): Promise<FleetQuarter> {
  const { sites, days = 91, shardSize = 50, parallel = 4 } = options;
  if (days <= CONSENTED_AGAIN_ON_DAY) throw new Error(`a fleet quarter needs more than ${CONSENTED_AGAIN_ON_DAY} days`);
  const work = mkdtempSync(join(tmpdir(), "fleet-quarter-"));
  const pool = await ProviderDoublesPool.start({ lanes: parallel, now: REHEARSAL_START }).catch((error: unknown) => {
    rmSync(work, { recursive: true, force: true });
    throw error;
  });
  try {
    writeFileSync(join(work, "miradore.config.yaml"), fleetConfigYaml(sites));
    synthesizeWithNpm(join(work, "miradore.config.yaml"), join(work, "cdktf.out"));
    const stacks = Array.from({ length: sites }, (_, i) => `miradore-${benchSiteName(i)}`);
    const revokingSite = Math.floor(sites / 2);
    const revoking = {
      stack: stacks[revokingSite]!,
      tenantId: benchTenantId(revokingSite),
      fromDay: REVOKED_ON_DAY,
      toDay: CONSENTED_AGAIN_ON_DAY,
    };
    const ran = await runShardedDays({
      work,
      doubles: pool,
      start: REHEARSAL_START,
      days,
      shardSize,
      parallel,
      beforeDay: (day) => {
        if (day === REVOKED_ON_DAY) pool.changeTenant(removeCiServicePrincipalInPortal, revoking.tenantId);
        if (day === CONSENTED_AGAIN_ON_DAY) pool.changeTenant(consentToCiAppInPortal, revoking.tenantId);
      },
      afterDay: options.afterDay,
    });
    const consentLink = `https://login.microsoftonline.com/${revoking.tenantId}/adminconsent?client_id=${DEPLOYER_CLIENT_ID}`;
    return {
      days: ran,
      stacks,
      revoking,
      checks: {
        "every rotation at the first run after it falls due": rotationsOnTime(ran, stacks),
        "every new secret in that day's notice": handoffsNoticed(ran, stacks),
        "every held rotation in that day's notice": holdsNoticed(ran, stacks),
        "the revoking tenant and its consent link named on each day its stack failed": failuresNamed(
          ran,
          stacks,
          revoking.stack,
          [revoking.tenantId, consentLink],
        ),
        [`every stack run at least every ${SWEEP_DAYS} days`]: sweptWithin(ran, stacks, SWEEP_DAYS),
      },
    };
  } finally {
    await pool.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
