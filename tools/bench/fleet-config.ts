/**
 * Generated fleets for the benchmark: `count` sites with stable names and deterministic, distinct tenant ids, so
 * every run synthesizes exactly the same stacks.
 */

/** The tenant id of the site at `index` (0-based): a valid GUID that encodes the index. */
export function benchTenantId(index: number): string {
  return `00000000-0000-4000-8000-${(index + 1).toString(16).padStart(12, "0")}`;
}

/** The name of the site at `index` (0-based): `site-0001`, `site-0002`, ... */
export function benchSiteName(index: number): string {
  return `site-${String(index + 1).padStart(4, "0")}`;
}

/** A configuration file (JSON, which the YAML loader reads as is) listing `count` sites on the built-in defaults. */
export function fleetConfigText(count: number): string {
  const sites = Array.from({ length: count }, (_, index) => ({
    name: benchSiteName(index),
    tenantId: benchTenantId(index),
  }));
  return `${JSON.stringify({ sites }, null, 2)}\n`;
}
