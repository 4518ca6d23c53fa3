// Replays the rotation designs over five simulated years and checks, for every minute, that Miradore's secret is
// valid, that each previous secret survives its successor's handoff window, and that no secret outlives the lifetime.
import { resolve } from "node:path";
import { secretSchema, type SecretConfig } from "../config/config-schema";
import { loadConfig } from "../config/load-config";
import { secretScheduleProblems } from "../constructs";
import { firstViolation, type InvariantViolation } from "../rotation/invariant-check";
import { daysToMinutes, minuteOf } from "../rotation/minutes";
import { OPERATOR_MODELS } from "../rotation/operator-model";
import type { SimulationResult } from "../rotation/rotation-events";
import {
  largestGapDays,
  randomRuns,
  RUN_PATTERN_NAMES,
  runPattern,
  runsEvery,
  withGap,
  horizon,
} from "../rotation/run-patterns";
import { seededRandom } from "../rotation/seeded-random";
import { simulate } from "../rotation/simulate";

const T0 = minuteOf("2025-01-01T06:00:00Z");
const YEARS = 5;

/** Checks minute by minute, and also by changes only: the two must agree on the first violation. */
function check(result: SimulationResult): InvariantViolation | undefined {
  const literal = firstViolation(result, { step: "every-minute" });
  expect(firstViolation(result, { step: "changes-only" })).toEqual(literal);
  return literal;
}

const secret = (overrides: Partial<SecretConfig>): SecretConfig => secretSchema.parse(overrides);
const example = loadConfig({ path: resolve(__dirname, "..", "miradore.config.yaml"), env: {} }).sites[0]!.secret;
const configs: Record<string, SecretConfig> = {
  "the example config": example,
  "the shortest allowed interval (I = H + G)": {
    ...example,
    rotationIntervalDays: example.handoffDays + example.maxRunGapDays,
  },
  "the longest lifetime (L = tenant max 730)": { ...example, lifetimeDays: 730 },
  "the longest lifetime with the longest interval it allows": {
    ...example,
    lifetimeDays: 730,
    rotationIntervalDays: 337,
  },
  "handoff equal to its limit (H = min(I - G, L - 2I - G))": {
    ...example,
    handoffDays: Math.min(
      example.rotationIntervalDays - example.maxRunGapDays,
      example.lifetimeDays - 2 * example.rotationIntervalDays - example.maxRunGapDays,
    ),
  },
  "every limit at once (H + G = I, 2I + H + G = L)": secret({
    lifetimeDays: 168,
    rotationIntervalDays: 56,
    handoffDays: 21,
    maxRunGapDays: 35,
  }),
};

describe.each(Object.entries(configs))("two-slot design with %s", (_, settings) => {
  test("is accepted by the configuration rules", () => {
    expect(secretScheduleProblems(settings)).toEqual([]);
  });

  const patterns = RUN_PATTERN_NAMES.map((name) => ({
    name,
    runs: runPattern(name, { first: T0, years: YEARS, settings }),
  }));
  test.each(
    patterns.filter(({ runs }) => largestGapDays(runs) <= settings.maxRunGapDays).map((p) => [p.name, p.runs] as const),
  )(
    "keeps every invariant at every minute for 5 years of %s runs, for both operator models, holding nothing",
    (_, runs) => {
      const lastMoment = simulate(settings, runs, { operator: "last-moment" });
      expect(check(lastMoment)).toBeUndefined();
      // Within the rules the schedule alone keeps the handoff: the apply guard never has to hold a rotation.
      expect(lastMoment.events.filter((event) => event.kind === "rotation-held")).toEqual([]);
      // The immediate operator only ever shortens Miradore's use of an old secret; checked by changes only for speed.
      expect(
        firstViolation(simulate(settings, runs, { operator: "immediately" }), { step: "changes-only" }),
      ).toBeUndefined();
    },
  );
});

test("the example's patterns cover every named pattern (no pattern is skipped for a gap above maxRunGapDays)", () => {
  for (const name of RUN_PATTERN_NAMES) {
    expect(largestGapDays(runPattern(name, { first: T0, years: YEARS, settings: example }))).toBeLessThanOrEqual(
      example.maxRunGapDays,
    );
  }
});

