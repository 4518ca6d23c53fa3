// One resource change of the plan, as the review sees it: its kind, why, and masked values (see masked-value.ts).
import { knownSecretAttributes } from "./known-secret-attributes";
import { isRecord, maskValue, type Masked } from "./masked-value";
import type { ChangeKind, ResourceChange } from "./plan-schema";

export interface PlannedChange {
  readonly address: string;
  /** The address in the previous run's state, when a `moved` block (or a refactoring) changed it. */
  readonly previousAddress?: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly kind: ChangeKind;
  /** Terraform's reason code, such as "replace_because_tainted". */
  readonly actionReason?: string;
  /** Set when the change also imports an existing object. */
  readonly importing?: { readonly id?: string; readonly unknown?: boolean; readonly identity?: Masked };
  /** The deposed key when this change is about an older, deposed object of the resource. */
  readonly deposed?: string;
  /** Masked value before the change; undefined when the object does not exist yet. */
  readonly before?: Masked;
  /** Masked value after the change; undefined when the object will not exist afterwards. */
  readonly after?: Masked;
  /** Top-level attributes whose value changes (by the unmasked values, so a changed secret is listed too). */
  readonly changedAttributes: readonly string[];
  /** Attribute paths whose change forces the replacement, dot-joined. */
  readonly replacePaths: readonly string[];
}

export function toPlannedChange(rc: ResourceChange): PlannedChange {
  const { change } = rc;
  const secretPaths = knownSecretAttributes(rc.type);
  const exists = (value: unknown) => value !== undefined && value !== null;
  return {
    address: rc.address,
    previousAddress: rc.previous_address,
    type: rc.type,
    mode: rc.mode,
    kind: change.actions,
    actionReason: rc.action_reason,
    importing: change.importing
      ? {
          id: change.importing.id,
          unknown: change.importing.unknown,
          identity:
            change.importing.identity === undefined
              ? undefined
              : maskValue(change.importing.identity, undefined, undefined),
        }
      : undefined,
    deposed: rc.deposed,
    before: exists(change.before)
      ? maskValue(change.before, change.before_sensitive, undefined, secretPaths)
      : undefined,
    after:
      exists(change.after) || isMarked(change.after_unknown)
        ? maskValue(change.after, change.after_sensitive, change.after_unknown, secretPaths)
        : undefined,
    changedAttributes: changedAttributes(change.before, change.after, change.after_unknown),
    replacePaths: (change.replace_paths ?? []).map((path) => path.map(String).join(".")),
  };
}

/** after_unknown is `true` or an object with some `true` inside when (part of) the new value is unknown. */
function isMarked(marks: unknown): boolean {
  if (marks === true) {
    return true;
  }
  if (Array.isArray(marks)) {
    return marks.some(isMarked);
  }
  return isRecord(marks) && Object.values(marks).some(isMarked);
}

function changedAttributes(before: unknown, after: unknown, afterUnknown: unknown): string[] {
  if (!isRecord(before) || !(isRecord(after) || isRecord(afterUnknown))) {
    return [];
  }
  const afterRecord = isRecord(after) ? after : {};
  const unknownRecord = isRecord(afterUnknown) ? afterUnknown : {};
  const keys = new Set([...Object.keys(before), ...Object.keys(afterRecord), ...Object.keys(unknownRecord)]);
  return [...keys].filter((key) => isMarked(unknownRecord[key]) || !sameJson(before[key], afterRecord[key])).sort();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
