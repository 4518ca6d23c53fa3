// Editing a live site never takes away the secret Miradore uses. For every kind of setting (secret lifetime,
// rotation interval, handoff window, run gap, display name, group filtering, owners, Key Vault on and off), a site is
// deployed with the defaults and replayed through the real Terraform CLI, the provider doubles and the pipeline's own
// guarded apply for about fourteen months of weekly scheduled runs, with the setting changed twice (lengthened, then
// shortened; or on, then off). The pipeline is down for the month before each edit, so the first run after it applies
// the edit together with whatever rotation fell due meanwhile. After every run, the secret handed over (the outputs'
// key id) must stay valid until its handoff deadline, and so must the one it replaces; Terraform must make exactly the
// secrets, deletions and holds the rotation model predicts for the same runs and settings. The same replay of the
// construct as it was before this guard (settings replace passwords, nothing guards the apply) fails.
import { availableParallelism } from "node:os";
import { DEFAULT_SECRET_SCHEDULE } from "../constructs";
import { daysToMinutes, minuteOf, type Minute } from "../rotation/minutes";
import type { RotationSettings } from "../rotation/rotation-settings";
import { runsEvery } from "../rotation/run-patterns";
import { simulateEdits } from "../rotation/simulate";
import { handoverProblems, momentsWithoutValidSecret } from "../test-support/rotation-replay/directory-invariants";
import { observedRotationLog } from "../test-support/rotation-replay/observed-rotation-log";
import { passwordOrderProblems } from "../test-support/rotation-replay/password-order";
import {
  replayPipelineRuns,
  type PipelineReplay,
  type ReplayConfiguration,
} from "../test-support/rotation-replay/pipeline-replay";
import { runInLanes } from "../test-support/rotation-replay/run-in-lanes";
import { site, synthSite } from "../test-support/synth-site";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";

const T0 = minuteOf("2026-03-02T08:00:00Z");
const day = (days: number): Minute => T0 + daysToMinutes(days);
/** The two edits land on the weekly schedule: week 19 (after slot A's first rotation fell due) and week 43. */
const EDIT_DAYS = [133, 301] as const;
const LAST_DAY = 434;
const MISSED_DAYS = 31;
/** A replay finishes in well under a minute on two idle cores; this leaves room for a loaded machine. */
const REPLAY_LIMIT_MS = 600_000;

/** Weekly runs, none in the month before each edit: the edit is merged while the pipeline is down. */
const RUNS = runsEvery(T0, day(LAST_DAY), 7).filter(
  (run) => !EDIT_DAYS.some((edit) => run > day(edit - MISSED_DAYS) && run < day(edit)),
);

const VAULT_ID =
  "/subscriptions/0f6c1a1e-2b3c-4d5e-8f9a-0b1c2d3e4f5a/resourceGroups/miradore/providers/Microsoft.KeyVault/vaults/miradore-kv";
const OWNERS = ["6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"];

