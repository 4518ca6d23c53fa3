// Checks a cdktf-synthesized cdk.tf.json against provider schemas offline: what `terraform validate` would reject for
// unknown, read-only or missing arguments, wrong value types and nested block counts, without downloading providers.
import {
  acceptsObject,
  attributeType,
  checkValue,
  childPath,
  describeValue,
  isInterpolation,
  isPlainObject,
  typeName,
  type ValidationProblem,
} from "./cty-value-check";
import {
  loadProviderSchemas,
  type ProviderSchema,
  type ProviderSchemas,
  type SchemaBlock,
  type SchemaBlockType,
} from "./provider-schemas";

export type { ValidationProblem } from "./cty-value-check";

type Problems = ValidationProblem[];

const TOP_LEVEL_KEYS = [
  "//",
  "terraform",
  "provider",
  "resource",
  "data",
  "output",
  "variable",
  "locals",
  "module",
  "moved",
  "import",
  "check",
  "removed",
];
/** Meta-arguments Terraform accepts on every resource / data source; `//` is the metadata cdktf writes. */
const META_ARGUMENTS = {
  resource: ["//", "depends_on", "count", "for_each", "provider", "lifecycle", "provisioner", "connection"],
  data: ["//", "depends_on", "count", "for_each", "provider", "lifecycle"],
};
const LIFECYCLE_KEYS = {
  resource: [
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
    "precondition",
    "postcondition",
  ],
  data: ["precondition", "postcondition"],
};
const PROVIDER_META_ARGUMENTS = ["alias", "version"];
const OUTPUT_KEYS = ["//", "value", "description", "sensitive", "ephemeral", "depends_on", "precondition"];

/** All ways `json` (a parsed cdk.tf.json) does not match `schemas`; empty when it matches. */
export function validateTerraformJson(json: unknown, schemas: ProviderSchemas): ValidationProblem[] {
  const problems: Problems = [];
  if (!isPlainObject(json)) {
    return [{ path: "", message: `expected a cdk.tf.json object, got ${describeValue(json)}` }];
  }
  checkKeys(json, TOP_LEVEL_KEYS, [], "", "top-level key", problems);
  const providerAddresses = checkRequiredProviders(json.terraform, schemas, problems);
  checkProviderConfigs(json.provider, providerAddresses, schemas, problems);
  checkResources("resource", json.resource, schemas, problems);
  checkResources("data", json.data, schemas, problems);
  for (const [, output, outputPath] of entriesOf(json.output, "output", problems)) {
    for (const [body, path] of blockInstances(output, outputPath, problems)) {
      checkKeys(body, OUTPUT_KEYS, ["value"], path, "output argument", problems);
      checkConditions(body, path, problems);
    }
  }
  checkReferences(json, schemas, problems);
  return problems;
}

/**
 * Throws a readable error listing every problem when the stack does not match the provider schemas. Pass the
 * `schemas` given by `describeWithProviderSchemas`; without them they are loaded, and their absence is an error.
 */
