// Generic planning and value shaping, following the rules Terraform enforces on providers: a planned value must equal
// the configuration wherever the configuration sets it, only computed attributes may be unknown, replacing arguments
// are reported in requires_replace, and every value sent back is a complete object of the schema's type.
import type { ProviderError, PlanArgs, ResourceBehaviour } from "./provider-definition";
import type { SchemaBlock } from "./provider-schema";
import { cloneValue, containsUnknown, isObject, sameValue, UNKNOWN, type TfObject, type TfValue } from "./values";

/** Fills in every attribute (null when absent) and block of the type a `type` constraint describes. */
function completeByType(type: unknown, value: TfValue | undefined): TfValue {
  if (value === undefined || value === null || value === UNKNOWN) return value ?? null;
  if (!Array.isArray(type)) return value;
  const [kind, inner] = type as [string, unknown];
  if ((kind === "list" || kind === "set") && Array.isArray(value)) return value.map((v) => completeByType(inner, v));
  if (kind === "map" && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, completeByType(inner, v)]));
  }
  if (kind === "object" && isObject(value)) {
    const attrs = inner as Record<string, unknown>;
    return Object.fromEntries(Object.keys(attrs).map((k) => [k, completeByType(attrs[k], value[k])]));
  }
  return value;
}

/** The complete object for a block: all attributes present (null where unset), nested blocks per nesting mode. */
export function completeObject(block: SchemaBlock, value: TfObject | null | undefined): TfObject {
  const source = value ?? {};
  const out: TfObject = {};
  for (const [name, attr] of Object.entries(block.attributes ?? {}))
    out[name] = completeByType(attr.type, source[name]);
  for (const [name, bt] of Object.entries(block.block_types ?? {})) {
    const v = source[name];
    if (v === UNKNOWN) out[name] = UNKNOWN;
    else if (bt.nesting_mode === "list" || bt.nesting_mode === "set") {
      out[name] = Array.isArray(v) ? v.map((e) => (isObject(e) ? completeObject(bt.block, e) : e)) : [];
    } else if (bt.nesting_mode === "map") {
      out[name] = isObject(v)
        ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, isObject(e) ? completeObject(bt.block, e) : e]))
        : {};
    } else if (bt.nesting_mode === "group") out[name] = completeObject(bt.block, isObject(v) ? v : null);
    else out[name] = isObject(v) ? completeObject(bt.block, v) : null;
  }
  return out;
}

/**
 * Write-only attributes (Terraform 1.11+) are null in every plan, state and read result a provider returns: Terraform
 * rejects anything else. Changes `value` in place and returns it.
 */
export function clearWriteOnly(block: SchemaBlock, value: TfObject): TfObject {
  for (const [name, attr] of Object.entries(block.attributes ?? {})) if (attr.write_only) value[name] = null;
  for (const [name, bt] of Object.entries(block.block_types ?? {})) {
    const v = value[name];
    if (Array.isArray(v)) v.forEach((e) => isObject(e) && clearWriteOnly(bt.block, e));
    else if (isObject(v) && bt.nesting_mode === "map")
      Object.values(v).forEach((e) => isObject(e) && clearWriteOnly(bt.block, e));
    else if (isObject(v)) clearWriteOnly(bt.block, v);
  }
  return value;
}

/** On create, every computed attribute the configuration leaves null is unknown until apply (nested blocks too). */
function markComputedUnknown(block: SchemaBlock, planned: TfObject, config: TfObject | null): void {
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    if (attr.computed && (config?.[name] ?? null) === null) planned[name] = UNKNOWN;
  }
  for (const [name, bt] of Object.entries(block.block_types ?? {})) {
    const p = planned[name];
    const c = config?.[name];
    if (Array.isArray(p)) {
      p.forEach(
        (e, i) => isObject(e) && markComputedUnknown(bt.block, e, Array.isArray(c) && isObject(c[i]) ? c[i] : null),
      );
    } else if (isObject(p) && bt.nesting_mode !== "map") {
      markComputedUnknown(bt.block, p, isObject(c) ? c : null);
    }
  }
}

export interface PlanResult {
  readonly planned: TfObject | null;
  readonly requiresReplace: readonly string[];
}

/** PlanResourceChange for one object: create (prior null), update, or destroy (proposed null). */
export function planResourceChange(
  block: SchemaBlock,
  behaviour: ResourceBehaviour,
  args: Omit<PlanArgs, "planned"> & { readonly proposed: TfObject | null },
): PlanResult {
  const { prior, proposed, config, ctx } = args;
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const planned = completeObject(block, cloneValue(proposed));
  if (prior === null) {
    markComputedUnknown(block, planned, config);
  } else if (behaviour.planStyle === "framework" && !sameValue(prior, planned)) {
    // terraform-plugin-framework marks computed values unknown on any change, unless a plan modifier keeps them.
    for (const [name, attr] of Object.entries(block.attributes ?? {})) {
      if (attr.computed && (config[name] ?? null) === null && !behaviour.keepOnUpdate?.includes(name))
        planned[name] = UNKNOWN;
    }
  }
  behaviour.modifyPlan?.({ prior, planned, config, ctx });
  clearWriteOnly(block, planned);
  const requiresReplace =
    prior === null
      ? []
      : (behaviour.forceNew ?? []).filter((name) => !sameValue(prior[name] ?? null, planned[name] ?? null));
  return { planned, requiresReplace };
}

/** Validation shared by every type: the behaviour's own checks, given a complete configuration object. */
export function validateConfig(
  block: SchemaBlock,
  validate: ((c: TfObject) => ProviderError[]) | undefined,
  config: TfValue,
): ProviderError[] {
  if (!validate || !isObject(config)) return [];
  return validate(completeObject(block, config));
}

/** An apply result must be wholly known; an unknown left in it is a bug in the double, reported by path. */
export function assertWhollyKnown(typeName: string, value: TfValue, path = ""): void {
  if (!containsUnknown(value)) return;
  if (value === UNKNOWN) throw new Error(`provider double bug: ${typeName} apply left ${path || "the object"} unknown`);
  if (Array.isArray(value)) value.forEach((v, i) => assertWhollyKnown(typeName, v, `${path}[${i}]`));
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) assertWhollyKnown(typeName, v, path ? `${path}.${k}` : k);
}

/** An RFC 3339 timestamp as Go's time.RFC3339 prints a UTC time: whole seconds, `Z`. */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Go's time.Parse(time.RFC3339, …) in spirit: a full date, time and zone are required. */
export function parseRfc3339(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
