// The simulator's model of Terraform and time_rotating, run by run: what each design does and when.
import { daysToMinutes, minuteOf } from "../rotation/minutes";
import type { RotationEvent } from "../rotation/rotation-events";
import { largestGapDays, randomRuns, runPattern, runsEvery, withGap } from "../rotation/run-patterns";
import { simulate } from "../rotation/simulate";

const settings = { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 35 };
const T0 = minuteOf("2025-01-01T06:00:00Z");
const day = (days: number) => T0 + daysToMinutes(days);
const ofKind = <K extends RotationEvent["kind"]>(events: readonly RotationEvent[], kind: K) =>
  events.filter((event): event is Extract<RotationEvent, { kind: K }> => event.kind === kind);

describe("two-slot design", () => {
  test("the first deploy makes both slots' secrets, lifetime from now, and Miradore gets slot B's at once", () => {
    const { events } = simulate(settings, [T0]);
    expect(ofKind(events, "rotation-created")).toEqual([
      { kind: "rotation-created", at: T0, slot: "A", rotatesAt: day(120) },
      { kind: "rotation-created", at: T0, slot: "B", rotatesAt: day(180) },
    ]);
    expect(
      ofKind(events, "secret-created").map(({ slot, secret, endAt, replaces }) => ({ slot, secret, endAt, replaces })),
    ).toEqual([
      { slot: "A", secret: 1, endAt: day(180), replaces: undefined },
      { slot: "B", secret: 2, endAt: day(180), replaces: undefined },
    ]);
    expect(ofKind(events, "handoff")).toEqual([{ kind: "handoff", at: T0, secret: 2 }]);
  });

  test("does not rotate at the due minute itself, only at a run strictly after it", () => {
    const atDue = simulate(settings, [T0, day(120)]).events;
    expect(ofKind(atDue, "secret-created")).toHaveLength(2);
    const after = simulate(settings, [T0, day(120) + 1]).events;
    expect(ofKind(after, "secret-created").map((e) => [e.slot, e.at])).toEqual([
      ["A", T0],
      ["B", T0],
      ["A", day(120) + 1],
    ]);
  });

  test("a late run rotates late, and slot A's next rotation counts from that run (the drift is kept)", () => {
    const { events } = simulate(settings, [T0, day(130)]);
    expect(ofKind(events, "rotation-created").at(-1)).toEqual({
      kind: "rotation-created",
      at: day(130),
      slot: "A",
      rotatesAt: day(250),
    });
  });

  test("slot B's schedule is fixed when B rotates: one interval after slot A's pending rotation", () => {
    const { events } = simulate(settings, [T0, day(125), day(185)]);
    const b = ofKind(events, "rotation-created").filter((e) => e.slot === "B");
    expect(b.at(-1)).toEqual({ kind: "rotation-created", at: day(185), slot: "B", rotatesAt: day(125 + 120 + 60) });
  });

  test("each rotation creates the new secret before it deletes the old one, in the same run", () => {
    const { events } = simulate(settings, [T0, day(125)]);
    const run = events.filter((e) => e.at === day(125)).map((e) => `${e.kind}:${"slot" in e ? e.slot : ""}`);
    expect(run).toEqual(["rotation-created:A", "secret-created:A", "secret-deleted:A"]);
    expect(ofKind(events, "secret-deleted")).toEqual([{ kind: "secret-deleted", at: day(125), slot: "A", secret: 1 }]);
  });

  test("the new secret becomes current and the operator pastes it handoffDays later (last-moment model)", () => {
    const { events } = simulate(settings, [T0, day(125)]);
    expect(ofKind(events, "secret-created").at(-1)).toMatchObject({ secret: 3, replaces: 2, endAt: day(125 + 180) });
    expect(ofKind(events, "handoff").at(-1)).toEqual({ kind: "handoff", at: day(125 + 21), secret: 3 });
    const immediately = simulate(settings, [T0, day(125)], { operator: "immediately" }).events;
    expect(ofKind(immediately, "handoff").at(-1)).toEqual({ kind: "handoff", at: day(125), secret: 3 });
  });

  test("after a gap longer than an interval, the guard rotates the previous slot and holds the current one", () => {
    const { events } = simulate(settings, [T0, day(200), day(201), day(222)]);
    const run = events.filter((e) => e.at === day(200));
    // Slot B's secret (#2) is the current one: its due rotation would delete it, so it waits.
    expect(ofKind(run, "rotation-held")).toEqual([{ kind: "rotation-held", at: day(200), slot: "B" }]);
    expect(ofKind(run, "secret-created").map(({ slot, replaces }) => [slot, replaces])).toEqual([["A", 2]]);
    expect(ofKind(run, "secret-deleted").map((e) => e.secret)).toEqual([1]);
    // #2 is the previous secret now: held through the new secret's handoff (21 days), rotated at the first run after.
    expect(ofKind(events, "rotation-held").map((e) => e.at)).toEqual([day(200), day(201)]);
    expect(ofKind(events, "secret-deleted").map((e) => [e.at, e.secret])).toEqual([
      [day(200), 1],
      [day(222), 2],
    ]);
  });

  test("without the guard, a gap longer than an interval rotates both slots in one run and deletes the current", () => {
    const { events } = simulate(settings, [T0, day(200)], { guard: false });
    const run = events.filter((e) => e.at === day(200));
    expect(run.filter((e) => e.kind === "secret-deleted").map((e) => (e as { secret: number }).secret)).toEqual([1, 2]);
    expect(ofKind(run, "secret-created").map((e) => e.replaces)).toEqual([2, 2]);
  });

  test("a secret is current when it is the newest; on a tie (the first deploy) slot B's", () => {
    expect(ofKind(simulate(settings, [T0]).events, "handoff")).toEqual([{ kind: "handoff", at: T0, secret: 2 }]);
    // Slot A rotates first: its new secret (#3) is the newest and the operator is asked for it.
    expect(ofKind(simulate(settings, [T0, day(121)]).events, "handoff").at(-1)).toMatchObject({ secret: 3 });
  });
});

