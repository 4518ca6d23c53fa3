import type { IConstruct } from "constructs";
import type { GraphAppRole } from "../graph-facts";
import type { TerraformView } from "./terraform-view";

/** How a violation is reported: an error stops synthesis, a warning and an info are listed. */
export type RuleLevel = "error" | "warning" | "info";

/** A rule was broken; `detail` says where and what was found, never a secret's value. */
export interface Violation {
  readonly violation: string;
}

/** What a rule says about one construct: it holds, it is broken, or it does not apply to this kind of construct. */
export type RuleOutcome = "ok" | "n/a" | Violation;

/** A violation with its detail message. */
export const violation = (detail: string): Violation => ({ violation: detail });

/** Narrows an outcome to a violation. */
export const isViolation = (outcome: RuleOutcome): outcome is Violation => typeof outcome === "object";

/** The policy's settings, after defaults. */
export interface PolicySettings {
  /** The Microsoft Graph application permissions an app may request and be granted. */
  readonly allowedGraphAppRoles: readonly GraphAppRole[];
  /** The longest a client secret may stay valid, in days from its creation. */
  readonly maxSecretLifetimeDays: number;
}

/** What a rule may read besides the construct: the settings and the stack's Terraform JSON. */
export interface RuleContext {
  readonly settings: PolicySettings;
  /** The resolved Terraform JSON of the stack the construct is in, as Terraform will read it. */
  readonly view: TerraformView;
}

/** One policy rule, in the manner of cdk-nag: an id to suppress it by, a level, why it exists, and a pure check. */
export interface PolicyRule {
  /** Stable id, e.g. `MIR-SEC-1`; suppressions name it. */
  readonly id: string;
  readonly level: RuleLevel;
  /** Why the rule exists, in a sentence an operator can act on. */
  readonly explanation: string;
  /** Judges one construct; called for every construct in the stack. */
  readonly check: (node: IConstruct, context: RuleContext) => RuleOutcome;
}
