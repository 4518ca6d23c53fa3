// The rotation model proven against Terraform itself: the synthesized stack's scheduled pipeline runs (plan -out,
// apply, clock forward) through the real Terraform CLI and the provider doubles, for two simulated years of the
// example config, at least three rotations of each edge config, and the schedule's worst case (runs laid so that
// a handoff window is exactly handoffDays). After every run the fake directory's passwords and the outputs are read:
// the pure model's invariants must hold on what exists, every rotation must create before it deletes, and Terraform
// must make exactly the secrets, deletions and handoffs the pure model predicts for the same run times. The
// provider's documented single-password way must fail through Terraform as it does in the model.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Testing } from "cdktf";
import type { SecretConfig } from "../config/config-schema";
import { loadConfig } from "../config/load-config";
import { secretScheduleProblems } from "../constructs";
import { firstViolation } from "../rotation/invariant-check";
import { daysToMinutes, minuteOf, type Minute } from "../rotation/minutes";
import type { SimulationResult } from "../rotation/rotation-events";
import { largestGapDays, randomRuns, runPattern, runsEvery } from "../rotation/run-patterns";
import { simulate } from "../rotation/simulate";
import {
  momentsWithoutValidSecret,
  passwordsOutlivingLifetime,
} from "../test-support/rotation-replay/directory-invariants";
import { handoffMargins } from "../test-support/rotation-replay/handoff-margins";
import { lateRotationRuns } from "../test-support/rotation-replay/late-rotation-runs";
import { observedRotationLog, type ObservedRotationLog } from "../test-support/rotation-replay/observed-rotation-log";
import { destroyedBeforeOtherCreations, passwordOrderProblems } from "../test-support/rotation-replay/password-order";
import {
  replayPipelineRuns,
  type ObservedRun,
  type PipelineReplay,
} from "../test-support/rotation-replay/pipeline-replay";
import { runInLanes } from "../test-support/rotation-replay/run-in-lanes";
import { SinglePasswordStack } from "../test-support/rotation-replay/single-password-stack";
import { site, synthSite } from "../test-support/synth-site";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";

const T0 = minuteOf("2026-03-02T08:00:00Z");
const day = (days: number): Minute => T0 + daysToMinutes(days);
/** Long enough for every replay of the file to finish in its lane (about a minute on two cores). */
const REPLAY_LIMIT_MS = 240_000;

const example = loadConfig({ path: resolve(__dirname, "..", "miradore.config.yaml"), env: {} }).sites[0]!.secret;
/** Gaps up to maxRunGapDays at random minutes, over six intervals: at least three rotations, however late the runs. */
const randomRunsOver6Intervals = (settings: SecretConfig, seed: number) =>
  randomRuns(T0, day(6 * settings.rotationIntervalDays), settings.maxRunGapDays, seed);

interface ReplayCase {
  readonly name: string;
  readonly settings: SecretConfig;
  readonly runs: readonly Minute[];
  /** The runs are the schedule's worst case: some secret gets handoffDays plus at most two minutes. */
  readonly worstCase?: boolean;
}

const shortestInterval = { ...example, rotationIntervalDays: example.handoffDays + example.maxRunGapDays };
const longestLifetime = { ...example, lifetimeDays: example.tenantMaxLifetimeDays };
const handoffAtLimit = {
  ...example,
  handoffDays: Math.min(
    example.rotationIntervalDays - example.maxRunGapDays,
    example.lifetimeDays - 2 * example.rotationIntervalDays - example.maxRunGapDays,
  ),
};
/** I = H + G and L = 2I + H + G: every relation of constructs/secret-schedule.ts at its limit. */
const everyLimit = {
  ...example,
  rotationIntervalDays: shortestInterval.rotationIntervalDays,
  lifetimeDays: 3 * shortestInterval.rotationIntervalDays,
};
const lateRuns = (settings: SecretConfig, lateSlot: "A" | "B") =>
  lateRotationRuns(settings, T0, day(6 * settings.rotationIntervalDays), lateSlot);
