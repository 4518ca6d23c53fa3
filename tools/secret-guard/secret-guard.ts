// The apply guard: judges a saved plan before it is applied, so that nothing but a deliberate revoke takes away the
// client secret Miradore uses. Miradore has no API for its Entra connection: a person pastes each new secret, so a
// deleted secret that Miradore still uses disconnects it until someone notices. Protected are the current (newest)
// secret always, and the previous one until the current one's handoff deadline. A plan that deletes or replaces a
// protected secret, or moves the stack to another tenant, is refused unless the run is a forced revoke; a scheduled
// rotation that would do so is held (applied without that rotation until the secret is no longer protected); a change
// of the secret schedule is refused when the secrets that exist could not keep their handoff under it.
// The same findings lead the plan review (tools/plan-review), so a reviewer reads them before anything else.
import { DEFAULT_SECRET_SCHEDULE } from "../../constructs";
import { daysToMinutes, formatMinute, type Minute } from "../../rotation/minutes";
import type { RotationSettings } from "../../rotation/rotation-settings";
import { transitionAdvice, transitionProblem } from "./schedule-transition";
import { SIGNED_IN_WITH, STILL_USED } from "../sign-in-logs/still-used";
import { currentSlotOf, type TwoSlotName, type TwoSlotState } from "../../rotation/two-slot-design";
import type { Plan } from "../plan-review/plan-schema";
import {
  planSecretFacts,
  type PlannedRotatingSecret,
  type PlannedSlot,
  type PlanSecretFacts,
} from "./plan-secret-facts";

/** What kind of run applies the plan: the scheduled (or deploy) apply, or a forced rotation. */
export type GuardMode = "scheduled" | "keep" | "revoke";

export interface GuardOptions {
  /** The moment the plan is judged at (and applied right after). */
  readonly now: Minute;
  /** @default "scheduled" */
  readonly mode?: GuardMode;
  /** The stack's name, for the commands the findings suggest. */
  readonly stack: string;
  /**
   * When Entra's sign-in logs show Miradore still using the secret `keyId` (not the newest, `currentKeyId`): the time
   * it last signed in with it. Such a secret is protected even after its handoff deadline (tools/sign-in-logs/).
   * @default - the handoff dates alone
   */
  readonly inUse?: (keyId: string, currentKeyId: string) => string | undefined;
}

/** One thing the guard found; `refuse` stops the apply, `hold` applies without a rotation, `notice` only informs. */
export interface GuardFinding {
  readonly severity: "refuse" | "hold" | "notice";
  /** One sentence an operator cannot misread; the plan review's first line. */
  readonly headline: string;
  /** Why, and what to do. */
  readonly detail: string;
  /** The password the finding is about, when it is about one. */
  readonly address?: string;
}

/** The guard's answer for one plan. */
export interface GuardVerdict {
  readonly findings: readonly GuardFinding[];
  /** True when some finding refuses the plan. */
  readonly refused: boolean;
  /**
   * Set when the plan may only be applied without some due rotations: the `time_rotating`s to leave due (their
   * secret is protected) and those to rotate anyway (`-replace`, in a plan that does not refresh the held ones away).
   */
  readonly hold?: { readonly held: readonly string[]; readonly rotate: readonly string[] };
}

const SLOT_NAMES: readonly TwoSlotName[] = ["A", "B"];
const DISCONNECTED = "Miradore will be disconnected until the new secret is pasted";

/** Judges a parsed plan. */
export function guardPlan(plan: Plan, options: GuardOptions): GuardVerdict {
  const facts = planSecretFacts(plan);
  const mode = options.mode ?? "scheduled";
  const findings: GuardFinding[] = [...tenantFindings(facts, mode, options), ...applicationFindings(facts)];
  const held: string[] = [];
  const rotate: string[] = [];
  for (const secret of facts.secrets) {
    const judged = judgeSecret(secret, mode, options);
    findings.push(...judged.findings);
    held.push(...judged.held);
    rotate.push(...judged.rotate);
  }
  const refused = findings.some((finding) => finding.severity === "refuse");
  return { findings, refused, hold: !refused && held.length > 0 ? { held, rotate } : undefined };
}

