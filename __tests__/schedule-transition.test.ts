// A change of the secret schedule judged against the secrets that exist: refused when the secret Miradore may still
// use would run out under it, with the setting, its old and new value, and what to do instead.
import { daysToMinutes, minuteOf } from "../rotation/minutes";
import type { TwoSlotState } from "../rotation/two-slot-design";
import { transitionAdvice, transitionProblem } from "../tools/secret-guard/schedule-transition";
import { describeChange } from "../tools/secret-guard/secret-guard";

const T0 = minuteOf("2026-03-02T08:00:00Z");
const day = (days: number) => T0 + daysToMinutes(days);
const PREVIOUS = "aaaaaaaa-0000-4000-8000-000000000001";
const CURRENT = "bbbbbbbb-0000-4000-8000-000000000002";

/** Slot B's secret, made on day 110, is being handed off; slot A's, the one Miradore may still use, ends on day 135. */
const state: TwoSlotState = {
  A: {
    rotation: { base: day(-45), rotatesAt: day(120) },
    secret: { number: 0, rotationBase: day(-45), createdAt: day(-45), endAt: day(135), keyId: PREVIOUS },
  },
  B: {
    rotation: { base: day(110), rotatesAt: day(230) },
    secret: { number: 0, rotationBase: day(110), createdAt: day(110), endAt: day(290), keyId: CURRENT },
  },
};
const before = { lifetimeDays: 180, rotationIntervalDays: 60, handoffDays: 21, maxRunGapDays: 25 };

test("a longer handoff the previous secret cannot outlive is refused: when it breaks, and which secret", () => {
  const after = { ...before, handoffDays: 35 };
  expect(describeChange(before, after)).toBe("secret.handoffDays changes from 21 to 35");
  expect(transitionProblem(before, after, state, day(115))).toBe(
    `Under the new schedule, at 2026-07-15 08:00 UTC, Miradore uses the secret with key id ${PREVIOUS}, but it expired at 2026-07-15 08:00`,
  );
});

test("what to do: keep the old value, the day the change becomes safe, and how far it may go now", () => {
  const after = { ...before, handoffDays: 35 };
  expect(transitionAdvice(before, after, state, day(115))).toBe(
    "Keep the old schedule for now (set the setting back); the change is safe from 2026-07-11 on; " +
      "or change it now only as far as secret.handoffDays: 25.",
  );
});

test("the value it suggests is accepted now", () => {
  expect(transitionProblem(before, { ...before, handoffDays: 25 }, state, day(115))).toBeUndefined();
  expect(transitionProblem(before, { ...before, handoffDays: 26 }, state, day(115))).toMatch(
    /Miradore uses the secret/,
  );
});