const cases: ReplayCase[] = [
  {
    name: "the example config, weekly runs for 2 years",
    settings: example,
    runs: runPattern("weekly", { first: T0, years: 2, settings: example }),
  },
  {
    name: "the shortest allowed interval (I = H + G), random runs",
    settings: shortestInterval,
    runs: randomRunsOver6Intervals(shortestInterval, 1),
  },
  {
    name: "the longest lifetime (L = tenant max 730), random runs",
    settings: longestLifetime,
    runs: randomRunsOver6Intervals(longestLifetime, 2),
  },
  {
    name: "handoff equal to its limit (H = min(I - G, L - 2I - G)), random runs",
    settings: handoffAtLimit,
    runs: randomRunsOver6Intervals(handoffAtLimit, 3),
  },
  {
    name: "every limit at once, slot A's rotations G late and B's prompt",
    settings: everyLimit,
    runs: lateRuns(everyLimit, "A"),
    worstCase: true,
  },
  {
    name: "every limit at once, slot B's rotations G late and A's prompt",
    settings: everyLimit,
    runs: lateRuns(everyLimit, "B"),
    worstCase: true,
  },
];

/** Beyond the configured limits: a gap longer than an interval, so both slots are due in one run (twice). */
const bothSlotsDue = { settings: example, runs: [T0, day(200), day(400)] };

/** The documented design over one rotation (weekly runs, rotation_days = I); and without create_before_destroy. */
const single = { settings: example, runs: runsEvery(T0, day(example.rotationIntervalDays + 7), 7) };
const singleWithoutCreateBeforeDestroyRuns = [T0, day(example.rotationIntervalDays) + 1];

const twoSlotStack = (settings: SecretConfig) =>
  synthSite(site({ secret: settings })).json as unknown as Record<string, unknown>;
const singlePasswordStack = (createBeforeDestroy: boolean) =>
  JSON.parse(
    Testing.synth(
      new SinglePasswordStack(Testing.app(), "single-password", {
        site: site({ secret: single.settings }),
        createBeforeDestroy,
      }),
    ),
  ) as Record<string, unknown>;

/** Replays `runs` of a stack on fresh provider doubles (one per replay: every stack registers the same app name). */
async function replay(stackJson: Record<string, unknown>, runs: readonly Minute[]): Promise<PipelineReplay> {
  const doubles = await ProviderDoubles.start();
  try {
    return await replayPipelineRuns(doubles, stackJson, runs);
  } finally {
    await doubles.stop();
  }
}

/** The log's secrets, deletions and handoffs: what the directory and the outputs show (time_rotating renewals do not). */
const visibleEvents = (result: SimulationResult) => result.events.filter((event) => event.kind !== "rotation-created");
const rotationCount = (result: SimulationResult) =>
  result.events.filter((event) => event.kind === "secret-created" && event.at > result.runs[0]!).length;

