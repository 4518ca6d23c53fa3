import { ApplicationPasswordA as ApplicationPassword } from "@cdktf/provider-azuread/lib/application-password";
import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import type { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Rotating } from "@cdktf/provider-time/lib/rotating";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { assertProps } from "./private/prop-problems";
import { AZUREAD, providerFor, TIME } from "./private/providers";
import { dayCountProblem, wholeDaysProblem } from "./secret-schedule";
import { terraformLiteral } from "./terraform-literal";

/** When a {@link ClientSecretSlot} makes its next secret. Exactly one field is set. */
export interface SlotSchedule {
  /** Rotate this many days after the slot's secret was made (the slot sets its own pace). */
  readonly everyDays?: number;
  /** Rotate at this RFC 3339 time (a Terraform expression), evaluated when the slot's secret is made. */
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

  /**
   * The azuread provider (of this stack) that manages the password; one with an alias selects that configuration.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly azureadProvider?: AzureadProvider;

  /**
   * The time provider (of this stack) that keeps the rotation schedule.
   * @default - the stack's default time provider (the one without an alias)
   */
  readonly timeProvider?: TimeProvider;
}

/**
 * One client secret that is replaced on a schedule: a `time_rotating` whose id feeds the password's
 * `rotate_when_changed`. On rotation the new password is created before the old one is deleted.
 *
 * Settings never replace a live secret. A password cannot be changed in place (every argument forces a new one), so
 * its `end_date` and `display_name` are `ignore_changes`: a new lifetime or name takes effect with the slot's next
 * secret. Likewise the rotation's time: an existing `time_rotating` keeps when it is due (`rotation_days` or
 * `rotation_rfc3339` is ignored once made), so a new interval takes effect from the slot's next rotation on, and never
 * moves a rotation that is already scheduled. Terraform still plans a replacement with the current configuration.
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
    assertProps(this, [
      ["lifetimeDays", props.lifetimeDays, dayCountProblem("lifetimeDays", props.lifetimeDays)],
      [
        "schedule.everyDays",
        everyDays,
        everyDays === undefined ? undefined : wholeDaysProblem(everyDays, "days between the slot's secrets"),
      ],
    ]);
    const timeProvider = providerFor(this, "timeProvider", TIME, props.timeProvider);
    const azureadProvider = providerFor(this, "azureadProvider", AZUREAD, props.azureadProvider);

    this.rotation = new Rotating(this, "rotation", {
      rotationDays: everyDays,
      rotationRfc3339: atRfc3339,
      lifecycle: { ignoreChanges: [atRfc3339 === undefined ? "rotation_days" : "rotation_rfc3339"] },
      provider: timeProvider,
    });

    this.password = new ApplicationPassword(this, "password", {
      applicationId: props.applicationId,
      displayName: terraformLiteral(props.displayName),
      // The rotation's base is the moment it was (re)created, which is when this password is made.
      endDate: Fn.timeadd(this.rotation.rfc3339, `${props.lifetimeDays * 24}h`),
      rotateWhenChanged: { rotation: this.rotation.id },
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ["display_name", "end_date"] },
      provider: azureadProvider,
    });
  }
}