export function expectValidAgainstProviderSchemas(stackJson: string | object, schemas?: ProviderSchemas): void {
  if (schemas === undefined) {
    const loaded = loadProviderSchemas();
    if (!loaded.available) throw new Error(`cannot validate against provider schemas: ${loaded.reason}`);
    schemas = loaded.schemas;
  }
  const json: unknown = typeof stackJson === "string" ? JSON.parse(stackJson) : stackJson;
  const problems = validateTerraformJson(json, schemas);
  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p.path || "(root)"}: ${p.message}`).join("\n");
    throw new Error(`cdk.tf.json does not match the provider schemas (${problems.length} problems):\n${list}`);
  }
}

/** Checks `terraform.required_providers` and returns the registry address of each provider local name. */
function checkRequiredProviders(terraform: unknown, schemas: ProviderSchemas, problems: Problems): Map<string, string> {
  const addresses = new Map<string, string>();
  const required = isPlainObject(terraform) ? terraform.required_providers : undefined;
  for (const [localName, requirement, path] of entriesOf(required, "terraform.required_providers", problems)) {
    // A bare string is the legacy form: a version constraint for hashicorp/<local name>.
    const source =
      isPlainObject(requirement) && typeof requirement.source === "string"
        ? requirement.source
        : `hashicorp/${localName}`;
    const address = registryAddress(source);
    addresses.set(localName, address);
    if (!schemas.has(address)) problems.push({ path, message: noSchemaMessage(address, schemas) });
  }
  return addresses;
}

function checkProviderConfigs(
  providers: unknown,
  addresses: Map<string, string>,
  schemas: ProviderSchemas,
  problems: Problems,
): void {
  for (const [localName, configs, path] of entriesOf(providers, "provider", problems)) {
    const address = addresses.get(localName) ?? registryAddress(`hashicorp/${localName}`);
    const schema = schemas.get(address);
    if (schema === undefined) {
      problems.push({ path, message: noSchemaMessage(address, schemas) });
      continue;
    }
    for (const [config, configPath] of blockInstances(configs, path, problems)) {
      checkBlockBody(config, schema.providerBlock, configPath, PROVIDER_META_ARGUMENTS, problems);
    }
  }
}

function checkResources(
  kind: "resource" | "data",
  section: unknown,
  schemas: ProviderSchemas,
  problems: Problems,
): void {
  for (const [type, byName, typePath] of entriesOf(section, kind, problems)) {
    const block = findBlock(kind, type, schemas);
    if (block === undefined) {
      const known = [...schemas.values()].flatMap((s) => Object.keys(blocksOfKind(kind, s)));
      const what = kind === "resource" ? "resource type" : "data source type";
      problems.push({
        path: typePath,
        message: `unknown ${what} "${type}"${didYouMean(type, known)}; no loaded provider schema defines it`,
      });
      continue;
    }
    for (const [, instance, instancePath] of entriesOf(byName, typePath, problems)) {
      for (const [body, path] of blockInstances(instance, instancePath, problems)) {
        checkBlockBody(body, block, path, META_ARGUMENTS[kind], problems);
        checkMetaArguments(kind, body, block, path, problems);
      }
    }
  }
}

/** Checks the arguments and nested blocks of one block body; `metaArguments` are left to the caller. */
function checkBlockBody(
  body: Record<string, unknown>,
  block: SchemaBlock,
  path: string,
  metaArguments: readonly string[],
  problems: Problems,
): void {
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  for (const [name, value] of Object.entries(body)) {
    const argPath = childPath(path, name);
    const attribute = attributes[name];
    const blockType = blockTypes[name];
    if (attribute !== undefined) {
      const type = attributeType(attribute);
      // Messages quote values, so secrets are hidden; the name test covers provider arguments such as client_secret,
      // which the azuread schema does not mark sensitive.
      const sensitive = attribute.sensitive === true || /secret|password|token|certificate/.test(name);
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push({
          path: argPath,
          message: `"${name}" is read-only (computed by the provider); it cannot be set`,
        });
      } else if (looksLikeBlocks(value) && !acceptsObject(type)) {
        const got = describeValue(value, sensitive);
        problems.push({
          path: argPath,
          message: `"${name}" is an attribute of type ${typeName(type)}, not a block; got ${got}`,
        });
      } else {
        checkValue(value, type, argPath, problems, sensitive);
      }
    } else if (blockType !== undefined) {
      checkNestedBlocks(name, value, blockType, argPath, problems);
    } else if (name === "dynamic") {
      checkDynamicBlocks(value, blockTypes, argPath, problems);
    } else if (!metaArguments.includes(name)) {
      const known = [...Object.keys(attributes), ...Object.keys(blockTypes)];
      problems.push({ path: argPath, message: `unknown argument "${name}"${didYouMean(name, known)}` });
    }
  }
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && (body[name] === undefined || body[name] === null)) {
      problems.push({
        path: childPath(path, name),
        message: `missing required argument "${name}" (expected ${typeName(attributeType(attribute))})`,
      });
    }
  }
  const dynamicBlocks = isPlainObject(body.dynamic) ? body.dynamic : {};
  for (const [name, blockType] of Object.entries(blockTypes)) {
    const minItems = blockType.min_items ?? 0;
    if (minItems > 0 && body[name] === undefined && !(name in dynamicBlocks)) {
      problems.push({
        path: childPath(path, name),
        message: `missing required block "${name}" (expected at least ${minItems})`,
      });
    }
  }
}

/** Checks a nested block: its JSON shape (object, or array of objects), instance count, and each body. */
function checkNestedBlocks(
  name: string,
  value: unknown,
  blockType: SchemaBlockType,
  path: string,
  problems: Problems,
): void {
  // Map-nested blocks are keyed by their label: { <label>: { ...body } }.
  const instances =
    blockType.nesting_mode === "map"
      ? entriesOf(value, path, problems).flatMap(([, labelled, labelPath]) =>
          blockInstances(labelled, labelPath, problems),
        )
      : blockInstances(value, path, problems);
  const single = blockType.nesting_mode === "single" || blockType.nesting_mode === "group";
  const maxItems = single ? 1 : blockType.max_items;
  const minItems = blockType.min_items ?? 0;
  if (maxItems !== undefined && instances.length > maxItems) {
    problems.push({ path, message: `got ${instances.length} "${name}" blocks, but at most ${maxItems} allowed` });
  }
  if (instances.length < minItems) {
    problems.push({ path, message: `got ${instances.length} "${name}" blocks, but at least ${minItems} required` });
  }
  for (const [body, instancePath] of instances) checkBlockBody(body, blockType.block, instancePath, [], problems);
}

/** `dynamic: { <block>: { for_each, iterator?, labels?, content } }`: content is checked; counts are unknown. */
function checkDynamicBlocks(
  value: unknown,
  blockTypes: Readonly<Record<string, SchemaBlockType>>,
  path: string,
  problems: Problems,
): void {
  for (const [name, specs, blockPath] of entriesOf(value, path, problems)) {
    const blockType = blockTypes[name];
    if (blockType === undefined) {
      problems.push({
        path: blockPath,
        message: `unknown block type "${name}"${didYouMean(name, Object.keys(blockTypes))}`,
      });
      continue;
    }
    for (const [spec, specPath] of blockInstances(specs, blockPath, problems)) {
      checkKeys(
        spec,
        ["for_each", "iterator", "labels", "content"],
        ["for_each", "content"],
        specPath,
        "dynamic block argument",
        problems,
      );
      if (spec.content === undefined) continue;
      for (const [content, contentPath] of blockInstances(spec.content, childPath(specPath, "content"), problems)) {
        checkBlockBody(content, blockType.block, contentPath, [], problems);
      }
    }
  }
}

function checkMetaArguments(
  kind: "resource" | "data",
  body: Record<string, unknown>,
  block: SchemaBlock,
  path: string,
  problems: Problems,
): void {
  const checkShape = (name: string, ok: (value: unknown) => boolean, expected: string) => {
    if (body[name] !== undefined && !ok(body[name])) {
      problems.push({ path: childPath(path, name), message: `expected ${expected}, got ${describeValue(body[name])}` });
    }
  };
  checkShape("depends_on", isStringList, "a list of resource addresses (strings)");
  checkShape("count", (v) => typeof v === "number" || isInterpolation(v), "a number or ${...} expression");
  checkShape("provider", (v) => typeof v === "string", 'a provider reference such as "azuread.alias"');
  if (body.count !== undefined && body.for_each !== undefined) {
    problems.push({ path: childPath(path, "for_each"), message: `"count" and "for_each" cannot both be set` });
  }
  const lifecycle = body.lifecycle;
  if (lifecycle === undefined) return;
  const lifecyclePath = childPath(path, "lifecycle");
  if (!isPlainObject(lifecycle)) {
    problems.push({
      path: lifecyclePath,
      message: `expected a lifecycle block (object), got ${describeValue(lifecycle)}`,
    });
    return;
  }
  checkKeys(lifecycle, LIFECYCLE_KEYS[kind], [], lifecyclePath, "lifecycle argument", problems);
  checkConditions(lifecycle, lifecyclePath, problems);
  for (const name of ["create_before_destroy", "prevent_destroy"]) {
    if (lifecycle[name] !== undefined && typeof lifecycle[name] !== "boolean") {
      problems.push({
        path: childPath(lifecyclePath, name),
        message: `expected a literal bool, got ${describeValue(lifecycle[name])}`,
      });
    }
  }
  const ignoreChanges = lifecycle.ignore_changes;
  if (ignoreChanges === undefined || ignoreChanges === "all") return;
  if (!isStringList(ignoreChanges)) {
    problems.push({
      path: childPath(lifecyclePath, "ignore_changes"),
      message: `expected "all" or a list of argument names, got ${describeValue(ignoreChanges)}`,
    });
    return;
  }
  const known = [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})];
  ignoreChanges.forEach((entry, i) => {
    const name = /^[A-Za-z0-9_-]*/.exec(entry)![0];
    if (!known.includes(name)) {
      problems.push({
        path: `${childPath(lifecyclePath, "ignore_changes")}[${i}]`,
        message: `ignore_changes names unknown argument "${name}"${didYouMean(name, known)}`,
      });
    }
  });
}

/** `precondition` / `postcondition` blocks need a condition and an error message. */
function checkConditions(body: Record<string, unknown>, path: string, problems: Problems): void {
  for (const name of ["precondition", "postcondition"]) {
    if (body[name] === undefined) continue;
    for (const [condition, conditionPath] of blockInstances(body[name], childPath(path, name), problems)) {
      const keys = ["condition", "error_message"];
      checkKeys(condition, keys, keys, conditionPath, `${name} argument`, problems);
    }
  }
}

// `type.name.attribute` or `data.type.name.attribute`; resource types have an underscore, which keeps out var., local.,
// self., each., count. and path. (References with an index, such as `type.name[0].id`, are not checked.)
const REFERENCE = /(?<![\w.-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)\.([a-z_][a-z0-9_]*)/g;

/** References in `${...}` strings must name a block this stack declares, and an attribute its schema has. */
function checkReferences(json: Record<string, unknown>, schemas: ProviderSchemas, problems: Problems): void {
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((element, i) => visit(element, `${path}[${i}]`));
    else if (isPlainObject(value)) for (const [key, child] of Object.entries(value)) visit(child, childPath(path, key));
    else if (isInterpolation(value))
      for (const match of (value as string).matchAll(REFERENCE)) checkReference(match, path);
  };
  const checkReference = ([reference, dataPrefix, type, name, attribute]: RegExpMatchArray, path: string): void => {
    const kind = dataPrefix === undefined ? "resource" : "data";
    const block = findBlock(kind, type!, schemas);
    if (block === undefined) return; // not a resource type: an unknown one is reported where it is declared
    const declared = isPlainObject(json[kind]) ? (json[kind] as Record<string, unknown>)[type!] : undefined;
    if (!isPlainObject(declared) || !(name! in declared)) {
      problems.push({ path, message: `references ${reference}, but this stack declares no ${kind} "${type}.${name}"` });
      return;
    }
    const known = [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})];
    if (!known.includes(attribute!)) {
      const hint = didYouMean(attribute!, known);
      problems.push({ path, message: `references ${reference}, but ${type} has no attribute "${attribute}"${hint}` });
    }
  };
  for (const [key, value] of Object.entries(json)) if (key !== "//") visit(value, key);
}

function blocksOfKind(kind: "resource" | "data", schema: ProviderSchema): Readonly<Record<string, SchemaBlock>> {
  return kind === "resource" ? schema.resourceSchemas : schema.dataSourceSchemas;
}

function findBlock(kind: "resource" | "data", type: string, schemas: ProviderSchemas): SchemaBlock | undefined {
  for (const schema of schemas.values()) {
    const block = blocksOfKind(kind, schema)[type];
    if (block !== undefined) return block;
  }
  return undefined;
}

/** The `[key, value, path]` entries of a JSON object; absent is empty, anything but an object is a problem. */
function entriesOf(value: unknown, path: string, problems: Problems): [string, unknown, string][] {
  if (value === undefined) return [];
  if (!isPlainObject(value)) {
    problems.push({ path, message: `expected an object, got ${describeValue(value)}` });
    return [];
  }
  return Object.entries(value).map(([key, entry]) => [key, entry, childPath(path, key)]);
}

/** Terraform JSON writes a block as one object or as an array of objects. */
function blockInstances(value: unknown, path: string, problems: Problems): [Record<string, unknown>, string][] {
  if (isPlainObject(value)) return [[value, path]];
  if (Array.isArray(value)) {
    return value.flatMap((element, i): [Record<string, unknown>, string][] => {
      if (isPlainObject(element)) return [[element, `${path}[${i}]`]];
      problems.push({ path: `${path}[${i}]`, message: `expected a block (object), got ${describeValue(element)}` });
      return [];
    });
  }
  problems.push({ path, message: `expected a block (object or array of objects), got ${describeValue(value)}` });
  return [];
}

function checkKeys(
  body: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[],
  path: string,
  what: string,
  problems: Problems,
): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      problems.push({
        path: childPath(path, key),
        message: `unknown ${what} "${key}"${didYouMean(key, allowed)}; expected one of ${allowed.join(", ")}`,
      });
    }
  }
  for (const key of required) {
    if (body[key] === undefined)
      problems.push({ path: childPath(path, key), message: `missing required ${what} "${key}"` });
  }
}

function noSchemaMessage(address: string, schemas: ProviderSchemas): string {
  return `no provider schema for "${address}"; schemas are loaded for ${[...schemas.keys()].join(", ")}`;
}

function looksLikeBlocks(value: unknown): boolean {
  return isPlainObject(value) || (Array.isArray(value) && value.length > 0 && value.every(isPlainObject));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * A provider source address in full, as Terraform reads it: `[hostname/][namespace/]type`, where the hostname defaults
 * to registry.terraform.io and the namespace to hashicorp (cdktf writes `source = "azurerm"` for hashicorp/azurerm).
 */
function registryAddress(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return ["registry.terraform.io", "hashicorp", ...parts].join("/");
  return parts.length === 3 ? parts.join("/") : ["registry.terraform.io", ...parts].join("/");
}

/** `; did you mean "x"?` for the closest known name within a few edits, else "". */
function didYouMean(name: string, known: readonly string[]): string {
  let best: [string, number] | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= Math.max(2, name.length / 4) && (best === undefined || distance < best[1]))
      best = [candidate, distance];
  }
  return best === undefined ? "" : `; did you mean "${best[0]}"?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