describeWithTerraform("rotation replayed through Terraform and the provider doubles", () => {
  // Every replay starts at once, in as many lanes as there are cores, longest first; each describe awaits its own.
  const jobs: [string, () => Promise<PipelineReplay>][] = [
    ...cases.map(({ name, settings, runs }): [string, () => Promise<PipelineReplay>] => [
      name,
      () => replay(twoSlotStack(settings), runs),
    ]),
    ["both slots due", () => replay(twoSlotStack(bothSlotsDue.settings), bothSlotsDue.runs)],
    ["single", () => replay(singlePasswordStack(true), single.runs)],
    [
      "single without create_before_destroy",
      () => replay(singlePasswordStack(false), singleWithoutCreateBeforeDestroyRuns),
    ],
  ];
  let replays: Map<string, Promise<PipelineReplay>>;
  beforeAll(() => {
    const started = runInLanes(
      jobs.map(([, job]) => job),
      availableParallelism(),
    );
    replays = new Map(jobs.map(([name], index) => [name, started[index]!]));
  });

  describe.each(cases)("two-slot design, $name", ({ name, settings, runs, worstCase }) => {
    let replayed: PipelineReplay;
    let observed: ObservedRotationLog;
    const model = simulate(settings, runs);

    beforeAll(async () => {
      replayed = await replays.get(name)!;
      observed = observedRotationLog(replayed.runs, settings, "two-slot");
    }, REPLAY_LIMIT_MS);

    test("is a valid config, and the runs keep to maxRunGapDays and cover at least 3 rotations", () => {
      expect(secretScheduleProblems(settings)).toEqual([]);
      expect(largestGapDays(runs)).toBeLessThanOrEqual(settings.maxRunGapDays);
      expect(rotationCount(model)).toBeGreaterThanOrEqual(3);
    });

    test("Terraform makes the secrets, deletions and handoffs the pure model predicts for the same runs", () => {
      expect(visibleEvents(observed.result)).toEqual(visibleEvents(model));
    });

    test("every rotation's plan and apply create the new password before anything deletes the old one", () => {
      const rotations = replayed.runs.filter((run) => run.planned.some((c) => c.actions.join() === "create,delete"));
      expect(rotations).toHaveLength(rotationCount(model));
      expect(replayed.runs.flatMap(passwordOrderProblems)).toEqual([]);
      expect(replayed.runs.flatMap(destroyedBeforeOtherCreations)).toEqual([]);
    });

    test("the directory holds a valid secret at every moment, and no secret outlives lifetimeDays", () => {
      expect(momentsWithoutValidSecret(replayed.runs)).toEqual([]);
      expect(passwordsOutlivingLifetime(replayed.runs, settings.lifetimeDays)).toEqual([]);
    });

    test("each new secret is made at least handoffDays before the secret it replaces is deleted or expires", () => {
      const short = handoffMargins(observed.result).filter((m) => m.minutes < daysToMinutes(settings.handoffDays));
      expect(
        short.map((m) => ({
          ...m,
          secretKeyId: observed.keyIds[m.secret - 1],
          replacedKeyId: observed.keyIds[m.replaces - 1],
        })),
      ).toEqual([]);
    });

    test("the secret Miradore uses (the outputs' key id, handed off at handoff_deadline) is never deleted or expired", () => {
      expect(firstViolation(observed.result)).toBeUndefined();
    });

    if (worstCase) {
      // Prompt rotations run one minute after their due time, so the tightest window is H plus at most two minutes.
      test("leaves some secret's handoff exactly handoffDays long, give or take the prompt runs' minutes", () => {
        const smallest = Math.min(...handoffMargins(observed.result).map((m) => m.minutes));
        expect(smallest - daysToMinutes(settings.handoffDays)).toBeGreaterThanOrEqual(0);
        expect(smallest - daysToMinutes(settings.handoffDays)).toBeLessThanOrEqual(2);
      });
    }
  });

  test(
    "when a gap longer than an interval makes both slots due in one run, the guard holds the current slot's rotation and Terraform makes the model's secrets",
    async () => {
      const { settings, runs } = bothSlotsDue;
      const replayed = await replays.get("both slots due")!;
      const model = simulate(settings, runs);
      const observed = observedRotationLog(replayed.runs, settings, "two-slot");
      expect(visibleEvents(observed.result)).toEqual(visibleEvents(model));
      const late = replayed.runs.slice(1);
      // Day 200: slot A (previous) rotates, slot B (current) is held; day 400: B (previous by then) rotates, and A,
      // due again but current, is held.
      expect(late.map((run) => run.planned.map((c) => c.actions.join()))).toEqual([
        ["create,delete"],
        ["create,delete"],
      ]);
      expect(late.map((run) => run.held)).toEqual([["B"], ["A"]]);
      expect(late.flatMap(passwordOrderProblems)).toEqual([]);
      expect(late.flatMap(destroyedBeforeOtherCreations)).toEqual([]);
    },
    REPLAY_LIMIT_MS,
  );

  describe("the provider's documented single-password design", () => {
    const { settings, runs } = single;
    let replayed: PipelineReplay;
    let observed: ObservedRotationLog;

    beforeAll(async () => {
      replayed = await replays.get("single")!;
      observed = observedRotationLog(replayed.runs, settings, "single-password");
    }, REPLAY_LIMIT_MS);

    test("fails when a rotation deletes the secret Miradore uses in the same apply, as the pure model predicts", () => {
      const rotationIndex = replayed.runs.findIndex((run) => run.planned.length > 0 && run !== replayed.runs[0]);
      expect(rotationIndex).toBeGreaterThan(0);
      const rotation = replayed.runs[rotationIndex]!;
      const inUse = replayed.runs[rotationIndex - 1]!.current.keyId;
      // Create-before-destroy is planned and kept: the order is right, and still the old password goes in this apply.
      expect(rotation.planned.map((c) => c.actions.join())).toEqual(["create,delete"]);
      expect(passwordOrderProblems(rotation)).toEqual([]);
      expect(rotation.passwords.map((p) => p.keyId)).not.toContain(inUse);
      expect(handoffMargins(observed.result)).toEqual([
        { secret: 2, replaces: 1, createdAt: rotation.at, replacedGoneAt: rotation.at, minutes: 0 },
      ]);
      const violation = firstViolation(observed.result);
      expect(violation).toMatchObject({ at: rotation.at, invariant: "miradore-secret-valid" });
      expect(violation).toEqual(firstViolation(simulate(settings, runs, { design: "single-password" })));
    });

    test("Terraform makes the secrets and deletions the model of the single-password design predicts", () => {
      expect(visibleEvents(observed.result)).toEqual(
        visibleEvents(simulate(settings, runs, { design: "single-password" })),
      );
    });

    test(
      "fails the create-before-destroy check without create_before_destroy (as documented): delete-first",
      async () => {
        const {
          runs: [, rotation],
        } = await replays.get("single without create_before_destroy")!;
        expect(passwordOrderProblems(rotation!)).toEqual([
          expect.stringMatching(/replaces azuread_application_password\.\S+ delete-first \(delete,create\)$/),
          expect.stringMatching(
            /the apply destroyed the old azuread_application_password\.\S+ before creating its new one$/,
          ),
        ]);
      },
      REPLAY_LIMIT_MS,
    );
  });
});

