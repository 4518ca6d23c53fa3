import type { Minute } from "./minutes";

/**
 * A `time_rotating` in Terraform state (hashicorp/time 0.13). `base` is its `rfc3339` (and its `id`): the moment it
 * was created. `rotatesAt` is its `rotation_rfc3339`.
 */
export interface TimeRotatingState {
  readonly base: Minute;
  readonly rotatesAt: Minute;
}

/**
 * What refresh does to it at `now`: the provider's Read removes the resource from state once `now` is after
 * `rotation_rfc3339` (strictly: `now.After(rotation)`), so the same apply creates it again. Nothing happens between
 * runs: a due rotation waits for the next pipeline run.
 */
export function refreshTimeRotating(state: TimeRotatingState | undefined, now: Minute): TimeRotatingState | undefined {
  return state !== undefined && now > state.rotatesAt ? undefined : state;
}
