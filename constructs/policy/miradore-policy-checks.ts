import { Annotations, IAspect, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS } from "../entra-limits";
import { dayCountProblem } from "../secret-schedule";
import type { GraphAppRole } from "../graph-facts";
import { MIRADORE_GRAPH_APP_ROLES } from "../miradore-graph-permissions";
import { MIRADORE_POLICY_RULES } from "./miradore-policy-rules";
import { isViolation, PolicyRule, PolicySettings, type RuleContext } from "./policy-rule";
import { PolicyFinding, PolicyLog, reportFinding, stderrLog } from "./policy-reporting";
import { suppressionFor, suppressionsOn } from "./policy-suppressions";
import { TerraformView } from "./terraform-view";

/** Properties of {@link MiradorePolicyChecks}. */
export interface MiradorePolicyChecksProps {
  /**
   * The Microsoft Graph application permissions an app may request and be granted.
   * @default MIRADORE_GRAPH_APP_ROLES - exactly what Miradore needs (User.Read.All and Group.Read.All)
   */
  readonly allowedGraphAppRoles?: readonly GraphAppRole[];

  /**
   * The longest a client secret may stay valid, in days after it is made. MiradoreStack and MiradoreConnection pass
   * their `secret.tenantMaxLifetimeDays`, which holds the code to the tenant's own credential policy.
   * @default 730 - the longest the Entra admin center offers (24 months, `DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS`)
   */
  readonly maxSecretLifetimeDays?: number;

  /**
   * The rules to apply.
   * @default MIRADORE_POLICY_RULES - every rule in this folder
   */
  readonly rules?: readonly PolicyRule[];

  /**
   * Where warnings, infos and applied suppressions are printed, one line each (errors stop synthesis instead).
   * @default - stderr
   */
  readonly log?: PolicyLog;
}

/**
 * Policy checks as a cdktf Aspect, in the manner of cdk-nag: every construct the aspect visits is judged by every
 * rule against the Terraform JSON that synthesis writes. A violation is reported through `Annotations` at the rule's
 * level (an error stops `app.synth()` with the rule id and the construct path) unless a {@link suppressPolicyRule}
 * with a reason covers the construct; then it is listed as suppressed.
 *
 * The visit only notes the construct: the judging runs as a validation of the stack, which cdktf runs after every
 * aspect, so what another aspect or an escape hatch changes later in the aspect phase is judged too. (An app made with
 * `skipValidation` skips these checks with every other validation.)
 *
 * Usage: `Aspects.of(stack).add(new MiradorePolicyChecks({ maxSecretLifetimeDays: 365 }))`,
 * and `assertNoErrorAnnotations(app)` after `app.synth()` (see policy-reporting.ts).
 */
export class MiradorePolicyChecks implements IAspect {
  /** Every finding so far, suppressed ones included, in the order they were found. */
  public readonly findings: PolicyFinding[] = [];

  private readonly settings: PolicySettings;
  private readonly rules: readonly PolicyRule[];
  private readonly log: PolicyLog;
  /** The constructs visited so far, by stack; judged by the stack's validation. */
  private readonly visited = new Map<TerraformStack, IConstruct[]>();

  constructor(props: MiradorePolicyChecksProps = {}) {
    const maxSecretLifetimeDays = props.maxSecretLifetimeDays ?? DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS;
    // The same rule as the tenant's maximum in the configuration and in RotatingClientSecret's props.
    const problem = dayCountProblem("tenantMaxLifetimeDays", maxSecretLifetimeDays);
    if (problem) {
      throw new Error(
        `MiradorePolicyChecks: maxSecretLifetimeDays is ${JSON.stringify(maxSecretLifetimeDays)}, but ${problem}`,
      );
    }
    this.settings = {
      allowedGraphAppRoles: props.allowedGraphAppRoles ?? MIRADORE_GRAPH_APP_ROLES,
      maxSecretLifetimeDays,
    };
    this.rules = props.rules ?? MIRADORE_POLICY_RULES;
    this.log = props.log ?? stderrLog;
  }

  public visit(node: IConstruct): void {
    const stack = stackOf(node);
    if (!stack) return; // the App itself
    const nodes = this.visited.get(stack);
    if (nodes) return void nodes.push(node);
    this.visited.set(stack, [node]);
    node.node.addValidation({ validate: () => this.judge(stack) });
  }

  /** Judges every construct visited in `stack` against its Terraform JSON as it is now, once the aspects are done. */
  private judge(stack: TerraformStack): string[] {
    const context = { settings: this.settings, view: TerraformView.fromStack(stack) };
    for (const node of this.visited.get(stack) ?? []) this.judgeNode(node, context);
    this.visited.delete(stack);
    // Findings are annotations, which cdktf collects (and stops on) right after the validations.
    return [];
  }

  private judgeNode(node: IConstruct, context: RuleContext): void {
    this.checkSuppressionsName(node);
    for (const rule of this.rules) {
      const outcome = rule.check(node, context);
      if (!isViolation(outcome)) continue;
      const finding: PolicyFinding = {
        ruleId: rule.id,
        level: rule.level,
        path: node.node.path,
        detail: outcome.violation,
        suppressedBy: suppressionFor(node, rule.id),
      };
      this.findings.push(finding);
      reportFinding(node, rule, finding, this.log);
    }
  }

  /** A suppression of a rule this policy does not have is a typo or stale: it would silently suppress nothing. */
  private checkSuppressionsName(node: IConstruct): void {
    const suppressions = suppressionsOn(node);
    if (suppressions.length === 0) return;
    const known = this.rules.map((rule) => rule.id);
    for (const suppression of suppressions) {
      if (known.includes(suppression.ruleId)) continue;
      const message = `[policy] suppression of ${JSON.stringify(suppression.ruleId)} names no rule of this policy (rules: ${known.join(", ")})`;
      Annotations.of(node).addWarning(message);
      this.log(`policy warning [${node.node.path}] ${message}`);
    }
  }
}

/** The nearest stack at or above a construct; `undefined` for the App. */
function stackOf(node: IConstruct): TerraformStack | undefined {
  for (let scope: IConstruct | undefined = node; scope; scope = scope.node.scope) {
    if (TerraformStack.isStack(scope)) return scope;
  }
  return undefined;
}
