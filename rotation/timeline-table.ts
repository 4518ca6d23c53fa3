import { formatMinute, MINUTES_PER_DAY } from "./minutes";
import type { RotationEvent, SimulationResult } from "./rotation-events";
import { secretLifetimes, type SecretLifetime } from "./secret-lifetimes";

const HEADERS = ["Date (UTC)", "Event", "Slot", "Secret", "Valid until", "Operator"] as const;

/**
 * The event log as a table a person reads: one row per event, with what the operator must do and by when.
 * `time_rotating` renewals are folded into the secret they make (same run, same slot).
 */
export function timelineTable(result: SimulationResult): string {
  const handoffMinutes = result.settings.handoffDays * MINUTES_PER_DAY;
  const rotatesAt = new Map<string, number>();
  const lifetimes = new Map(secretLifetimes(result.events).map((secret) => [secret.number, secret]));
  const rows: string[][] = [];
  for (const event of result.events) {
    const row = describe(event, handoffMinutes, rotatesAt, lifetimes);
    if (row !== undefined) rows.push([formatMinute(event.at), ...row]);
  }
  return formatColumns([[...HEADERS], ...rows]);
}

function describe(
  event: RotationEvent,
  handoffMinutes: number,
  rotatesAt: Map<string, number>,
  lifetimes: ReadonlyMap<number, SecretLifetime>,
): string[] | undefined {
  switch (event.kind) {
    case "rotation-created":
      rotatesAt.set(`${event.slot}@${event.at}`, event.rotatesAt);
      return undefined;
    case "secret-created": {
      const due = rotatesAt.get(`${event.slot}@${event.at}`);
      const what =
        event.replaces === undefined ? "new secret (first deploy)" : `new secret, succeeds #${event.replaces}`;
      const previous = event.replaces === undefined ? undefined : lifetimes.get(event.replaces)!;
      const previousWorks = previous && Math.min(previous.deletedAt ?? Infinity, previous.endAt);
      return [
        due === undefined ? what : `${what}; slot rotates after ${formatMinute(due)}`,
        event.slot,
        `#${event.secret}`,
        formatMinute(event.endAt),
        previous === undefined
          ? ""
          : `paste #${event.secret} into Miradore by ${formatMinute(event.at + handoffMinutes)} ` +
            `(#${previous.number} works until ${formatMinute(previousWorks!)})`,
      ];
    }
    case "rotation-held":
      return ["rotation held: it would delete a secret Miradore may still use", event.slot, "", "", ""];
    case "secret-deleted":
      return ["secret deleted", event.slot, `#${event.secret}`, "", ""];
    case "handoff":
      return ["operator pastes it into Miradore", "", `#${event.secret}`, "", "done"];
  }
}

/** Left-aligned columns separated by two spaces, with a rule under the header. */
function formatColumns(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return (
    [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n") + "\n"
  );
}
