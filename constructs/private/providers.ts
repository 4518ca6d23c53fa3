import { TerraformProvider, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

/** A kind of provider the constructs use: its Terraform name, and what to add to a stack that lacks one. */
export interface ProviderKind {
  readonly type: string;
  readonly suggestion: string;
}

export const AZUREAD: ProviderKind = {
  type: "azuread",
  suggestion: 'new AzureadProvider(stack, "azuread", { tenantId })',
};
export const TIME: ProviderKind = { type: "time", suggestion: 'new TimeProvider(stack, "time")' };
export const AZURERM: ProviderKind = {
  type: "azurerm",
  suggestion: 'new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId })',
};

/** Stacks already checked for a default provider of a type, so a missing one is reported once per stack. */
const checkedDefaults = new WeakMap<TerraformStack, Set<string>>();

/**
 * The provider meta-argument for the resources a construct makes with `provider` (a prop; `undefined` for the
 * stack's default configuration). Throws when it is not a `type` provider of the construct's own stack (Terraform
 * has no provider of another stack). An unaliased provider is the stack's default configuration, which Terraform uses
 * for a resource that names none, so it is left out: the JSON is the same as without the prop. Without a provider,
 * the stack must have a default one of `type`, which its validation checks at synthesis (a provider may be added
 * after the construct).
 */
export function providerFor<T extends TerraformProvider>(
  scope: IConstruct,
  field: string,
  kind: ProviderKind,
  provider: T | undefined,
): T | undefined {
  const { type } = kind;
  const stack = TerraformStack.of(scope);
  if (provider === undefined) {
    requireDefaultProvider(stack, kind, scope, field);
    return undefined;
  }
  if (!TerraformProvider.isTerraformProvider(provider) || provider.terraformResourceType !== type) {
    const got = TerraformProvider.isTerraformProvider(provider)
      ? `a ${provider.terraformResourceType} provider (${provider.node.path})`
      : JSON.stringify(provider);
    throw new Error(`${scope.node.path}: ${field} is ${got}, but must be a ${type} provider`);
  }
  if (TerraformStack.of(provider) !== stack) {
    throw new Error(
      `${scope.node.path}: ${field} is the provider ${provider.node.path}, but must be a provider of this construct's ` +
        `stack (${stack.node.path}): Terraform configures providers per stack`,
    );
  }
  return provider.alias === undefined ? undefined : provider;
}

function requireDefaultProvider(
  stack: TerraformStack,
  { type, suggestion }: ProviderKind,
  user: IConstruct,
  field: string,
): void {
  const checked = checkedDefaults.get(stack) ?? new Set<string>();
  checkedDefaults.set(stack, checked);
  if (checked.has(type)) return;
  checked.add(type);
  stack.node.addValidation({
    validate: () => {
      const found = stack.node
        .findAll()
        .some(
          (node) =>
            TerraformProvider.isTerraformProvider(node) &&
            node.terraformResourceType === type &&
            node.alias === undefined &&
            TerraformStack.of(node) === stack,
        );
      return found
        ? []
        : [
            `the stack has no ${type} provider without an alias, but ${user.node.path} uses it (no ${field} was ` +
              `given); add ${suggestion} to the stack, or pass the provider to use as ${field}`,
          ];
    },
  });
}
