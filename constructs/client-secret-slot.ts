import { ApplicationPasswordA as ApplicationPassword } from "@cdktf/provider-azuread/lib/application-password";
import { Rotating } from "@cdktf/provider-time/lib/rotating";
import { Fn } from "cdktf";
import { Construct } from "constructs";

/** When a {@link ClientSecretSlot} makes its next secret. Exactly one field is set. */
export interface SlotSchedule {
  /** Rotate this many days after the slot's secret was made (the slot sets its own pace). */
  readonly everyDays?: number;
  /**
   * Rotate at this RFC 3339 time, evaluated once when the slot's secret is made and then kept (`ignore_changes`),
   * so another slot's rotation never moves this one.
   */
  readonly atRfc3339?: string;
}

/** Properties of {@link ClientSecretSlot}. */
export interface ClientSecretSlotProps {
  /** Resource id (`/applications/{objectId}`) of the application the secret belongs to. */
  readonly applicationId: string;

  /** Days each secret stays valid after it is made; written as an explicit `end_date`, never Graph's default. */
  readonly lifetimeDays: number;

  /** When the slot replaces its secret. */
  readonly schedule: SlotSchedule;

  /** Text shown next to the secret in the Entra admin center, so an operator knows which secret it is. */
  readonly displayName: string;
}

/**
 * One client secret that is replaced on a schedule: a `time_rotating` whose id feeds the password's
 * `rotate_when_changed`. On rotation the new password is created before the old one is deleted.
 */
export class ClientSecretSlot extends Construct {
  /** The schedule: disappears from state once its rotation time has passed, which replaces the password. */
  public readonly rotation: Rotating;

  /** The client secret (`azuread_application_password`). Its `value` is only in Terraform state. */
  public readonly password: ApplicationPassword;

  constructor(scope: Construct, id: string, props: ClientSecretSlotProps) {
    super(scope, id);
    const { everyDays, atRfc3339 } = props.schedule;
    if ((everyDays === undefined) === (atRfc3339 === undefined)) {
      throw new Error(`${this.node.path}: schedule needs exactly one of everyDays and atRfc3339`);
    }

    this.rotation = new Rotating(this, "rotation", {
      rotationDays: everyDays,
      rotationRfc3339: atRfc3339,
      lifecycle: atRfc3339 === undefined ? undefined : { ignoreChanges: ["rotation_rfc3339"] },
    });

    this.password = new ApplicationPassword(this, "password", {
      applicationId: props.applicationId,
      displayName: props.displayName,
      // The rotation's base is the moment it was (re)created, which is when this password is made.
      endDate: Fn.timeadd(this.rotation.rfc3339, `${props.lifetimeDays * 24}h`),
      rotateWhenChanged: { rotation: this.rotation.id },
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