interface EditCase {
  readonly name: string;
  /** The site's settings before the edits and after each. */
  readonly settings: readonly [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
}

const secret = (overrides: Partial<RotationSettings>) => ({ secret: { ...overrides } });
const CASES: readonly EditCase[] = [
  {
    name: "secret.lifetimeDays 180 → 240 → 176",
    settings: [{}, secret({ lifetimeDays: 240 }), secret({ lifetimeDays: 176 })],
  },
  {
    name: "secret.rotationIntervalDays 60 → 62 → 56",
    settings: [{}, secret({ rotationIntervalDays: 62 }), secret({ rotationIntervalDays: 56 })],
  },
  { name: "secret.handoffDays 21 → 25 → 10", settings: [{}, secret({ handoffDays: 25 }), secret({ handoffDays: 10 })] },
  {
    name: "secret.maxRunGapDays 35 → 39 → 14",
    settings: [{}, secret({ maxRunGapDays: 39 }), secret({ maxRunGapDays: 14 })],
  },
  {
    name: "displayName renamed twice",
    settings: [{}, { displayName: "Miradore MDM (Contoso)" }, { displayName: "Contoso device management" }],
  },
  { name: "groupFiltering off, then on", settings: [{}, { groupFiltering: false }, { groupFiltering: true }] },
  {
    name: "additionalOwnerObjectIds: two added, then one removed",
    settings: [{}, { additionalOwnerObjectIds: OWNERS }, { additionalOwnerObjectIds: [OWNERS[1]] }],
  },
  {
    name: "keyVault on, then off",
    settings: [{}, { keyVault: { id: VAULT_ID } }, { keyVault: { id: VAULT_ID, enabled: false } }],
  },
];

const scheduleOf = (settings: Record<string, unknown>): RotationSettings => ({
  ...DEFAULT_SECRET_SCHEDULE,
  ...((settings.secret as Partial<RotationSettings> | undefined) ?? {}),
});
const stackOf = (settings: Record<string, unknown>) =>
  synthSite(site(settings)).json as unknown as Record<string, unknown>;
const configurations = (edit: EditCase): ReplayConfiguration[] =>
  edit.settings.map((settings, index) => ({
    from: index === 0 ? T0 : day(EDIT_DAYS[index - 1]!),
    stack: stackOf(settings),
  }));

/** The model's segments: the runs under each configuration's schedule. */
const modelOf = (edit: EditCase) =>
  simulateEdits(
    edit.settings.map((settings, index) => ({
      settings: scheduleOf(settings),
      runs: RUNS.filter(
        (run) =>
          run >= (index === 0 ? T0 : day(EDIT_DAYS[index - 1]!)) &&
          run < (index < 2 ? day(EDIT_DAYS[index]!) : Infinity),
      ),
    })),
  );
const visibleEvents = (events: readonly { kind: string }[]) =>
  events.filter((event) => event.kind !== "rotation-created");

/** After each run: the app's name and owners, the Graph permissions consented, the vault's secret (tags only). */
function observeSite(doubles: ProviderDoubles, tenantId: string) {
  const tenant = doubles.tenant(tenantId);
  const app = Object.values(tenant.applications)[0];
  const sp = Object.values(tenant.servicePrincipals).find((s) => !s.builtIn);
  const graph = Object.values(tenant.servicePrincipals).find((s) => s.builtIn)!;
  const roleNames = new Map(graph.appRoles.map((role) => [role.id, role.value]));
  const vault = doubles.keyVault("miradore-kv");
  const vaultSecret = vault && Object.values(vault.secrets)[0];
  return {
    displayName: app?.displayName,
    owners: [...((app?.settings.owners as string[] | undefined) ?? [])].sort(),
    consented: tenant.appRoleAssignments
      .filter((a) => a.principalId === sp?.objectId)
      .map((a) => roleNames.get(a.appRoleId))
      .sort(),
    vaultKeyId: vaultSecret?.versions.at(-1)?.tags["key-id"],
  };
}
type SiteObservation = ReturnType<typeof observeSite>;

async function replay(stack: readonly ReplayConfiguration[], guard = true): Promise<PipelineReplay> {
  const doubles = await ProviderDoubles.start();
  try {
    return await replayPipelineRuns(doubles, stack, RUNS, { guard, observe: observeSite });
  } finally {
    await doubles.stop();
  }
}

/** The construct as it was before settings changes were ignored: every password argument forces a replacement. */
function withoutIgnoreChanges(stack: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(stack) as {
    resource: Record<string, Record<string, { lifecycle?: { ignore_changes?: unknown } }>>;
  };
  for (const type of ["azuread_application_password", "time_rotating"]) {
    for (const resource of Object.values(copy.resource[type] ?? {})) {
      if (type === "time_rotating" && JSON.stringify(resource.lifecycle?.ignore_changes) === '["rotation_rfc3339"]')
        continue;
      delete resource.lifecycle?.ignore_changes;
    }
  }
  return copy;
}

describeWithTerraform("editing a live site's settings, replayed through Terraform and the guarded pipeline", () => {
  const lifetime = CASES[0]!;
  const jobs: [string, () => Promise<PipelineReplay>][] = [
    ...CASES.map((edit): [string, () => Promise<PipelineReplay>] => [edit.name, () => replay(configurations(edit))]),
    [
      "before this guard",
      () =>
        replay(
          configurations(lifetime).map((c) => ({ ...c, stack: withoutIgnoreChanges(c.stack) })),
          false,
        ),
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

  test("the runs cover more than a year, keep to every maxRunGapDays in force, and miss the month before each edit", () => {
    expect(RUNS.at(-1)! - RUNS[0]!).toBeGreaterThan(daysToMinutes(365));
    for (const edit of EDIT_DAYS) {
      expect(RUNS).toContain(day(edit));
      expect(RUNS.filter((run) => run > day(edit - MISSED_DAYS) && run < day(edit))).toEqual([]);
    }
    const gaps = RUNS.slice(1).map((run, i) => (run - RUNS[i]!) / daysToMinutes(1));
    expect(Math.max(...gaps)).toBe(35);
  });

  describe.each(CASES)("$name", (edit) => {
    let replayed: PipelineReplay;
    beforeAll(async () => {
      replayed = await replays.get(edit.name)!;
    }, REPLAY_LIMIT_MS);

    test("every run is applied: no edit is refused", () => {
      expect(replayed.runs.filter((run) => run.refused).map((run) => run.refused)).toEqual([]);
    });

    test("after every run the secret Miradore uses (handed over at its deadline, the one before until then) is valid", () => {
      expect(handoverProblems(replayed.runs)).toEqual([]);
      expect(momentsWithoutValidSecret(replayed.runs)).toEqual([]);
    });

    test("no password is replaced delete-first or deleted outright", () => {
      expect(replayed.runs.flatMap(passwordOrderProblems)).toEqual([]);
    });

    test("Terraform makes exactly the secrets, deletions and holds the rotation model predicts", () => {
      const model = modelOf(edit);
      const observed = observedRotationLog(replayed.runs, model.settings, "two-slot");
      expect(visibleEvents(observed.result.events)).toEqual(visibleEvents(model.events));
    });

    test("the edit runs delete no password that was not due", () => {
      for (const edit of EDIT_DAYS) {
        const index = replayed.runs.findIndex((run) => run.at === day(edit));
        const before = new Set(replayed.runs[index - 1]!.passwords.map((p) => p.keyId));
        const deleted = [...before].filter((keyId) => !replayed.runs[index]!.passwords.some((p) => p.keyId === keyId));
        // A rotation due in the missed month replaces one password (the previous one), never more.
        expect(deleted.length).toBeLessThanOrEqual(1);
        expect(deleted).not.toContain(replayed.runs[index - 1]!.current.keyId);
      }
    });
  });

  test(
    "a new lifetime applies to each slot's next secret, and the secrets that exist keep theirs",
    async () => {
      const { runs } = await replays.get(lifetime.name)!;
      const lifetimeOf = (p: { startAt: Minute; endAt: Minute }) => (p.endAt - p.startAt) / daysToMinutes(1);
      const byKey = new Map(runs.flatMap((run) => run.passwords).map((p) => [p.keyId, p]));
      for (const password of byKey.values()) {
        const expected =
          password.startAt >= day(EDIT_DAYS[1]) ? 176 : password.startAt >= day(EDIT_DAYS[0]) ? 240 : 180;
        expect([password.keyId, lifetimeOf(password)]).toEqual([password.keyId, expected]);
      }
    },
    REPLAY_LIMIT_MS,
  );

  /** What the directory showed after the first run, and after the first run of each edit. */
  async function aroundEdits(name: string): Promise<SiteObservation[]> {
    const { runs, observations } = await replays.get(name)!;
    const at = (minute: Minute) => observations[runs.findIndex((run) => run.at === minute)] as SiteObservation;
    return [at(RUNS[0]!), ...EDIT_DAYS.map((edit) => at(day(edit)))];
  }

  test(
    "each edit takes effect in the run that applies it",
    async () => {
      const rename = await aroundEdits(CASES[4]!.name);
      expect(rename.map((o) => o.displayName)).toEqual([
        "Miradore MDM",
        "Miradore MDM (Contoso)",
        "Contoso device management",
      ]);
      const filtering = await aroundEdits(CASES[5]!.name);
      expect(filtering.map((o) => o.consented)).toEqual([
        ["Group.Read.All", "User.Read.All"],
        ["User.Read.All"],
        ["Group.Read.All", "User.Read.All"],
      ]);
      const owners = await aroundEdits(CASES[6]!.name);
      const deployer = owners[0]!.owners;
      expect(deployer).toHaveLength(1);
      expect(owners.map((o) => o.owners)).toEqual([
        deployer,
        [...deployer, ...OWNERS].sort(),
        [...deployer, OWNERS[1]!].sort(),
      ]);
      // The vault holds the current secret while the handoff is on, and nothing once it is turned off.
      const { runs, observations } = await replays.get(CASES[7]!.name)!;
      runs.forEach((run, i) => {
        const on = run.at >= day(EDIT_DAYS[0]) && run.at < day(EDIT_DAYS[1]);
        expect([run.at, (observations[i] as SiteObservation).vaultKeyId]).toEqual([
          run.at,
          on ? run.current.keyId : undefined,
        ]);
      });
    },
    REPLAY_LIMIT_MS,
  );

  test(
    "the same replay of the construct before this guard cuts Miradore off at the first edit",
    async () => {
      const { runs } = await replays.get("before this guard")!;
      const editRun = runs.find((run) => run.at === day(EDIT_DAYS[0]))!;
      const before = runs[runs.indexOf(editRun) - 1]!;
      // The lifetime edit replaces both passwords: the secret Miradore was handed is deleted in that apply.
      expect(editRun.passwords.map((p) => p.keyId)).not.toContain(before.current.keyId);
      expect(handoverProblems(runs)[0]).toBe(
        `at 2026-07-13 08:00 Miradore uses ${before.current.keyId} (handed over 2026-03-02 08:00), but it is gone after the run at 2026-07-13 08:00`,
      );
    },
    REPLAY_LIMIT_MS,
  );
});
