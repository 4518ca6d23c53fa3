// Whether a plan (`terraform show -json`) changes anything, and whether a refresh found drift. Reads actions and
// addresses only, never values: the plan JSON holds the secrets of the passwords in state.

interface PlanActions {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
  readonly resource_drift?: readonly {
    readonly address: string;
    readonly type?: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

const doesNothing = (actions: readonly string[]) => actions.every((a) => a === "no-op" || a === "read");

/** Addresses of resources the plan creates, updates, replaces or deletes, plus `output.<name>` of changed outputs. */
export function plannedChanges(plan: PlanActions): string[] {
  const resources = (plan.resource_changes ?? []).filter((c) => !doesNothing(c.change.actions)).map((c) => c.address);
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => !doesNothing(c.actions))
    .map(([name]) => `output.${name}`);
  return [...resources, ...outputs];
}

/**
 * Addresses of objects changed outside Terraform. A `time_rotating` that vanished is not drift: its read removes it
 * once its rotation time has passed, which is how a due rotation shows up until the scheduled apply makes the new
 * secret.
 */
export function driftedObjects(plan: PlanActions): string[] {
  return (plan.resource_drift ?? [])
    .filter((d) => !doesNothing(d.change.actions))
    .filter((d) => !((d.type ?? d.address.split(".")[0]) === "time_rotating" && d.change.actions.includes("delete")))
    .map((d) => d.address);
}
