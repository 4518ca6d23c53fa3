import { PolicyViolationError } from "./policy-violation-error";
import { AnnotationMetadataEntryType, Annotations } from "cdktf";
import type { IConstruct } from "constructs";
import type { PolicyRule, RuleLevel } from "./policy-rule";
import type { AttachedSuppression } from "./policy-suppressions";

/** One broken rule on one construct. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  /** Path of the construct that breaks the rule. */
  readonly path: string;
  /** What was found (never a secret's value: rules report references, not values). */
  readonly detail: string;
  /** The suppression that turned the finding off, if one did. */
  readonly suppressedBy?: AttachedSuppression;
}

/** Where the policy prints its findings and suppressions, one line each. */
export type PolicyLog = (line: string) => void;

/** Prints to stderr, where `cdktf synth` and `npm run synth` show it, and stdout stays clean. */
export const stderrLog: PolicyLog = (line) => process.stderr.write(`${line}\n`);

/** The annotation text: rule id first (so the error names it), what was found, then why the rule exists. */
export const annotationMessage = (rule: PolicyRule, detail: string) =>
  `[${rule.id}] ${detail}. Why: ${rule.explanation}`;

/**
 * Records a finding on its construct through cdktf `Annotations` (an error there stops `app.synth()`), and prints
 * warnings, infos and every applied suppression: `app.synth()` run by node itself prints no annotations.
 */
export function reportFinding(node: IConstruct, rule: PolicyRule, finding: PolicyFinding, log: PolicyLog): void {
  const annotations = Annotations.of(node);
  const { suppressedBy } = finding;
  if (suppressedBy) {
    const text = `[${rule.id}] ${finding.level} suppressed on ${suppressedBy.path}: ${suppressedBy.reason} (finding: ${finding.detail})`;
    annotations.addInfo(text);
    log(`policy suppressed [${finding.path}] ${text}`);
    return;
  }
  const message = annotationMessage(rule, finding.detail);
  if (finding.level === "error") {
    // Printed by cdktf when it stops synthesis (with the path), or by the cdktf CLI; not printed twice here.
    annotations.addError(message);
    return;
  }
  if (finding.level === "warning") annotations.addWarning(message);
  else annotations.addInfo(message);
  log(`policy ${finding.level} [${finding.path}] ${message}`);
}

/**
 * Throws when any construct under `scope` carries an error annotation, listing each with its path. `app.synth()`
 * already does this, unless `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` is set (the cdktf CLI sets it and then fails
 * on its own); call this after `app.synth()` and before using its output to fail even then.
 */
export function assertNoErrorAnnotations(scope: IConstruct): void {
  const errors = scope.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata
        .filter((entry) => entry.type === AnnotationMetadataEntryType.ERROR)
        .map((entry) => `[${node.node.path}] ${String(entry.data)}`),
    );
  if (errors.length > 0) {
    throw new PolicyViolationError(`Synthesis stopped by ${errors.length} error annotation(s):\n${errors.join("\n")}`);
  }
}