function tenantFindings(facts: PlanSecretFacts, mode: GuardMode, options: GuardOptions): GuardFinding[] {
  const { tenantBefore, tenantAfter } = facts;
  if (!tenantBefore || !tenantAfter || tenantBefore.toLowerCase() === tenantAfter.toLowerCase()) return [];
  const what =
    `the stack moves from tenant ${tenantBefore} to tenant ${tenantAfter}: a new app registration, consent and ` +
    `secrets are made there, and those in ${tenantBefore} are no longer managed (Miradore keeps using them until ` +
    "its secret expires, and nothing rotates it any more)";
  if (mode === "revoke")
    return [
      { severity: "notice", headline: `${DISCONNECTED}: ${what}.`, detail: "Forced revoke: applied on purpose." },
    ];
  return [
    {
      severity: "refuse",
      headline: `${DISCONNECTED} once it moves: ${what}.`,
      detail:
        `If the tenant id is a mistake, set it back to ${tenantBefore}. If the move is intended, run a forced revoke ` +
        `on purpose (${revokeCommand(options.stack)}), paste the new client id, tenant id and secret into Miradore, ` +
        `and delete the old app registration in ${tenantBefore} by hand.`,
    },
  ];
}

function applicationFindings(facts: PlanSecretFacts): GuardFinding[] {
  if (facts.tenantBefore && facts.tenantAfter && facts.tenantBefore.toLowerCase() !== facts.tenantAfter.toLowerCase()) {
    return [];
  }
  return facts.applications
    .filter((application) => application.gone)
    .map(() => ({
      severity: "notice" as const,
      headline: `${DISCONNECTED}: the app registration was deleted outside Terraform, and this plan creates a new one.`,
      detail: "The new app has a new client id: paste its client id and secret into Miradore once it is applied.",
    }));
}

interface JudgedSecret {
  readonly findings: GuardFinding[];
  readonly held: string[];
  readonly rotate: string[];
}

function judgeSecret(secret: PlannedRotatingSecret, mode: GuardMode, options: GuardOptions): JudgedSecret {
  const state = stateOf(secret);
  const currentName = currentSlotOf(state);
  if (currentName === undefined) return { findings: [], held: [], rotate: [] }; // the first deploy
  const handoffDays =
    Math.max(secret.scheduleBefore?.handoffDays ?? 0, secret.scheduleAfter?.handoffDays ?? 0) ||
    DEFAULT_SECRET_SCHEDULE.handoffDays;
  const current = secret.slots[currentName];
  const deadline = state[currentName].secret!.createdAt + daysToMinutes(handoffDays);
  const pending = options.now < deadline;
  const findings: GuardFinding[] = [];
  const held: string[] = [];
  const rotate: string[] = [];

  for (const name of SLOT_NAMES) {
    const slot = secret.slots[name];
    if (!slot.password) continue;
    const role = name === currentName ? "current" : "previous";
    const usedAt = role === "previous" ? options.inUse?.(slot.password.keyId, current.password!.keyId) : undefined;
    const isProtected = role === "current" || pending || usedAt !== undefined;
    const deletes = slot.passwordChange === "delete" || slot.passwordChange.startsWith("replace-");
    const who = `the ${role} client secret (key id ${slot.password.keyId}, slot ${name})`;
    const uses =
      role === "current"
        ? "Miradore uses it"
        : usedAt !== undefined
          ? `${STILL_USED}: Entra's sign-in logs show Miradore signing in with it on ${usedAt.slice(0, 16).replace("T", " ")} UTC, not yet with the newest secret (key id ${current.password!.keyId})`
          : `Miradore may still use it: the handoff of the newest secret (key id ${current.password!.keyId}) is pending until ${day(deadline)}`;
    if (slot.passwordGone) {
      if (isProtected) {
        findings.push({
          severity: "notice",
          headline: `${DISCONNECTED}: ${who} was deleted outside Terraform, and this plan makes a new one.`,
          detail: `${uses}. Paste the new secret into Miradore as soon as it is applied.`,
          address: slot.passwordAddress,
        });
      }
      continue;
    }
    if (!deletes || !isProtected) {
      if (slot.rotationDue && deletes) rotate.push(slot.rotationAddress);
      continue;
    }
    if (mode === "revoke") {
      findings.push({
        severity: "notice",
        headline: `${DISCONNECTED}: this forced revoke deletes ${who} on purpose.`,
        detail: `${uses}. Paste the new secret into Miradore right after the apply.`,
        address: slot.passwordAddress,
      });
      continue;
    }
    if (mode === "scheduled" && slot.rotationDue && slot.passwordReason === "replace_because_cannot_update") {
      held.push(slot.rotationAddress);
      findings.push({
        severity: "hold",
        headline: `Slot ${name}'s scheduled rotation is held: it would delete ${who}${usedAt !== undefined ? `, ${SIGNED_IN_WITH}` : ""}.`,
        detail:
          `${uses}. The rotation waits ${role === "current" ? "until a newer secret has been handed off" : usedAt !== undefined ? "until the sign-in logs show Miradore on the newest secret" : `until ${day(deadline)}`}; ` +
          "everything else is applied. Paste the newest secret into Miradore now.",
        address: slot.passwordAddress,
      });
      continue;
    }
    const disconnected = slot.passwordChange === "delete" ? "Miradore will be disconnected" : DISCONNECTED;
    findings.push({
      severity: "refuse",
      headline: `${disconnected}: this plan ${slot.passwordChange === "delete" ? "deletes" : "replaces"} ${who}, because ${why(slot)}.`,
      detail:
        `${uses}, so the plan is not applied. Either wait: ${usedAt !== undefined ? "paste the newest secret into Miradore and run it again once the sign-in logs show Miradore using it" : waitAdvice(role, deadline)}; or revoke on purpose ` +
        `(${revokeCommand(options.stack)}), which deletes both secrets and disconnects Miradore until the new one is pasted.`,
      address: slot.passwordAddress,
    });
  }

  const { scheduleBefore: before, scheduleAfter: after } = secret;
  if (before && after && changedSettings(before, after).length > 0) {
    const problem = transitionProblem(before, after, state, options.now);
    if (problem) {
      findings.push({
        severity: "refuse",
        headline: `The new secret schedule cannot keep Miradore connected: ${describeChange(before, after)}.`,
        detail: `${problem}. ${transitionAdvice(before, after, state, options.now)}`,
      });
    }
  }
  return { findings, held, rotate };
}

