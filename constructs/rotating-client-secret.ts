import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import type { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Fn, Op, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { ClientSecretSlot } from "./client-secret-slot";
import { ScheduleRecord } from "./private/schedule-record";
import {
  DEFAULT_SECRET_SCHEDULE,
  describeScheduleProblems,
  type SecretSchedule,
  secretScheduleProblems,
} from "./secret-schedule";

/** Reads one attribute of a slot (a Terraform expression). */
export type SlotAttribute = (slot: ClientSecretSlot) => string;

/**
 * How a {@link RotatingClientSecret} rotates, in days. Every field is optional; together they must keep Miradore
 * connected through every rotation (the rules in `secretScheduleProblems`, which the construct applies).
 */
export interface RotatingClientSecretOptions {
  /**
   * Days each secret stays valid after it is made.
   * @default 180
   */
  readonly lifetimeDays?: number;

  /**
   * Days between two new secrets; each slot replaces its own secret every `2 × rotationIntervalDays`.
   * @default 60
   */
  readonly rotationIntervalDays?: number;

  /**
   * Days the operator has to paste each new secret into Miradore: the previous secret is kept at least this long.
   * @default 21
   */
  readonly handoffDays?: number;

  /**
   * The longest the scheduled pipeline may go without a successful run; the schedule leaves room for it.
   * @default 35
   */
  readonly maxRunGapDays?: number;

  /**
   * The tenant's cap on secret lifetime (an app management policy may set less than the portal's 24 months).
   * @default 730
   */
  readonly tenantMaxLifetimeDays?: number;

  /**
   * Prefix of the secrets' display names in the Entra admin center.
   * @default "Miradore connection"
   */
  readonly displayNamePrefix?: string;
}

/** Properties of {@link RotatingClientSecret}. */
export interface RotatingClientSecretProps extends RotatingClientSecretOptions {
  /** Resource id (`/applications/{objectId}`) of the application the secrets belong to. */
  readonly applicationId: string;

  /**
   * The azuread provider (of this stack) that manages the passwords; one with an alias selects that configuration.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly azureadProvider?: AzureadProvider;

  /**
   * The time provider (of this stack) that keeps the rotation schedule.
   * @default - the stack's default time provider (the one without an alias)
   */
  readonly timeProvider?: TimeProvider;
}

/** The Terraform names of the schedule's fields, as the schedule record (`terraform_data`) stores them. */
export const SCHEDULE_RECORD_FIELDS = {
  lifetimeDays: "lifetime_days",
  rotationIntervalDays: "rotation_interval_days",
  handoffDays: "handoff_days",
  maxRunGapDays: "max_run_gap_days",
} as const;

/**
 * Two client secrets that take turns: a new secret every `rotationIntervalDays`, alternately in slot A and slot B,
 * and each secret lives until its own slot rotates again, one interval after the other slot's newer secret appeared.
 * So a secret is only ever deleted long after its successor exists: the operator has the whole interval to paste the
 * new secret into Miradore (which has no API for it).
 *
 * Slot A sets the pace (`rotation_days = 2 × interval`). Slot B rotates one interval after slot A's next rotation,
 * computed when B's secret is made and then kept, so it never moves when A rotates: the slots stay an interval apart.
 * The first secrets of both slots are made together; B's first secret is then the current one and lives three
 * intervals, which is why the schedule needs `2 × interval + handoff + run gap ≤ lifetime`.
 *
 * "Current" is the newest secret (the later `start_date`; after a first deploy, both are as new and B's counts).
 * Changed settings never replace a live secret: they apply to each slot's next secret (see ClientSecretSlot). The
 * schedule in force is recorded in the state (a `terraform_data`), so the pipeline's apply guard can judge a change
 * of settings against the secrets that exist (tools/secret-guard/).
 */
export class RotatingClientSecret extends Construct {
  /** The slot that sets the pace. */
  public readonly slotA: ClientSecretSlot;

  /** The slot that follows one interval behind. */
  public readonly slotB: ClientSecretSlot;

  /** The schedule, defaults applied. */
  public readonly schedule: SecretSchedule;

  /** True (a Terraform local, evaluated once per plan) while slot B holds the newest secret. */
  private readonly slotBIsCurrent: TerraformLocal;

  constructor(scope: Construct, id: string, props: RotatingClientSecretProps) {
    super(scope, id);
    const schedule: SecretSchedule = {
      lifetimeDays: props.lifetimeDays ?? DEFAULT_SECRET_SCHEDULE.lifetimeDays,
      rotationIntervalDays: props.rotationIntervalDays ?? DEFAULT_SECRET_SCHEDULE.rotationIntervalDays,
      handoffDays: props.handoffDays ?? DEFAULT_SECRET_SCHEDULE.handoffDays,
      maxRunGapDays: props.maxRunGapDays ?? DEFAULT_SECRET_SCHEDULE.maxRunGapDays,
      tenantMaxLifetimeDays: props.tenantMaxLifetimeDays ?? DEFAULT_SECRET_SCHEDULE.tenantMaxLifetimeDays,
    };
    const problems = secretScheduleProblems(schedule);
    if (problems.length > 0) {
      throw new Error(`${this.node.path}: ${describeScheduleProblems(schedule, problems).join("; ")}`);
    }
    this.schedule = schedule;

    const prefix = props.displayNamePrefix ?? "Miradore connection";
    const intervalHours = schedule.rotationIntervalDays * 24;
    const common = {
      applicationId: props.applicationId,
      lifetimeDays: schedule.lifetimeDays,
      azureadProvider: props.azureadProvider,
      timeProvider: props.timeProvider,
    };

    this.slotA = new ClientSecretSlot(this, "slot-a", {
      ...common,
      displayName: `${prefix} (slot A, managed by Terraform)`,
      schedule: { everyDays: 2 * schedule.rotationIntervalDays },
    });
    this.slotB = new ClientSecretSlot(this, "slot-b", {
      ...common,
      displayName: `${prefix} (slot B, managed by Terraform)`,
      schedule: { atRfc3339: Fn.timeadd(this.slotA.rotation.rotationRfc3339, `${intervalHours}h`) },
    });
    // timecmp is -1, 0 or 1 as its first argument is earlier, equal or later; equal start dates (the first deploy)
    // count as B. (Compared with -1: cdktf renders a literal 0 operand as "undefined".)
    this.slotBIsCurrent = new TerraformLocal(
      this,
      "slot-b-is-current",
      Op.neq(Fn.timecmp(this.slotB.password.startDate, this.slotA.password.startDate), -1),
    );

    new ScheduleRecord(
      this,
      "schedule",
      Object.fromEntries(
        Object.entries(SCHEDULE_RECORD_FIELDS).map(([field, name]) => [name, schedule[field as keyof SecretSchedule]]),
      ),
    );
  }

  /** An attribute of the newest secret's slot, e.g. `current((slot) => slot.password.keyId)`. */
  public current(attribute: SlotAttribute): string {
    return Fn.conditional(this.slotBIsCurrent.asBoolean, attribute(this.slotB), attribute(this.slotA));
  }

  /** An attribute of the other slot: the previous secret, which Miradore may use until the handoff is done. */
  public previous(attribute: SlotAttribute): string {
    return Fn.conditional(this.slotBIsCurrent.asBoolean, attribute(this.slotA), attribute(this.slotB));
  }

  /** When the next new secret is due: the earlier of the two slots' rotations (normally the previous slot's). */
  public get nextRotationRfc3339(): string {
    const a = this.slotA.rotation.rotationRfc3339;
    const b = this.slotB.rotation.rotationRfc3339;
    return Fn.conditional(Op.neq(Fn.timecmp(a, b), 1), a, b);
  }
}
