// Added and removed members of two masked lists treated as sets (owners, permissions, scopes).
import { formatMasked, type Masked } from "./masked-value";

export interface SetDifference<T> {
  readonly added: readonly T[];
  readonly removed: readonly T[];
}

/** Compares by each member's masked text, so two hidden members count as equal: neither is shown anyway. */
export function setDifference<T>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (member: T) => Masked,
): SetDifference<T> {
  const key = (member: T) => formatMasked(keyOf(member), Number.MAX_SAFE_INTEGER);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return {
    added: unique(
      after.filter((member) => !beforeKeys.has(key(member))),
      key,
    ),
    removed: unique(
      before.filter((member) => !afterKeys.has(key(member))),
      key,
    ),
  };
}

function unique<T>(members: readonly T[], key: (member: T) => string): T[] {
  const seen = new Set<string>();
  return members.filter((member) => {
    const k = key(member);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
