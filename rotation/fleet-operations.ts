// A fleet's daily rotation runs, replayed: every site's two slots as Terraform keeps them (two-slot-design.ts), run
// either the old way (every stack applied every day) or the new way (only the stacks due-selection.ts picks from the
// recorded outputs). Pure and deterministic: it counts what each day's run plans and applies, and keeps each site's
// event log so the two ways can be compared secret by secret.
import { selectDue, type StackRunRecord } from "./due-selection";
import { EXPIRY_OUTPUTS } from "./expiry-status";
import { daysToMinutes, MINUTES_PER_DAY, type Minute } from "./minutes";
import type { RotationEvent } from "./rotation-events";
import type { RotationSettings } from "./rotation-settings";
import { SecretLedger } from "./secret-ledger";
import { currentSlotOf, simulateTwoSlots, type TwoSlotState } from "./two-slot-design";

export interface FleetSite {
  readonly settings: RotationSettings;
  /** The site's first deploy, before the replayed days begin; until then it was applied daily. */
  readonly firstDeploy: Minute;
}

export type FleetSelection = "every-stack" | "due-only";

export interface FleetReplayOptions {
  readonly selection: FleetSelection;
  /** The first replayed run; one run a day after it. */
  readonly firstRun: Minute;
  readonly days: number;
  /** @default 24 */
  readonly marginHours?: number;
  /** @default 7 */
  readonly sweepDays?: number;
  /** Sees each site's record after each day's run (applied or not): what the notice reads. @default - none */
  readonly observe?: (at: Minute, site: number, record: StackRunRecord) => void;
}

/** One day's run over the fleet. */
export interface FleetDay {
  readonly at: Minute;
  /** Stacks planned (each a job of its own the old way, a place in a shard the new way). */
  readonly planned: number;
  /** Stacks whose plan had changes, so were applied. */
  readonly applied: number;
  /** Stacks whose run held a rotation. */
  readonly held: number;
  /** Terraform commands run: init, plan and output per planned stack; show and apply (and a plan more if held). */
  readonly terraformRuns: number;
  /** New secrets made. */
  readonly secretsCreated: number;
}

export interface FleetReplay {
  readonly days: readonly FleetDay[];
  /** Each site's events, first deploy on. */
  readonly events: readonly (readonly RotationEvent[])[];
}

const toIso = (minute: Minute) => new Date(minute * 60_000).toISOString();

/** The non-sensitive outputs the stack would print, from its slots (constructs/private/operator-outputs.ts). */
export function outputsOf(state: TwoSlotState, settings: RotationSettings): Record<string, string> {
  const currentSlot = currentSlotOf(state)!;
  const current = state[currentSlot].secret!;
  const previous = state[currentSlot === "A" ? "B" : "A"].secret ?? current;
  const nextRotation = Math.min(state.A.rotation!.rotatesAt, state.B.rotation!.rotatesAt);
  return {
    [EXPIRY_OUTPUTS.currentStart]: toIso(current.createdAt),
    [EXPIRY_OUTPUTS.currentEnd]: toIso(current.endAt),
    [EXPIRY_OUTPUTS.previousEnd]: toIso(previous.endAt),
    [EXPIRY_OUTPUTS.handoffDeadline]: toIso(current.createdAt + daysToMinutes(settings.handoffDays)),
    [EXPIRY_OUTPUTS.nextRotation]: toIso(nextRotation),
  };
}

/** Replays `days` daily runs over the fleet; the sites' configuration never changes (one configuration hash). */
export function replayFleet(sites: readonly FleetSite[], options: FleetReplayOptions): FleetReplay {
  const marginHours = options.marginHours ?? 24;
  const sweepDays = options.sweepDays ?? 7;
  const ledgers = sites.map((site) => new SecretLedger(daysToMinutes(site.settings.handoffDays)));
  // Before the replay: applied every day since the first deploy, as the fleet was.
  const states = sites.map((site, i) => {
    const runs: Minute[] = [];
    for (let at = site.firstDeploy; at < options.firstRun; at += MINUTES_PER_DAY) runs.push(at);
    return simulateTwoSlots(site.settings, runs, ledgers[i]!);
  });
  const records: StackRunRecord[] = states.map((state, i) => ({
    lastResult: "applied",
    lastAppliedAt: toIso(options.firstRun - MINUTES_PER_DAY),
    configHash: "fleet",
    outputs: outputsOf(state, sites[i]!.settings),
  }));

  const days: FleetDay[] = [];
  for (let day = 0; day < options.days; day++) {
    const at = options.firstRun + day * MINUTES_PER_DAY;
    const now = new Date(at * 60_000);
    const nextRunAt = new Date((at + MINUTES_PER_DAY) * 60_000);
    let planned = 0;
    let applied = 0;
    let held = 0;
    let terraformRuns = 0;
    let secretsCreated = 0;
    sites.forEach((site, i) => {
      if (options.selection === "due-only") {
        const decision = selectDue(records[i], {
          now,
          nextRunAt,
          marginHours,
          sweepDays,
          sweepSlot: i % sweepDays,
          configHash: "fleet",
        });
        if (!decision.due) {
          options.observe?.(at, i, records[i]!);
          return;
        }
      }
      planned++;
      const ledger = ledgers[i]!;
      const before = ledger.events().length;
      states[i] = simulateTwoSlots(site.settings, [at], ledger, { state: states[i]!, inLedger: true });
      const news = ledger.events().slice(before);
      const changed = news.some((e) => e.kind !== "rotation-held" && e.kind !== "handoff");
      const wasHeld = news.some((e) => e.kind === "rotation-held");
      secretsCreated += news.filter((e) => e.kind === "secret-created").length;
      applied += changed ? 1 : 0;
      held += wasHeld ? 1 : 0;
      terraformRuns += 3 + (changed ? 2 : 0) + (wasHeld ? 2 : 0);
      records[i] = {
        lastResult: wasHeld ? "held" : changed ? "applied" : "unchanged",
        lastAppliedAt: now.toISOString(),
        configHash: "fleet",
        outputs: outputsOf(states[i]!, site.settings),
      };
      options.observe?.(at, i, records[i]!);
    });
    days.push({ at, planned, applied, held, terraformRuns, secretsCreated });
  }
  return { days, events: ledgers.map((ledger) => ledger.events()) };
}