test("every one of 100 random configs the rules accept keeps every invariant and holds nothing (ties validation to the model)", () => {
  const random = seededRandom(20250101);
  const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const accepted: SecretConfig[] = [];
  while (accepted.length < 100) {
    const candidate = secret({
      maxRunGapDays: pick(1, 60),
      handoffDays: pick(1, 60),
      rotationIntervalDays: pick(2, 250),
      lifetimeDays: pick(10, 730),
    });
    if (secretScheduleProblems(candidate).length === 0) accepted.push(candidate);
  }
  const failures: string[] = [];
  accepted.forEach((settings, index) => {
    const runSets = {
      random: randomRuns(T0, horizon(T0, YEARS), settings.maxRunGapDays, index + 1),
      daily: runPattern("daily", { first: T0, years: YEARS, settings }),
      // The worst place for the longest allowed gap: right after the run that just misses slot A's first rotation.
      "worst gap": withGap(
        runPattern("daily", { first: T0, years: YEARS, settings }),
        T0 + daysToMinutes(2 * settings.rotationIntervalDays),
        settings.maxRunGapDays,
      ),
    };
    for (const [pattern, runs] of Object.entries(runSets)) {
      for (const operator of OPERATOR_MODELS) {
        const result = simulate(settings, runs, { operator });
        const violation = firstViolation(result, { step: "changes-only" });
        if (violation) failures.push(`${JSON.stringify(settings)} ${pattern} ${operator}: ${violation.explanation}`);
        const held = result.events.find((event) => event.kind === "rotation-held");
        if (held)
          failures.push(`${JSON.stringify(settings)} ${pattern} ${operator}: a rotation was held at ${held.at}`);
      }
    }
  });
  expect(failures).toEqual([]);
});

