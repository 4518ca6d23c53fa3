// Which `time_rotating` resources a forced rotation replaces (`terraform apply -replace=<address>`):
// - revoke (a secret leaked): both slots, so both old passwords are deleted and only new ones remain;
// - keep (rotate early, keep Miradore working): only the slot that is not current, so the secret Miradore uses stays
//   until the operator has pasted the new one.
// "Current" follows RotatingClientSecret's rule: the slot with the newest secret (later start date; a tie is slot B).
import { PipelineError } from "./command-context";

export type ForcedRotationMode = "keep" | "revoke";
export const FORCED_ROTATION_MODES: readonly ForcedRotationMode[] = ["keep", "revoke"];

type Slot = "a" | "b";

/** The resources of one slot of the rotating secret. */
export interface SlotAddresses {
  /** Its `time_rotating`: replacing it makes the slot's next secret. */
  readonly rotation: string;
  /** Its `azuread_application_password`. */
  readonly password: string;
}

type Synthesized = { resource?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>> };

/** Each slot's resources, found by their construct path in the synthesized JSON (`…/slot-a/rotation`). */
export function slotAddresses(stack: string, synthesized: unknown): Record<Slot, SlotAddresses> {
  const resources = (synthesized as Synthesized).resource ?? {};
  const one = (slot: Slot, type: string, part: string): string => {
    const found = Object.entries(resources[type] ?? {}).flatMap(([name, body]) => {
      // The construct path when cdktf recorded it, else the logical id derived from it (slot-a_rotation_<hash>).
      const path = body["//"]?.metadata?.path;
      const matches =
        path === undefined
          ? new RegExp(`(?:^|_)slot-${slot}_${part}_[0-9A-F]{8}$`).test(name)
          : path.endsWith(`/slot-${slot}/${part}`);
      return matches ? [`${type}.${name}`] : [];
    });
    if (found.length !== 1) {
      throw new PipelineError(
        `stack ${stack}: expected exactly one ${type} whose construct path ends in /slot-${slot}/${part}, found ${found.length}` +
          (found.length ? ` (${found.join(", ")})` : "; is it a Miradore stack synthesized by this project?"),
      );
    }
    return found[0]!;
  };
  const slot = (name: Slot) => ({
    rotation: one(name, "time_rotating", "rotation"),
    password: one(name, "azuread_application_password", "password"),
  });
  return { a: slot("a"), b: slot("b") };
}

interface StateResource {
  readonly address: string;
  readonly values?: { readonly start_date?: unknown };
}

/**
 * The slot holding the newest secret (RotatingClientSecret's rule: the later start date; on a tie, slot B), from
 * `terraform show -json` state. Of each password only `start_date` is read.
 */
export function currentSlot(stack: string, addresses: Record<Slot, SlotAddresses>, state: unknown): Slot {
  const resources =
    (state as { values?: { root_module?: { resources?: StateResource[] } } }).values?.root_module?.resources ?? [];
  const startMs = (slot: Slot): number => {
    const resource = resources.find((r) => r.address === addresses[slot].password);
    if (!resource) {
      throw new PipelineError(
        `stack ${stack}: ${addresses[slot].password} is not in the state; deploy the stack (or let the scheduled run re-create a missing secret) before forcing a rotation`,
      );
    }
    const ms = typeof resource.values?.start_date === "string" ? Date.parse(resource.values.start_date) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new PipelineError(
        `stack ${stack}: ${addresses[slot].password}.start_date in the state is not an RFC 3339 time`,
      );
    }
    return ms;
  };
  return startMs("a") > startMs("b") ? "a" : "b";
}

/** The `time_rotating` addresses to `-replace` for `mode`. */
export function addressesToReplace(
  mode: ForcedRotationMode,
  addresses: Record<Slot, SlotAddresses>,
  current: Slot,
): string[] {
  if (mode === "revoke") return [addresses.a.rotation, addresses.b.rotation];
  return [addresses[current === "a" ? "b" : "a"].rotation];
}
