import type { SiteConfig } from "../../config/config-schema";
import { stackNameOf } from "../../app/site-stack";
import { miradoreGraphAppRoles } from "../../constructs";
import { scratchApp, StateLocation, stateLocationOf } from "./state-location";

/** What an operator reviews about one site. Only settings and derived names: no secret ever reaches it. */
export interface FleetEntry {
  readonly name: string;
  readonly tenantId: string;
  readonly allowSharedTenant: boolean;
  readonly displayName: string;
  /** The Microsoft Graph application permissions requested and consented. */
  readonly graphPermissions: readonly { readonly value: string; readonly id: string }[];
  readonly secret: {
    readonly lifetimeDays: number;
    readonly rotationIntervalDays: number;
    readonly handoffDays: number;
    readonly maxRunGapDays: number;
    readonly tenantMaxLifetimeDays: number;
  };
  readonly stackName: string;
  readonly state: StateLocation;
  /** With `--sign-ins`: the key Miradore last signed in with, by Entra's sign-in logs (ci:sign-ins). */
  readonly observedSignIn?: string;
}

/** The fleet view of each site, in configuration order. */
export function fleetEntries(sites: readonly SiteConfig[]): FleetEntry[] {
  const app = scratchApp();
  return sites.map((site) => {
    const stackName = stackNameOf(site.name);
    const { lifetimeDays, rotationIntervalDays, handoffDays, maxRunGapDays, tenantMaxLifetimeDays } = site.secret;
    return {
      name: site.name,
      tenantId: site.tenantId,
      allowSharedTenant: site.allowSharedTenant,
      displayName: site.displayName,
      graphPermissions: miradoreGraphAppRoles(site.groupFiltering).map(({ value, id }) => ({ value, id })),
      secret: { lifetimeDays, rotationIntervalDays, handoffDays, maxRunGapDays, tenantMaxLifetimeDays },
      stackName,
      state: stateLocationOf(site.state, stackName, app),
    };
  });
}
