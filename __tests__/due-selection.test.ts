// Which stacks the scheduled run applies (rotation/due-selection.ts): every reason to apply, and that a record that is
// missing, unreadable or old is always a reason to apply, never to skip.
import { selectDue, type StackRunRecord } from "../rotation/due-selection";

const NOW = new Date("2026-05-10T05:17:00Z");
const OPTIONS = {
  now: NOW,
  nextRunAt: new Date("2026-05-11T05:17:00Z"),
  marginHours: 24,
  sweepDays: 7,
  configHash: "a".repeat(64),
};
const QUIET: StackRunRecord = {
  lastResult: "unchanged",
  lastAppliedAt: "2026-05-08T05:20:00Z",
  configHash: "a".repeat(64),
  outputs: {
    next_rotation_date: "2026-06-20T08:00:00Z",
    handoff_deadline: "2026-04-30T08:00:00Z",
    client_secret_end_date: "2026-10-01T08:00:00Z",
    client_secret_key_id: "00000000-0000-4000-8000-000000000001",
  },
};
const withOutputs = (outputs: Record<string, unknown>): StackRunRecord => ({
  ...QUIET,
  outputs: { ...QUIET.outputs, ...outputs },
});

test("a stack with nothing due before the next run plus the margin is skipped, with the next rotation as the reason", () => {
  expect(selectDue(QUIET, OPTIONS)).toEqual({
    due: false,
    reason: "nothing due before 2026-05-12T05:17Z; next rotation 2026-06-20T08:00Z",
  });
});

test.each<[string, StackRunRecord | undefined, RegExp]>([
  ["no record at all", undefined, /no record of an earlier run/],
  ["the last run left no result", { ...QUIET, lastResult: "missing" }, /left no result/],
  ["the last run failed", { ...QUIET, lastResult: "failed" }, /the last run failed/],
  ["a rotation was held", { ...QUIET, lastResult: "held" }, /a rotation is held/],
  ["the configuration changed", { ...QUIET, configHash: "b".repeat(64) }, /configuration changed since the last apply/],
  ["no time of the last apply", { ...QUIET, lastAppliedAt: undefined }, /no time of the last apply/],
  ["a last apply in the future", { ...QUIET, lastAppliedAt: "2026-06-01T00:00:00Z" }, /in the future/],
  ["7 days since the last apply (the sweep)", { ...QUIET, lastAppliedAt: "2026-05-03T05:17:00Z" }, /the sweep/],
  [
    "a rotation due before the next run",
    withOutputs({ next_rotation_date: "2026-05-11T04:00:00Z" }),
    /rotation is due 2026-05-11T04:00Z/,
  ],
  [
    "a rotation due within the margin after it",
    withOutputs({ next_rotation_date: "2026-05-12T05:00:00Z" }),
    /rotation is due/,
  ],
  ["a rotation already past", withOutputs({ next_rotation_date: "2026-05-01T00:00:00Z" }), /rotation is due/],
  ["a handoff ending before the next run", withOutputs({ handoff_deadline: "2026-05-11T00:00:00Z" }), /a handoff ends/],
  [
    "a current secret expiring before the next run",
    withOutputs({ client_secret_end_date: "2026-05-11T00:00:00Z" }),
    /expires/,
  ],
  ["no next rotation date", withOutputs({ next_rotation_date: undefined }), /no readable next_rotation_date/],
  ["an unreadable next rotation date", withOutputs({ next_rotation_date: "soon" }), /no readable next_rotation_date/],
  ["an unreadable handoff deadline", withOutputs({ handoff_deadline: 17 }), /no readable handoff_deadline/],
  ["no outputs", { ...QUIET, outputs: undefined }, /no readable next_rotation_date/],
])("is due when %s", (_, record, reason) => {
  const decision = selectDue(record, OPTIONS);
  expect(decision.due).toBe(true);
  expect(decision.reason).toMatch(reason);
});

test("a handoff that ended before the last apply is no reason to apply again", () => {
  expect(selectDue(withOutputs({ handoff_deadline: "2026-05-08T00:00:00Z" }), OPTIONS).due).toBe(false);
});

test("a stack is swept on its day of the sweep, and only then", () => {
  const today = Math.floor(NOW.getTime() / 86_400_000) % 7;
  expect(selectDue(QUIET, { ...OPTIONS, sweepSlot: today })).toEqual({
    due: true,
    reason: "its day of the 7-day sweep",
  });
  expect(selectDue(QUIET, { ...OPTIONS, sweepSlot: (today + 1) % 7 }).due).toBe(false);
});

test("a rotation just outside the margin waits for a later run", () => {
  expect(selectDue(withOutputs({ next_rotation_date: "2026-05-12T05:18:00Z" }), OPTIONS).due).toBe(false);
});

test("with sign-in logs on, a pending handoff is due every day (its logs close it early); without, it waits", () => {
  const pending = withOutputs({ handoff_deadline: "2026-05-20T08:00:00Z" });
  expect(selectDue(pending, OPTIONS).due).toBe(false);
  expect(selectDue(pending, { ...OPTIONS, watchHandoffs: true })).toEqual({
    due: true,
    reason: "a handoff is pending until 2026-05-20T08:00Z: its sign-in logs show when Miradore switches",
  });
  // A handoff that is over is not watched.
  expect(selectDue(QUIET, { ...OPTIONS, watchHandoffs: true }).due).toBe(false);
});
