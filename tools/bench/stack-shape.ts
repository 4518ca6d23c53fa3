/**
 * What a synthesized stack consists of, without names: resource and data source types with their counts, outputs,
 * locals, providers and backend. The benchmark compares the template baseline's shape with ours before it compares
 * their timings, so both sides are known to synthesize the same infrastructure.
 */
export interface StackShape {
  readonly resources: Readonly<Record<string, number>>;
  readonly dataSources: Readonly<Record<string, number>>;
  readonly outputs: readonly string[];
  readonly sensitiveOutputs: readonly string[];
  readonly locals: number;
  readonly providers: Readonly<Record<string, unknown>>;
  readonly requiredProviders: Readonly<Record<string, unknown>>;
  readonly backend: Readonly<Record<string, unknown>>;
}

type Block = Record<string, Record<string, unknown>>;

const countByType = (block: Block | undefined): Record<string, number> =>
  Object.fromEntries(
    Object.entries(block ?? {})
      .map(([type, items]) => [type, Object.keys(items).length] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** The shape of a parsed `cdk.tf.json`. */
export function stackShape(stack: Record<string, unknown>): StackShape {
  const outputs = (stack.output ?? {}) as Record<string, { sensitive?: boolean }>;
  const terraform = (stack.terraform ?? {}) as { required_providers?: object; backend?: object };
  return {
    resources: countByType(stack.resource as Block | undefined),
    dataSources: countByType(stack.data as Block | undefined),
    outputs: Object.keys(outputs).sort(),
    sensitiveOutputs: Object.keys(outputs)
      .filter((name) => outputs[name]!.sensitive === true)
      .sort(),
    locals: Object.keys((stack.locals ?? {}) as object).length,
    providers: (stack.provider ?? {}) as Record<string, unknown>,
    requiredProviders: (terraform.required_providers ?? {}) as Record<string, unknown>,
    backend: (terraform.backend ?? {}) as Record<string, unknown>,
  };
}

/** The parts in which two shapes differ, one line each ("resources: ... vs ..."); empty when they match. */
export function shapeDifferences(ours: StackShape, theirs: StackShape): string[] {
  return (Object.keys(ours) as (keyof StackShape)[]).flatMap((part) => {
    const [a, b] = [JSON.stringify(ours[part]), JSON.stringify(theirs[part])];
    return a === b ? [] : [`${part}: ${a} vs ${b}`];
  });
}
