import { Annotations, IAspect, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS } from "../../config/entra-limits";
import { GROUP_READ_ALL, GraphAppRole, USER_READ_ALL } from "../graph-facts";
import { MIRADORE_POLICY_RULES } from "./miradore-policy-rules";
import { isViolation, PolicyRule, PolicySettings } from "./policy-rule";
import { PolicyFinding, PolicyLog, reportFinding, stderrLog } from "./policy-reporting";
import { suppressionFor, suppressionsOn } from "./policy-suppressions";
import { TerraformView } from "./terraform-view";

/** Properties of {@link MiradorePolicyChecks}. */
export interface MiradorePolicyChecksProps {
  /**
   * The Microsoft Graph application permissions an app may request and be granted.
   * @default - exactly User.Read.All and Group.Read.All, what Miradore needs (see graph-facts.ts)
   */
  readonly allowedGraphAppRoles?: readonly GraphAppRole[];

  /**
   * The longest a client secret may stay valid, in days after it is made. Pass the site's
   * `secret.tenantMaxLifetimeDays` to hold the code to the tenant's own credential policy.
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
 * Policy checks as a cdktf Aspect, in the manner of cdk-nag: every construct of the stack is judged by every rule
 * against the Terraform JSON that synthesis writes. A violation is reported through `Annotations` at the rule's level
 * (an error stops `app.synth()` with the rule id and the construct path) unless a {@link suppressPolicyRule} with a
 * reason covers the construct; then it is listed as suppressed.
 *
 * Usage: `Aspects.of(stack).add(new MiradorePolicyChecks({ maxSecretLifetimeDays: site.secret.tenantMaxLifetimeDays }))`,
 * and `assertNoErrorAnnotations(app)` after `app.synth()` (see policy-reporting.ts).
 */
export class MiradorePolicyChecks implements IAspect {
  /** Every finding so far, suppressed ones included, in the order they were found. */
  public readonly findings: PolicyFinding[] = [];

  private readonly settings: PolicySettings;
  private readonly rules: readonly PolicyRule[];
  private readonly log: PolicyLog;
  private readonly views = new WeakMap<TerraformStack, TerraformView>();

  constructor(props: MiradorePolicyChecksProps = {}) {
    const maxSecretLifetimeDays = props.maxSecretLifetimeDays ?? DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS;
    if (!Number.isInteger(maxSecretLifetimeDays) || maxSecretLifetimeDays < 1) {
      throw new Error(
        `MiradorePolicyChecks: maxSecretLifetimeDays is ${JSON.stringify(maxSecretLifetimeDays)}, but must be a whole number of days, at least 1`,
      );
    }
    this.settings = {
      allowedGraphAppRoles: props.allowedGraphAppRoles ?? [USER_READ_ALL, GROUP_READ_ALL],
      maxSecretLifetimeDays,
    };
    this.rules = props.rules ?? MIRADORE_POLICY_RULES;
    this.log = props.log ?? stderrLog;
  }

  public visit(node: IConstruct): void {
    const stack = stackOf(node);
    if (!stack) return; // the App itself
    // The stack is visited before its children: resolve it once per synthesis.
    if (node === stack || !this.views.has(stack)) this.views.set(stack, TerraformView.fromStack(stack));
    const context = { settings: this.settings, view: this.views.get(stack)! };

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
