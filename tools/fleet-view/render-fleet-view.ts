import type { FleetEntry } from "./fleet-entry";
import { describeStateLocation } from "./state-location";
import { textTable } from "./text-table";

/**
 * The fleet for a terminal: who each site is and what it is granted, then where each stack (`miradore-<site>`, same
 * order) keeps state. Two tables, so both fit 100 columns next to full tenant ids for site names of up to 17
 * characters; longer values widen a table rather than being cut.
 */
export function renderFleetView(entries: readonly FleetEntry[], source: string): string {
  const sites = textTable(
    [{ header: "SITE" }, { header: "TENANT" }, { header: "GRAPH PERMISSIONS" }, { header: "SECRET DAYS" }],
    entries.map((entry) => [
      entry.name,
      entry.allowSharedTenant ? `${entry.tenantId} (shared)` : entry.tenantId,
      entry.graphPermissions.map((permission) => permission.value).join(", "),
      [
        entry.secret.lifetimeDays,
        entry.secret.rotationIntervalDays,
        entry.secret.handoffDays,
        entry.secret.maxRunGapDays,
      ].join("/"),
    ]),
  );
  const observed = entries.some((entry) => entry.observedSignIn !== undefined);
  const stacks = textTable(
    [{ header: "STACK" }, { header: "STATE" }, ...(observed ? [{ header: "MIRADORE SIGNS IN WITH (KEY ID)" }] : [])],
    entries.map((entry) => [
      entry.stackName,
      describeStateLocation(entry.state),
      ...(observed ? [entry.observedSignIn ?? ""] : []),
    ]),
  );
  return (
    `${entries.length} site${entries.length === 1 ? "" : "s"} in ${source}\n\n${sites}` +
    "SECRET DAYS: lifetime / new secret every / handoff to Miradore / max gap between pipeline runs\n\n" +
    stacks
  );
}
