// A 1000-site fleet through a simulated quarter of daily rotation runs that apply only what is due
// (rotation/due-selection.ts over the recorded outputs), against the same fleet applied in full every day: every
// secret is made at the same minute both ways (so every rotation happens on its day), every new secret's handoff is in
// what the notice reads that day, and the runs plan a fraction of the stacks. The Terraform side of the same loop (real
// plans and applies of a sample, the record between runs) is fleet-rehearsal.terraform.test.ts.
import { expiryStatus } from "../rotation/expiry-status";
import { replayFleet, type FleetSite } from "../rotation/fleet-operations";
import { daysToMinutes, minuteOf, MINUTES_PER_DAY } from "../rotation/minutes";
import type { RotationEvent } from "../rotation/rotation-events";
import { seededRandom } from "../rotation/seeded-random";

const SITES = 1000;
const QUARTER_DAYS = 91;
const FIRST_RUN = minuteOf("2026-04-01T05:17:00Z");
const SCHEDULES = [
  { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 35 }, // the defaults
  { lifetimeDays: 90, rotationIntervalDays: 30, handoffDays: 14, maxRunGapDays: 14 },
  { lifetimeDays: 365, rotationIntervalDays: 120, handoffDays: 30, maxRunGapDays: 60 },
];

const random = seededRandom(16);
// Deployed over the year before, at any minute of the day (a site deployed by hand), each with one of the schedules.
const fleet: FleetSite[] = Array.from({ length: SITES }, (_, i) => ({
  settings: SCHEDULES[i % SCHEDULES.length]!,
  firstDeploy: FIRST_RUN - daysToMinutes(1 + Math.floor(random() * 365)) + Math.floor(random() * MINUTES_PER_DAY),
}));

const handoffPendingSeen = new Map<string, boolean>();
const started = Date.now();
const dueOnly = replayFleet(fleet, {
  selection: "due-only",
  firstRun: FIRST_RUN,
  days: QUARTER_DAYS,
  observe: (at, site, record) => {
    const values = new Map(Object.entries(record.outputs ?? {}));
    const status = expiryStatus({ stack: `site-${site}`, values, sensitive: new Set() }, at * 60_000, 14);
    if (status.handoff.pending) handoffPendingSeen.set(`${site}@${values.get("client_secret_start_date")}`, true);
  },
});
const dueOnlyMs = Date.now() - started;
const everyStack = replayFleet(fleet, { selection: "every-stack", firstRun: FIRST_RUN, days: QUARTER_DAYS });

const inQuarter = (events: readonly RotationEvent[]) => events.filter((e) => e.at >= FIRST_RUN);

test("every secret is made at the same minute as when every stack is applied every day", () => {
  let created = 0;
  for (let site = 0; site < SITES; site++) {
    expect([site, inQuarter(dueOnly.events[site]!)]).toEqual([site, inQuarter(everyStack.events[site]!)]);
    created += inQuarter(dueOnly.events[site]!).filter((e) => e.kind === "secret-created").length;
  }
  // About one rotation per site and interval: the quarter is not quiet.
  expect(created).toBeGreaterThan(1000);
});

test("every rotation happens at the first daily run after it falls due", () => {
  for (const events of dueOnly.events) {
    const rotations = events.filter((e) => e.kind === "rotation-created");
    for (const made of inQuarter(events).filter((e) => e.kind === "secret-created")) {
      const due = rotations.filter((r) => r.slot === made.slot && r.at < made.at).at(-1);
      if (due?.kind !== "rotation-created") throw new Error("a secret without its rotation");
      expect(made.at - due.rotatesAt).toBeGreaterThan(0);
      expect(made.at - due.rotatesAt).toBeLessThanOrEqual(MINUTES_PER_DAY);
    }
  }
  expect(dueOnly.days.every((d) => d.held === 0)).toBe(true);
});

test("every new secret's handoff is pending in the record the notice reads, on the day it is made", () => {
  for (const [site, events] of dueOnly.events.entries()) {
    for (const made of inQuarter(events).filter((e) => e.kind === "secret-created")) {
      const current = made.at === Math.max(...events.filter((e) => e.at === made.at).map((e) => e.at));
      if (!current) continue;
      const start = new Date(made.at * 60_000).toISOString();
      expect([site, start, handoffPendingSeen.get(`${site}@${start}`)]).toEqual([site, start, true]);
    }
  }
});

test("the runs plan a fraction of the fleet: the due stacks and a weekly sweep", () => {
  const planned = dueOnly.days.map((d) => d.planned);
  const total = planned.reduce((a, b) => a + b, 0);
  expect(everyStack.days.every((d) => d.planned === SITES)).toBe(true);
  expect(total / QUARTER_DAYS).toBeLessThan(SITES / 4);
  expect(Math.max(...planned)).toBeLessThan(SITES / 2);
  // The replay itself stays cheap enough for the unit lane.
  expect(dueOnlyMs).toBeLessThan(60_000);
});
