// Derives provider schemas from the installed prebuilt provider packages (@cdktf/provider-azuread, -time, -azurerm),
// for when no reference schema files are there: a user has only this repository, and there is no azurerm file at all.
//
// Where each detail comes from:
// - resource / data source classes and their type names: the package's .jsii manifest (class docs link
//   "Represents a {@link …/resources/<name> <type>}"), with each class's source file;
// - required vs optional: the jsii config interfaces (property `optional`);
// - settable arguments, their types, and nested blocks with their nesting (struct = single, list, set): the
//   `synthesizeHclAttributes` / `…ToHclTerraform` tables that cdktf generates into lib/<module>/index.js;
// - read-only (computed) attributes and their types: the generated getters marked `computed: true, optional: false`;
// - max_items 1: a block the jsii types as one struct instead of an array; min_items 1: a required block.
// What neither holds, and so is declared here from the providers' Go source: which optional arguments are also
// computed (OPTIONAL_AND_COMPUTED), which attributes are sensitive (SENSITIVE) or write-only (WRITE_ONLY), and the
// item limits of provider-block blocks (PROVIDER_BLOCK_ITEMS: cdktf types every provider block as an array and every
// provider argument as optional). `alias` is dropped from provider blocks: cdktf lists the meta-argument among the
// provider's arguments, but it is not in the provider's schema. Not derived at all: descriptions (the generator splits
// and rewrites them), description_kind, deprecated flags, the provider block's sensitivity flags, and schema versions
// (taken as 0). Of azurerm only the types in DERIVED_TYPES are derived (the package wraps about 1,100).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  NestingMode,
  ProviderName,
  ProviderSchema,
  SchemaAttribute,
  SchemaBlock,
  SchemaBlockType,
  TypeSchema,
} from "./provider-schema";

interface JsiiTypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: readonly JsiiTypeRef[] };
}

interface JsiiProperty {
  readonly name: string;
  readonly type: JsiiTypeRef;
  readonly optional?: boolean;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
}

interface JsiiType {
  readonly fqn: string;
  readonly name: string;
  readonly kind: string;
  readonly docs?: { readonly summary?: string };
  readonly properties?: readonly JsiiProperty[];
  readonly locationInModule?: { readonly filename: string };
}

/** Optional arguments the provider also computes (Go schema `Optional: true, Computed: true`), besides `id`. */
const OPTIONAL_AND_COMPUTED: Readonly<Record<string, readonly string[]>> = {
  azuread_application: ["tags", "template_id", "password.end_date", "password.start_date"],
  azuread_service_principal: ["tags"],
  azuread_application_password: ["display_name", "start_date", "end_date"],
  "data.azuread_service_principal": ["client_id", "display_name", "object_id"],
  time_rotating: ["rfc3339", "rotation_rfc3339"],
  time_static: ["rfc3339"],
  time_offset: ["base_rfc3339"],
};

/** Attributes the provider marks `Sensitive: true`. */
const SENSITIVE: Readonly<Record<string, readonly string[]>> = {
  azuread_application: ["password.value"],
  azuread_application_password: ["value"],
  // terraform-provider-azurerm v4.55.0 internal/services/keyvault/key_vault_secret_resource.go
  azurerm_key_vault_secret: ["value"],
};

/** Attributes the provider marks `WriteOnly: true` (never stored in plan or state; Terraform 1.11+). */
const WRITE_ONLY: Readonly<Record<string, readonly string[]>> = {
  // key_vault_secret_resource.go at v4.55.0: `value_wo` (with `value_wo_version`) is the alternative to `value`.
  azurerm_key_vault_secret: ["value_wo"],
};

type ItemLimits = Pick<SchemaBlockType, "min_items" | "max_items">;

/** Item limits of provider-block blocks by path; `a.*` is every block directly inside `a`. */
const PROVIDER_BLOCK_ITEMS: Readonly<Record<string, Readonly<Record<string, ItemLimits>>>> = {
  // terraform-provider-azurerm v4.55.0 internal/provider/features.go, schemaFeatures: `features` is Required,
  // MinItems 1, MaxItems 1, and every block inside it is Optional, MaxItems 1.
  azurerm: { features: { min_items: 1, max_items: 1 }, "features.*": { max_items: 1 } },
};