describe("single-password design (the provider's documented pattern)", () => {
  test("deletes the old password in the same run that makes the new one", () => {
    const { events } = simulate(settings, [T0, day(61)], { design: "single-password" });
    expect(events.filter((e) => e.at === day(61)).map((e) => e.kind)).toEqual([
      "rotation-created",
      "secret-created",
      "secret-deleted",
    ]);
  });
});

test("rejects runs that are not strictly ascending", () => {
  expect(() => simulate(settings, [])).toThrow(/runs is empty/);
  expect(() => simulate(settings, [T0, T0])).toThrow(/runs\[1\] is .*strictly ascending/);
});

describe("run patterns", () => {
  test("daily and weekly runs keep the first deploy's time of day", () => {
    expect(runsEvery(T0, day(3), 1)).toEqual([T0, day(1), day(2), day(3)]);
    expect(largestGapDays(runPattern("weekly", { first: T0, years: 5, settings }))).toBe(7);
  });

  test("missed-month leaves exactly one 31-day gap, just before slot A's first rotation", () => {
    const runs = runPattern("missed-month", { first: T0, years: 5, settings });
    expect(largestGapDays(runs)).toBe(31);
    expect(runs).toContain(day(119));
    expect(runs).not.toContain(day(120));
    expect(runs).toContain(day(150));
    expect(withGap([1, 2, 3, 4], 1, 2 / 1440)).toEqual([1, 3, 4]);
  });

  test("random runs are reproducible by seed and never further apart than the maximum gap", () => {
    const runs = randomRuns(T0, day(5 * 365), 35, 7);
    expect(randomRuns(T0, day(5 * 365), 35, 7)).toEqual(runs);
    expect(randomRuns(T0, day(5 * 365), 35, 8)).not.toEqual(runs);
    expect(largestGapDays(runs)).toBeLessThanOrEqual(35);
    expect(runs.length).toBeGreaterThan(50);
  });
});
