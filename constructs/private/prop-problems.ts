import { Token } from "cdktf";
import type { IConstruct } from "constructs";

/** One prop's rule: the field, its value, and what the value must be (undefined when it is fine). */
export type PropCheck = readonly [field: string, value: unknown, problem: string | undefined];

/**
 * Throws one error naming the construct and every prop that breaks its rule, "<field> is <value>, but <expected>",
 * joined by "; " (`scope` is the construct, or its path when it does not exist yet). A value that is a cdktf token (a reference or expression, known only to Terraform) is not judged.
 */
export function assertProps(scope: IConstruct | string, checks: readonly PropCheck[]): void {
  const problems = checks
    .filter(([, value, problem]) => problem !== undefined && !Token.isUnresolved(value))
    .map(([field, value, problem]) => `${field} is ${describe(value)}, but ${problem}`);
  const where = typeof scope === "string" ? scope : scope.node.path;
  if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}`);
}

/** Each element of a list prop, as checks named `field[i]`. */
export function eachOf(
  field: string,
  values: readonly unknown[] | undefined,
  rule: (value: unknown) => string | undefined,
): PropCheck[] {
  if (values === undefined || Token.isUnresolved(values)) return [];
  if (!Array.isArray(values)) return [[field, values, "must be a list"]];
  return values.map((value, index) => [`${field}[${index}]`, value, rule(value)] as const);
}

function describe(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}
