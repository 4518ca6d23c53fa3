import type { IConstruct } from "constructs";

/** Metadata entry type under which a suppression is stored on its construct (as cdk-nag stores its own). */
const SUPPRESSION_METADATA = "miradore/policy-suppression";

/** Shortest reason accepted, as in cdk-nag: long enough that "n/a" or "ok" is refused. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/** Turns one policy rule off for a construct and everything below it. */
export interface PolicySuppression {
  /** The rule's id, e.g. `MIR-APP-2`. */
  readonly ruleId: string;
  /** Why the rule does not apply here; listed in the synth output with every finding it suppresses. */
  readonly reason: string;
}

/** A suppression and the construct it is attached to. */
export interface AttachedSuppression extends PolicySuppression {
  /** Path of the construct the suppression was added to. */
  readonly path: string;
}

/**
 * Suppresses a rule on `scope` and its children. Throws when the rule id or the reason is missing: a suppression is
 * a reviewed decision, and the reason is what a reviewer reads.
 */
export function suppressPolicyRule(scope: IConstruct, suppression: PolicySuppression): void {
  const where = `policy suppression on ${scope.node.path}`;
  const ruleId = typeof suppression.ruleId === "string" ? suppression.ruleId.trim() : "";
  if (!/^\S+$/.test(ruleId)) {
    throw new Error(
      `${where}: ruleId is ${JSON.stringify(suppression.ruleId)}, but must name a rule such as "MIR-APP-2"`,
    );
  }
  const reason = typeof suppression.reason === "string" ? suppression.reason.trim() : "";
  if (reason.length < MIN_SUPPRESSION_REASON_LENGTH) {
    throw new Error(
      `${where}: reason for ${ruleId} is ${JSON.stringify(suppression.reason)}, but must say why the rule does not ` +
        `apply here (at least ${MIN_SUPPRESSION_REASON_LENGTH} characters)`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason });
}

/** The suppressions added to this construct itself (not its parents). */
export function suppressionsOn(scope: IConstruct): AttachedSuppression[] {
  return scope.node.metadata
    .filter((entry) => entry.type === SUPPRESSION_METADATA)
    .map((entry) => ({ ...(entry.data as PolicySuppression), path: scope.node.path }));
}

/** The suppression of `ruleId` that covers `node`: on the node itself or the nearest parent that has one. */
export function suppressionFor(node: IConstruct, ruleId: string): AttachedSuppression | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    const found = suppressionsOn(scope).find((suppression) => suppression.ruleId === ruleId);
    if (found) return found;
  }
  return undefined;
}
