import { Fn, Op, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { ClientSecretSlot } from "./client-secret-slot";

/** Reads one attribute of a slot (a Terraform expression). */
export type SlotAttribute = (slot: ClientSecretSlot) => string;

/** Properties of {@link RotatingClientSecret}. */
export interface RotatingClientSecretProps {
  /** Resource id (`/applications/{objectId}`) of the application the secrets belong to. */
  readonly applicationId: string;

  /** Days each secret stays valid after it is made. */
  readonly lifetimeDays: number;

  /** Days between two new secrets; each slot replaces its own secret every `2 × rotationIntervalDays`. */
  readonly rotationIntervalDays: number;

  /**
   * Prefix of the secrets' display names in the Entra admin center.
   * @default "Miradore connection"
   */
  readonly displayNamePrefix?: string;
}

/**
 * Two client secrets that take turns: a new secret every `rotationIntervalDays`, alternately in slot A and slot B,
 * and each secret lives until its own slot rotates again, one interval after the other slot's newer secret appeared.
 * So a secret is only ever deleted long after its successor exists: the operator has the whole interval to paste the
 * new secret into Miradore (which has no API for it).
 *
 * Slot A sets the pace (`rotation_days = 2 × interval`). Slot B rotates one interval after slot A's next rotation,
 * computed when B's secret is made and then kept, so it never moves when A rotates: the slots stay an interval apart.
 * The first secrets of both slots are made together; B's first secret is then the current one and lives three
 * intervals, which is why the configuration checks `2 × interval + handoff + run gap ≤ lifetime`.
 *
 * "Current" is the slot that rotates later: always the newest secret (after a first deploy, B).
 */
export class RotatingClientSecret extends Construct {
  /** The slot that sets the pace. */
  public readonly slotA: ClientSecretSlot;

  /** The slot that follows one interval behind. */
  public readonly slotB: ClientSecretSlot;

  /** True (a Terraform local, evaluated once per plan) while slot B holds the newest secret. */
  private readonly slotBIsCurrent: TerraformLocal;

  constructor(scope: Construct, id: string, props: RotatingClientSecretProps) {
    super(scope, id);
    const prefix = props.displayNamePrefix ?? "Miradore connection";
    const intervalHours = props.rotationIntervalDays * 24;
    const common = { applicationId: props.applicationId, lifetimeDays: props.lifetimeDays };

    this.slotA = new ClientSecretSlot(this, "slot-a", {
      ...common,
      displayName: `${prefix} (slot A, managed by Terraform)`,
      schedule: { everyDays: 2 * props.rotationIntervalDays },
    });
    this.slotB = new ClientSecretSlot(this, "slot-b", {
      ...common,
      displayName: `${prefix} (slot B, managed by Terraform)`,
      schedule: { atRfc3339: Fn.timeadd(this.slotA.rotation.rotationRfc3339, `${intervalHours}h`) },
    });
    // timecmp is 1 when its first argument is later.
    this.slotBIsCurrent = new TerraformLocal(
      this,
      "slot-b-is-current",
      Op.eq(Fn.timecmp(this.slotB.rotation.rotationRfc3339, this.slotA.rotation.rotationRfc3339), 1),
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

  /** When the next new secret is due: the previous slot rotates next. */
  public get nextRotationRfc3339(): string {
    return this.previous((slot) => slot.rotation.rotationRfc3339);
  }
}