/** The previous run's slots as the rotation model holds them (numbers are assigned by the model). */
function stateOf(secret: PlannedRotatingSecret): TwoSlotState {
  const slot = (planned: PlannedSlot) => ({
    rotation: planned.rotation,
    secret:
      planned.password && !planned.passwordGone
        ? { number: 0, rotationBase: planned.rotation?.base ?? planned.password.createdAt, ...planned.password }
        : undefined,
  });
  return { A: slot(secret.slots.A), B: slot(secret.slots.B) };
}

function why(slot: PlannedSlot): string {
  switch (slot.passwordReason) {
    case "replace_by_request":
      return "the plan was made with -replace for it";
    case "replace_because_tainted":
      return "it is tainted";
    case "delete_because_no_resource_config":
      return "its configuration was removed";
    case "replace_because_cannot_update":
      if (slot.rotationReason === "replace_by_request") return "its slot's rotation was replaced on request (-replace)";
      if (slot.rotationDue) return "its slot's scheduled rotation is due";
      return "a changed argument cannot be updated in place (its application, or a setting Terraform may not ignore)";
    case undefined:
      return slot.passwordChange === "delete" ? "the plan destroys the stack's resources" : "Terraform plans it";
    default:
      return `Terraform's reason is ${slot.passwordReason}`;
  }
}

function waitAdvice(role: "current" | "previous", deadline: Minute): string {
  return role === "previous"
    ? `run it again after ${day(deadline)}, when the handoff of the newest secret is over`
    : "Miradore only stops using this secret once a newer one has been made by the schedule and handed off; leave the change for then";
}

function revokeCommand(stack: string): string {
  return `Actions → rotation → Run workflow with stack ${stack} and rotation revoke, or run npm run ci:force-rotate -- --stack ${stack} --mode revoke`;
}

const FIELDS: readonly (keyof RotationSettings)[] = [
  "lifetimeDays",
  "rotationIntervalDays",
  "handoffDays",
  "maxRunGapDays",
];

export function changedSettings(before: RotationSettings, after: RotationSettings): (keyof RotationSettings)[] {
  return FIELDS.filter((field) => before[field] !== after[field]);
}

export function describeChange(before: RotationSettings, after: RotationSettings): string {
  return changedSettings(before, after)
    .map((field) => `secret.${field} changes from ${before[field]} to ${after[field]}`)
    .join(", ");
}

const day = (minute: Minute) => `${formatMinute(minute)} UTC`;
