// How the review says what happens to an object and why, in Terraform's own terms.
import type { ChangeKind } from "./plan-schema";

/** "will be <verb>". Replacements say their order: with create-before-destroy both objects exist for a while. */
export const KIND_VERBS: Readonly<Record<ChangeKind, string>> = {
  "no-op": "left unchanged",
  create: "created",
  read: "read during apply",
  update: "updated in place",
  delete: "destroyed",
  forget: "removed from Terraform state (the object itself is kept)",
  "replace-destroy-first": "replaced, destroying the old object before creating the new one",
  "replace-create-first": "replaced, creating the new object before destroying the old one (create_before_destroy)",
  "replace-forget-old": "replaced, creating the new object; the old one is kept, no longer managed (destroy = false)",
};

/**
 * Headings for the groups of changes that are not identity-critical, in the order the review shows them. A Record,
 * so that every kind has a group: a kind without one would silently drop changes from the review.
 */
export const KIND_GROUP_HEADINGS: Readonly<Record<ChangeKind, string>> = {
  delete: "Destroy",
  "replace-destroy-first": "Replace (destroy first)",
  "replace-create-first": "Replace (create first)",
  "replace-forget-old": "Replace (old object kept)",
  forget: "Forget (remove from state)",
  create: "Create",
  update: "Update in place",
  read: "Read during apply",
  "no-op": "Moved or imported, no other change",
};

// Source: the action_reason values in Terraform's internal/command/jsonplan/plan.go.
const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: "a changed argument cannot be updated in place",
  replace_because_tainted: "the object is tainted (a create or update failed, or `terraform taint`)",
  replace_by_request: "replacement was requested with `-replace`",
  replace_by_triggers: "a resource in `replace_triggered_by` changed",
  delete_because_no_resource_config: "its configuration was removed",
  delete_because_wrong_repetition: "`count` or `for_each` was added or removed",
  delete_because_count_index: "its `count` index is no longer in range",
  delete_because_each_key: "its `for_each` key is no longer in the map or set",
  delete_because_no_module: "its module was removed",
  delete_because_no_move_target: "the target of its `moved` block does not exist",
  read_because_config_unknown: "its configuration depends on values known only after apply",
  read_because_dependency_pending: "a resource it depends on has changes pending",
  read_because_check_nested: "it is inside a `check` block",
};

/** Why Terraform plans this action, in words; unknown codes are shown as they are. */
export function describeActionReason(reason: string): string {
  return ACTION_REASONS[reason] ?? `Terraform's reason: ${reason}`;
}

const DEFERRED_REASONS: Readonly<Record<string, string>> = {
  instance_count_unknown: "its `count` or `for_each` is known only after apply",
  resource_config_unknown: "its configuration is known only after apply",
  provider_config_unknown: "its provider's configuration is known only after apply",
  deferred_prereq: "something it depends on is deferred",
  absent_prereq: "something it depends on does not exist yet",
  excluded: "it was excluded from this plan",
  not_included: "it was not included in this plan",
};

export function describeDeferredReason(reason: string): string {
  return DEFERRED_REASONS[reason] ?? `Terraform's reason: ${reason}`;
}

export function isReplacement(kind: ChangeKind): boolean {
  return kind.startsWith("replace-");
}