describe("the replay's checks on hand-made observations", () => {
  const password = (keyId: string, slot: "A" | "B", startDay: number, endDay: number) => ({
    keyId,
    slot,
    startAt: day(startDay),
    endAt: day(endDay),
  });
  const run = (
    atDay: number,
    passwords: ObservedRun["passwords"],
    keyId: string,
    planned: ObservedRun["planned"] = [],
  ): ObservedRun => ({
    at: day(atDay),
    planned,
    applied: [],
    held: [],
    passwords,
    current: { keyId, handoffDeadline: day(atDay + example.handoffDays), previousKeyId: "" },
  });

  test("find the moment the only valid password expires before the next run", () => {
    const runs = [run(0, [password("k1", "A", 0, 10)], "k1"), run(20, [password("k2", "A", 20, 40)], "k2")];
    expect(momentsWithoutValidSecret(runs)).toEqual([
      expect.stringMatching(
        /^at 2026-03-12 08:00 \(after the run at 2026-03-02 08:00\) no password is valid; the directory holds: k1 /,
      ),
    ]);
  });

  test("flag a password whose end date is more than lifetimeDays after its start", () => {
    expect(passwordsOutlivingLifetime([run(0, [password("k1", "A", 0, 181)], "k1")], 180)).toEqual([
      expect.stringMatching(/^k1 \(slot A, .*\) lives 181\.00 days, more than 180$/),
    ]);
  });

  test("number secrets in slot order, delete at the run, and hand off at the outputs' handoff_deadline", () => {
    const first = [password("kA", "A", 0, 180), password("kB", "B", 0, 180)];
    const runs = [run(0, first, "kB"), run(121, [password("kA2", "A", 121, 301), first[1]!], "kA2")];
    expect(observedRotationLog(runs, example, "two-slot")).toEqual({
      keyIds: ["kA", "kB", "kA2"],
      result: expect.objectContaining({
        events: [
          { kind: "secret-created", at: day(0), slot: "A", secret: 1, endAt: day(180), replaces: undefined },
          { kind: "secret-created", at: day(0), slot: "B", secret: 2, endAt: day(180), replaces: undefined },
          { kind: "handoff", at: day(0), secret: 2 },
          { kind: "secret-created", at: day(121), slot: "A", secret: 3, endAt: day(301), replaces: 2 },
          { kind: "secret-deleted", at: day(121), slot: "A", secret: 1 },
          { kind: "handoff", at: day(121 + example.handoffDays), secret: 3 },
        ],
      }),
    });
  });

  test("reject a plain delete of a password, and a destroy logged before its own or another password's creation", () => {
    const deleting = run(1, [], "k1", [{ address: "azuread_application_password.a", actions: ["delete"] }]);
    expect(passwordOrderProblems(deleting)).toEqual([
      expect.stringMatching(/deletes azuread_application_password\.a without replacing it$/),
    ]);
    const interleaved: ObservedRun = {
      ...run(1, [], "k1"),
      applied: [
        { step: "created", address: "azuread_application_password.a" },
        { step: "destroying", address: "azuread_application_password.a" },
        { step: "created", address: "azuread_application_password.b" },
      ],
    };
    expect(passwordOrderProblems(interleaved)).toEqual([]);
    expect(destroyedBeforeOtherCreations(interleaved)).toEqual([
      expect.stringMatching(
        /destroyed the old azuread_application_password\.a before it finished creating azuread_application_password\.b$/,
      ),
    ]);
    const deleteFirst: ObservedRun = {
      ...run(1, [], "k1"),
      applied: [
        { step: "destroying", address: "azuread_application_password.a" },
        { step: "created", address: "azuread_application_password.a" },
      ],
    };
    expect(passwordOrderProblems(deleteFirst)).toEqual([
      expect.stringMatching(/destroyed the old azuread_application_password\.a before creating its new one$/),
    ]);
  });
});
