// Which `time_rotating` resources a forced rotation replaces (`terraform apply -replace=<address>`):
// - revoke (a secret leaked): both slots, so both old passwords are deleted and only new ones remain;
// - keep (rotate early, keep Miradore working): only the slot that is not current, so the secret Miradore uses stays
//   until the operator has pasted the new one.
// "Current" follows RotatingClientSecret's rule: slot B when its rotation time is later than slot A's, else slot A.
import { PipelineError } from "./command-context";

export type ForcedRotationMode = "keep" | "revoke";
export const FORCED_ROTATION_MODES: readonly ForcedRotationMode[] = ["keep", "revoke"];

type Slot = "a" | "b";

/** Addresses of each slot's `time_rotating`, found by their construct path in the synthesized JSON. */
export function slotRotationAddresses(stack: string, synthesized: unknown): Record<Slot, string> {
  const resources =
    (synthesized as { resource?: { time_rotating?: Record<string, { "//"?: { metadata?: { path?: string } } }> } })
      .resource?.time_rotating ?? {};
  const found: Partial<Record<Slot, string[]>> = {};
  for (const [name, body] of Object.entries(resources)) {
    // The construct path when cdktf recorded it, else the logical id derived from it (slot-a_rotation_<hash>).
    const path = body["//"]?.metadata?.path;
    const slot = (
      path === undefined ? /(?:^|_)slot-([ab])_rotation_[0-9A-F]{8}$/.exec(name) : /\/slot-([ab])\/rotation$/.exec(path)
    )?.[1] as Slot | undefined;
    if (slot) (found[slot] ??= []).push(`time_rotating.${name}`);
  }
  const one = (slot: Slot): string => {
    const addresses = found[slot] ?? [];
    if (addresses.length !== 1) {
      throw new PipelineError(
        `stack ${stack}: expected exactly one time_rotating whose construct path ends in /slot-${slot}/rotation, found ${addresses.length}` +
          (addresses.length ? ` (${addresses.join(", ")})` : "; is it a Miradore stack synthesized by this project?"),
      );
    }
    return addresses[0]!;
  };
  return { a: one("a"), b: one("b") };
}

interface StateResource {
  readonly address: string;
  readonly values?: { readonly rotation_rfc3339?: unknown };
}

/** The slot holding the newest secret, from the rotation times in `terraform show -json` state (values read: those two only). */
export function currentSlot(stack: string, addresses: Record<Slot, string>, state: unknown): Slot {
  const resources =
    (state as { values?: { root_module?: { resources?: StateResource[] } } }).values?.root_module?.resources ?? [];
  const rotationMs = (slot: Slot): number => {
    const resource = resources.find((r) => r.address === addresses[slot]);
    if (!resource) {
      throw new PipelineError(
        `stack ${stack}: ${addresses[slot]} is not in the state; deploy the stack (or let the scheduled run re-create a due rotation) before forcing a rotation`,
      );
    }
    const ms =
      typeof resource.values?.rotation_rfc3339 === "string" ? Date.parse(resource.values.rotation_rfc3339) : Number.NaN;
    if (Number.isNaN(ms))
      throw new PipelineError(
        `stack ${stack}: ${addresses[slot]}.rotation_rfc3339 in the state is not an RFC 3339 time`,
      );
    return ms;
  };
  return rotationMs("b") > rotationMs("a") ? "b" : "a";
}

/** The `-replace` addresses for `mode`. */
export function addressesToReplace(mode: ForcedRotationMode, addresses: Record<Slot, string>, current: Slot): string[] {
  if (mode === "revoke") return [addresses.a, addresses.b];
  return [addresses[current === "a" ? "b" : "a"]];
}
