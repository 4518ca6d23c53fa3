import type { PolicyRule } from "./policy-rule";
import { violation } from "./policy-rule";
import { referencesIn, stringsIn } from "./private/terraform-references";
import type { TerraformView } from "./terraform-view";

/**
 * Where a client secret's value can be read: a password resource's `value`, or an application's inline `password`
 * block. A reference to the whole block (no attribute) includes the value too.
 */
const SECRET_SOURCES: readonly { readonly type: string; readonly attribute: string }[] = [
  { type: "azuread_application_password", attribute: "value" },
  { type: "azuread_application", attribute: "password" },
];

function secretReferencesIn(text: string): string[] {
  return SECRET_SOURCES.flatMap(({ type, attribute }) =>
    referencesIn(text, type)
      .filter((ref) => ref.attribute === undefined || ref.attribute === attribute)
      .map((ref) => `${type}.${ref.name}${ref.attribute ? `.${ref.attribute}` : ""}`),
  );
}

/**
 * How a value reaches a secret, e.g. `azuread_application_password.a.value` or `local.x → azuread_…value`:
 * directly, or through locals (any expression around the reference, such as a function or a conditional, is
 * derived from it too). `undefined` when it does not.
 */
export function secretTrail(value: unknown, view: TerraformView, seen = new Set<string>()): string | undefined {
  const strings = stringsIn(value);
  const direct = strings.flatMap(secretReferencesIn)[0];
  if (direct !== undefined) return direct;
  for (const ref of strings.flatMap((text) => referencesIn(text, "local"))) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    const trail = secretTrail(view.block(`local.${ref.name}`)?.config.value, view, seen);
    if (trail !== undefined) return `local.${ref.name} → ${trail}`;
  }
  return undefined;
}

/** A client secret, or anything computed from it, in an output that is not marked sensitive. */
export const secretOnlyInSensitiveOutputs: PolicyRule = {
  id: "MIR-SEC-4",
  level: "error",
  explanation:
    "An output that is not sensitive is printed by terraform apply and output, and lands in CI logs and PR comments; " +
    "a client secret, and any value computed from one, may only leave Terraform through an output with sensitive = true.",
  check: (node, { view }) => {
    const block = view.blockOf(node);
    if (!block || block.kind !== "output") return "n/a";
    if (block.config.sensitive === true) return "ok";
    const trail = secretTrail(block.config.value, view);
    return trail === undefined
      ? "ok"
      : violation(`output "${block.name}" is not sensitive, but its value reads ${trail}; set sensitive: true`);
  },
};