describe("the single-password design (time_rotating + rotate_when_changed on one password)", () => {
  test.each(OPERATOR_MODELS)("fails with the example config and daily runs, operator %s", (operator) => {
    const runs = runPattern("daily", { first: T0, years: YEARS, settings: example });
    const violation = check(simulate(example, runs, { design: "single-password", operator }));
    // rotation_days = 60: the run on day 60 finds it due but not past due; the run on day 61 rotates.
    expect(violation).toMatchObject({ at: T0 + daysToMinutes(61) });
    // Last-moment: Miradore still holds the deleted secret; immediately: the handoff window had no old secret left.
    expect(violation!.invariant).toBe(operator === "last-moment" ? "miradore-secret-valid" : "handoff-window");
    expect(violation!.explanation).toMatch(/#1\b.*deleted.*2025-03-03 06:00/);
  });

  test.each([7, 30, 60, 150])("fails whatever its rotation_days (%i), at its first rotation", (rotationDays) => {
    const runs = runPattern("daily", { first: T0, years: YEARS, settings: example });
    const violation = check(
      simulate(example, runs, { design: "single-password", singlePasswordRotationDays: rotationDays }),
    );
    expect(violation?.at).toBe(T0 + daysToMinutes(rotationDays + 1));
  });
});

describe("the bounds are real", () => {
  const limits = configs["every limit at once (H + G = I, 2I + H + G = L)"]!;
  const I = limits.rotationIntervalDays;
  const G = limits.maxRunGapDays;
  const daily = runsEvery(T0, horizon(T0, YEARS), 1);
  // The run at day 2I sees slot A due but not past due, so the gap starts there.
  const afterDueRun = T0 + daysToMinutes(2 * I);

  test("a gap of exactly maxRunGapDays at the worst place still passes", () => {
    expect(check(simulate(limits, withGap(daily, afterDueRun, G)))).toBeUndefined();
  });

  test("fails when the pipeline misses maxRunGapDays + 1 days, for a config at its limits", () => {
    const runs = withGap(daily, afterDueRun, G + 1);
    expect(largestGapDays(runs)).toBe(G + 1);
    const violation = check(simulate(limits, runs));
    expect(violation).toMatchObject({
      invariant: "miradore-secret-valid",
      at: T0 + daysToMinutes(limits.lifetimeDays),
    });
    expect(violation!.explanation).toMatch(/Miradore uses secret #2, but it expired/);
  });

  // With the last-moment operator Miradore itself is caught holding a dead secret; with the immediate one, the
  // handoff window promised by the schedule is still broken.
  const expectedInvariant = { "last-moment": "miradore-secret-valid", immediately: "handoff-window" } as const;

  test.each(OPERATOR_MODELS)(
    "fails when lifetimeDays is one day short of 2I + H + G, operator %s (the rule rejects it too)",
    (operator) => {
      const short = { ...limits, lifetimeDays: limits.lifetimeDays - 1 };
      expect(secretScheduleProblems(short).map((p) => p.field)).toEqual(["rotationIntervalDays"]);
      const violation = check(simulate(short, withGap(daily, afterDueRun, G), { operator }));
      // The first deploy's current secret (#2) expires one day before its successor's handoff is due.
      expect(violation).toMatchObject({
        invariant: expectedInvariant[operator],
        at: T0 + daysToMinutes(short.lifetimeDays),
      });
      expect(violation!.explanation).toMatch(/#2.*expired/);
    },
  );

  describe("when handoffDays + maxRunGapDays is one day more than the interval (the rule rejects it too)", () => {
    const long = { ...limits, handoffDays: limits.handoffDays + 1, lifetimeDays: 730 };
    // Slot A rotates as late as allowed; slot B's old secret is due at the first minute it may go: one minute after due.
    const runs = [...withGap(daily, afterDueRun, G), T0 + daysToMinutes(3 * I) + 1].sort((x, y) => x - y);

    test("the rule rejects it, and the runs keep to maxRunGapDays", () => {
      expect(secretScheduleProblems(long).map((p) => p.field)).toEqual(["handoffDays"]);
      expect(largestGapDays(runs)).toBe(G);
    });

    test.each(OPERATOR_MODELS)("the pipeline without the apply guard breaks the handoff, operator %s", (operator) => {
      const violation = check(simulate(long, runs, { operator, guard: false }));
      expect(violation).toMatchObject({ invariant: expectedInvariant[operator], at: T0 + daysToMinutes(3 * I) + 1 });
      expect(violation!.explanation).toMatch(/#2.*deleted/);
    });

    test("the apply guard holds slot B's rotation instead, and every invariant holds", () => {
      const result = simulate(long, runs);
      expect(result.events.filter((e) => e.kind === "rotation-held")).toEqual([
        { kind: "rotation-held", at: T0 + daysToMinutes(3 * I) + 1, slot: "B" },
      ]);
      expect(check(result)).toBeUndefined();
    });
  });
});

describe("the checker itself", () => {
  const base: SimulationResult = { design: "two-slot", settings: example, runs: [T0, T0 + 100], events: [] };
  const created = (secretNumber: number, at: number, lifetimeMinutes: number, replaces?: number) =>
    ({ kind: "secret-created", at, slot: "A", secret: secretNumber, endAt: at + lifetimeMinutes, replaces }) as const;

  test("fails when no secret has been handed to Miradore", () => {
    expect(check({ ...base, events: [created(1, T0, 10_000)] })).toMatchObject({
      invariant: "miradore-secret-valid",
      at: T0,
    });
  });

  test("fails when a secret outlives lifetimeDays", () => {
    const events = [
      created(1, T0, daysToMinutes(example.lifetimeDays) + 1),
      { kind: "handoff", at: T0, secret: 1 } as const,
    ];
    expect(check({ ...base, events })).toMatchObject({ invariant: "lifetime", at: T0 });
  });

  test("fails at the minute Miradore's secret reaches its end date", () => {
    const events = [created(1, T0, 50), { kind: "handoff", at: T0, secret: 1 } as const];
    expect(check({ ...base, events })).toMatchObject({ invariant: "miradore-secret-valid", at: T0 + 50 });
  });

  test("fails when a previous secret expires inside its successor's handoff window", () => {
    const events = [
      created(1, T0, 60),
      { kind: "handoff", at: T0, secret: 1 } as const,
      created(2, T0 + 10, 10_000, 1),
      { kind: "handoff", at: T0 + 10, secret: 2 } as const,
    ];
    expect(check({ ...base, events })).toMatchObject({ invariant: "handoff-window", at: T0 + 60 });
  });
});