const PACKAGES: Record<ProviderName, string> = {
  azuread: "@cdktf/provider-azuread",
  time: "@cdktf/provider-time",
  azurerm: "@cdktf/provider-azurerm",
};

/** The resource and data source types derived for a provider, where not every type of its package is. */
const DERIVED_TYPES: Partial<Record<ProviderName, { resources: readonly string[]; dataSources: readonly string[] }>> = {
  // What constructs/key-vault-handoff.ts writes, and how a consumer's stack finds its vault (the library's tests).
  azurerm: { resources: ["azurerm_key_vault_secret"], dataSources: ["azurerm_key_vault"] },
};

function snakeCase(name: string): string {
  return name.replace(/([A-Z])/g, "_$1").toLowerCase();
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The struct a block property holds, and whether it holds one or many. */
function structOf(type: JsiiTypeRef): { fqn: string; many: boolean } | undefined {
  if (type.fqn && !type.fqn.startsWith("cdktf.")) return { fqn: type.fqn, many: false };
  if (type.collection?.elementtype.fqn) return { fqn: type.collection.elementtype.fqn, many: true };
  for (const t of type.union?.types ?? []) {
    const found = structOf(t);
    if (found) return found;
  }
  return undefined;
}

const SIMPLE_TYPES: Record<string, unknown> = {
  "simple/string": "string",
  "simple/number": "number",
  "simple/boolean": "bool",
  "list/stringList": ["list", "string"],
  "set/stringList": ["set", "string"],
  "list/numberList": ["list", "number"],
  "set/numberList": ["set", "number"],
  "map/stringMap": ["map", "string"],
  "map/numberMap": ["map", "number"],
  "map/booleanMap": ["map", "bool"],
};

const GETTER_TYPES: readonly [RegExp, unknown][] = [
  [/^cdktf\.Fn\.tolist\(this\.getListAttribute\('(\w+)'\)\)$/, ["set", "string"]],
  [/^cdktf\.Fn\.tolist\(this\.getNumberListAttribute\('(\w+)'\)\)$/, ["set", "number"]],
  [/^this\.getListAttribute\('(\w+)'\)$/, ["list", "string"]],
  [/^this\.getNumberListAttribute\('(\w+)'\)$/, ["list", "number"]],
  [/^this\.getStringAttribute\('(\w+)'\)$/, "string"],
  [/^this\.getNumberAttribute\('(\w+)'\)$/, "number"],
  [/^this\.getBooleanAttribute\('(\w+)'\)$/, "bool"],
  [/^this\.getStringMapAttribute\('(\w+)'\)$/, ["map", "string"]],
  [/^this\.getNumberMapAttribute\('(\w+)'\)$/, ["map", "number"]],
  [/^this\.getBooleanMapAttribute\('(\w+)'\)$/, ["map", "bool"]],
];

const MAP_CLASSES: Record<string, unknown> = {
  "cdktf.StringMap": ["map", "string"],
  "cdktf.NumberMap": ["map", "number"],
  "cdktf.BooleanMap": ["map", "bool"],
};

class JsiiSchemaReader {
  private readonly types: Record<string, JsiiType>;
  private readonly sources = new Map<string, string>();

  constructor(private readonly packageDir: string) {
    this.types = (
      JSON.parse(readFileSync(join(packageDir, ".jsii"), "utf8")) as { types: Record<string, JsiiType> }
    ).types;
  }

  allTypes(): JsiiType[] {
    return Object.values(this.types);
  }

  private source(type: JsiiType): string {
    const file = join(
      this.packageDir,
      (type.locationInModule?.filename ?? "").replace(/^src\//, "lib/").replace(/\.ts$/, ".js"),
    );
    let text = this.sources.get(file);
    if (text === undefined) {
      text = readFileSync(file, "utf8");
      this.sources.set(file, text);
    }
    return text;
  }

  /** The body of a generated class or function in the type's source file. */
  private section(type: JsiiType, start: string, end: string): string {
    const text = this.source(type);
    const from = text.indexOf(start);
    if (from < 0) return "";
    const to = text.indexOf(end, from);
    return text.slice(from, to < 0 ? undefined : to);
  }

  /** Entries of a generated `const attrs = { name: { value, isBlock, type, storageClassType } }` table. */
  private hclAttributes(body: string): { name: string; isBlock: boolean; kind: string; storage: string }[] {
    const entry = /(\w+): \{\s*value: [^\n]+\n\s*isBlock: (true|false),\s*type: "(\w+)",\s*storageClassType: "(\w+)",/g;
    return [...body.matchAll(entry)].map((m) => ({
      name: m[1]!,
      isBlock: m[2] === "true",
      kind: m[3]!,
      storage: m[4]!,
    }));
  }

  /** Read-only attributes of a generated class: members marked `computed: true, optional: false`. */
  private computedAttributes(owner: JsiiType, body: string): Record<string, SchemaAttribute> {
    const out: Record<string, SchemaAttribute> = {};
    const marked =
      /\/\/ (\w+) - computed: true, optional: false, required: false\n\s*(?:get \w+\(\) \{\s*return ([^;]+);|this\._\w+ = new ([\w.]+)\(this, "\w+"(?:, (true|false))?\);)/g;
    for (const m of body.matchAll(marked)) {
      const [, name, getter, cls, wrapsSet] = m;
      let type: unknown;
      if (getter !== undefined) {
        const member = /^this\._(\w+)$/.exec(getter);
        if (member) {
          const init = new RegExp(`this\\._${member[1]} = new ([\\w.]+)\\(this, "\\w+"(?:, (true|false))?\\);`).exec(
            body,
          );
          type = init ? this.classType(owner, init[1]!, init[2]) : undefined;
        } else {
          type = GETTER_TYPES.find(([re]) => re.test(getter))?.[1];
        }
      } else {
        type = this.classType(owner, cls!, wrapsSet);
      }
      if (type === undefined) throw new Error(`jsii schema: cannot type computed attribute ${name} of ${owner.fqn}`);
      out[name!] = { type, computed: true };
    }
    return out;
  }

  /** The type of a computed member held by a generated class: a map, or a list/set of objects. */
  private classType(owner: JsiiType, cls: string, wrapsSet: string | undefined): unknown {
    if (MAP_CLASSES[cls]) return MAP_CLASSES[cls];
    if (!cls.endsWith("List")) return undefined;
    const element = `${cls.slice(0, -"List".length)}OutputReference`;
    const body = this.section(owner, `class ${element} extends`, `exports.${element} =`);
    const attrs = this.computedAttributes(owner, body);
    return [
      wrapsSet === "true" ? "set" : "list",
      ["object", Object.fromEntries(Object.entries(attrs).map(([k, a]) => [k, a.type]))],
    ];
  }

  private jsiiProperty(structFqn: string, tfName: string): JsiiProperty | undefined {
    return this.types[structFqn]?.properties?.find(
      (p) => snakeCase(p.name) === tfName || (p.docs?.remarks ?? p.docs?.summary ?? "").includes(`#${tfName} `),
    );
  }

  /** A block: settable arguments from the hcl table, read-only ones from the output class, flags from the jsii struct. */
  block(
    owner: JsiiType,
    hclBody: string,
    outputBody: string,
    structFqn: string,
    path: string,
    typeName: string,
  ): SchemaBlock {
    const attributes: Record<string, SchemaAttribute> = {};
    const blockTypes: Record<string, SchemaBlockType> = {};
    const optionalComputed = OPTIONAL_AND_COMPUTED[typeName] ?? [];
    const sensitive = SENSITIVE[typeName] ?? [];
    const writeOnly = WRITE_ONLY[typeName] ?? [];
    for (const entry of this.hclAttributes(hclBody)) {
      const prop = this.jsiiProperty(structFqn, entry.name);
      const optional = prop?.optional === true;
      const qualified = path ? `${path}.${entry.name}` : entry.name;
      if (!entry.isBlock) {
        const type = SIMPLE_TYPES[`${entry.kind}/${entry.storage}`];
        if (type === undefined)
          throw new Error(
            `jsii schema: unsupported argument type ${entry.kind}/${entry.storage} of ${typeName}.${qualified}`,
          );
        attributes[entry.name] = {
          type,
          ...(optional ? { optional: true } : { required: true }),
          ...(optional && ((entry.name === "id" && !path) || optionalComputed.includes(qualified))
            ? { computed: true }
            : {}),
          ...(sensitive.includes(qualified) ? { sensitive: true } : {}),
          ...(writeOnly.includes(qualified) ? { write_only: true } : {}),
        };
        continue;
      }
      const struct = prop ? structOf(prop.type) : undefined;
      const structType = struct ? this.types[struct.fqn] : undefined;
      if (!struct || !structType) throw new Error(`jsii schema: no struct for block ${typeName}.${qualified}`);
      const nesting: NestingMode = entry.kind === "struct" ? "single" : (entry.kind as NestingMode);
      const nestedHcl = this.section(owner, `function ${lowerFirst(structType.name)}ToHclTerraform(`, "\n}\n");
      const nestedOutput = this.section(
        owner,
        `class ${structType.name}OutputReference extends`,
        `exports.${structType.name}OutputReference =`,
      );
      const limits = PROVIDER_BLOCK_ITEMS[typeName] ?? {};
      const parent = path ? `${path}.*` : "*";
      blockTypes[entry.name] = {
        nesting_mode: nesting,
        block: this.block(owner, nestedHcl, nestedOutput, struct.fqn, qualified, typeName),
        ...(optional || nesting === "single" ? {} : { min_items: 1 }),
        ...(!struct.many && nesting !== "single" ? { max_items: 1 } : {}),
        ...limits[parent],
        ...limits[qualified],
      };
    }
    for (const [name, attr] of Object.entries(this.computedAttributes(owner, outputBody))) {
      const qualified = path ? `${path}.${name}` : name;
      attributes[name] = { ...attr, ...(sensitive.includes(qualified) ? { sensitive: true } : {}) };
    }
    return {
      ...(Object.keys(attributes).length ? { attributes: sortKeys(attributes) } : {}),
      ...(Object.keys(blockTypes).length ? { block_types: sortKeys(blockTypes) } : {}),
    };
  }

  /** The schema of a resource, data source or provider class. */
  classSchema(type: JsiiType, typeName: string): TypeSchema {
    const body = this.section(type, `class ${type.name} extends`, `exports.${type.name} =`);
    const hcl = body.slice(body.indexOf("synthesizeHclAttributes()"));
    return { version: 0, block: this.block(type, hcl, body, `${type.fqn}Config`, "", typeName) };
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The provider block without `alias`, which cdktf lists among the provider's arguments. */
function withoutAlias(schema: TypeSchema): TypeSchema {
  const { alias: _alias, ...attributes } = schema.block.attributes ?? {};
  return { ...schema, block: { ...schema.block, attributes } };
}

/** The installed provider package's folder. */
export function providerPackageDir(repoRoot: string, name: ProviderName): string {
  return join(repoRoot, "node_modules", PACKAGES[name]);
}

/**
 * The schema of the provider block and of every resource and data source the provider package wraps (of azurerm, the
 * DERIVED_TYPES only), derived as described above.
 */
export function deriveSchemaFromJsii(repoRoot: string, name: ProviderName): ProviderSchema {
  const reader = new JsiiSchemaReader(providerPackageDir(repoRoot, name));
  const only = DERIVED_TYPES[name];
  const resources: Record<string, TypeSchema> = {};
  const dataSources: Record<string, TypeSchema> = {};
  let provider: TypeSchema = { version: 0, block: {} };
  for (const type of reader.allTypes()) {
    if (type.kind !== "class") continue;
    const link =
      /^Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/[^ ]+?\/docs(?:\/(resources|data-sources)\/\w+)? (\w+)\}/.exec(
        type.docs?.summary ?? "",
      );
    if (!link) continue;
    const [, kind, typeName] = link;
    if (kind === "resources") {
      if (!only || only.resources.includes(typeName!)) resources[typeName!] = reader.classSchema(type, typeName!);
    } else if (kind === "data-sources") {
      if (!only || only.dataSources.includes(typeName!))
        dataSources[typeName!] = reader.classSchema(type, `data.${typeName!}`);
    } else provider = withoutAlias(reader.classSchema(type, typeName!));
  }
  return {
    provider,
    resource_schemas: sortKeys(resources),
    ...(Object.keys(dataSources).length ? { data_source_schemas: sortKeys(dataSources) } : {}),
  };
}
