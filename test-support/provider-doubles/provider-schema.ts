// Provider schemas in the `terraform providers schema -json` format, and their conversion to the protocol's Schema
// message. The doubles serve exactly what these files say, so Terraform judges a configuration as it would with the
// real provider.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export type NestingMode = "single" | "list" | "set" | "map" | "group";

export interface SchemaAttribute {
  readonly type: unknown;
  readonly description?: string;
  readonly description_kind?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  /** Never stored in plan or state (Terraform 1.11+, tfplugin5.8 `write_only`). */
  readonly write_only?: boolean;
}

export interface SchemaBlockType {
  readonly nesting_mode: NestingMode;
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
  readonly description?: string;
  readonly description_kind?: string;
  readonly deprecated?: boolean;
}

export interface TypeSchema {
  readonly version: number;
  readonly block: SchemaBlock;
}

export interface ProviderSchema {
  readonly provider: TypeSchema;
  readonly resource_schemas?: Record<string, TypeSchema>;
  readonly data_source_schemas?: Record<string, TypeSchema>;
}

/**
 * The providers the doubles stand in for, with the versions the project's provider packages wrap (their package.json
 * `cdktf.provider.version`: @cdktf/provider-azuread 14.3.1 → 3.7.0, -time 11.0.1 → 0.13.1, -azurerm 14.23.1 → 4.55.0).
 */
export const PROVIDERS = {
  azuread: { address: "registry.terraform.io/hashicorp/azuread", version: "3.7.0" },
  time: { address: "registry.terraform.io/hashicorp/time", version: "0.13.1" },
  azurerm: { address: "registry.terraform.io/hashicorp/azurerm", version: "4.55.0" },
} as const;
export type ProviderName = keyof typeof PROVIDERS;

/** Reference files in the schema folder (see test-support/fixtures/README.md for where each comes from); none for azurerm. */
const REFERENCE_FILES = {
  azuread: "azuread-3.7.0.reconstructed.schema.json",
  time: "time-0.13.0.reconstructed.schema.json",
} as const satisfies Partial<Record<ProviderName, string>>;
export type ReferencedProviderName = keyof typeof REFERENCE_FILES;
/**
 * The 3.7.0 file was rebuilt per resource and has an empty provider block; 3.9.0's is exact. Serving an empty one
 * would reject `tenant_id` in a provider block, which the real 3.7.0 provider accepts.
 */
const AZUREAD_PROVIDER_BLOCK_FILE = "azuread-3.9.0.schema.json";

/** Where the provider schemas are kept in the repository (copies, with their provenance in the folder's README). */
export const DEFAULT_SCHEMAS_DIR = "test-support/fixtures/provider-schemas";

/** MIRADORE_SCHEMAS_DIR, else {@link DEFAULT_SCHEMAS_DIR}; relative paths resolve against the repository root. */
export function schemasDir(repoRoot: string): string {
  return resolve(repoRoot, process.env.MIRADORE_SCHEMAS_DIR || DEFAULT_SCHEMAS_DIR);
}

export function referenceSchemaFile(dir: string, name: ReferencedProviderName): string {
  return join(dir, REFERENCE_FILES[name]);
}

function readProviderSchema(file: string, address: string): ProviderSchema {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { provider_schemas?: Record<string, ProviderSchema> };
  const schema = parsed.provider_schemas?.[address];
  if (!schema) throw new Error(`${file}: no provider_schemas["${address}"] in this file`);
  return schema;
}

/** Reads a provider's schema from the reference files, or undefined when they are not there. */
export function readReferenceSchema(dir: string, name: ProviderName): ProviderSchema | undefined {
  if (!(name in REFERENCE_FILES)) return undefined;
  const file = referenceSchemaFile(dir, name as ReferencedProviderName);
  if (!existsSync(file)) return undefined;
  const schema = readProviderSchema(file, PROVIDERS[name].address);
  const providerBlockFile = join(dir, AZUREAD_PROVIDER_BLOCK_FILE);
  if (name === "azuread" && existsSync(providerBlockFile)) {
    return { ...schema, provider: readProviderSchema(providerBlockFile, PROVIDERS.azuread.address).provider };
  }
  return schema;
}

// ---- conversion to the protocol's Schema message (plain objects for @grpc/proto-loader) ----

const NESTING: Record<NestingMode, string> = { single: "SINGLE", list: "LIST", set: "SET", map: "MAP", group: "GROUP" };

function kind(descriptionKind: string | undefined): string {
  return descriptionKind === "markdown" ? "MARKDOWN" : "PLAIN";
}

function toProtoBlock(block: SchemaBlock): object {
  return {
    version: 0,
    attributes: Object.entries(block.attributes ?? {}).map(([name, a]) => ({
      name,
      type: Buffer.from(JSON.stringify(a.type)),
      description: a.description ?? "",
      description_kind: kind(a.description_kind),
      required: a.required === true,
      optional: a.optional === true,
      computed: a.computed === true,
      sensitive: a.sensitive === true,
      deprecated: a.deprecated === true,
      write_only: a.write_only === true,
    })),
    block_types: Object.entries(block.block_types ?? {}).map(([typeName, bt]) => ({
      type_name: typeName,
      block: toProtoBlock(bt.block),
      nesting: NESTING[bt.nesting_mode],
      min_items: bt.min_items ?? 0,
      max_items: bt.max_items ?? 0,
    })),
    description: block.description ?? "",
    description_kind: kind(block.description_kind),
    deprecated: block.deprecated === true,
  };
}

export function toProtoSchema(schema: TypeSchema): object {
  return { version: schema.version, block: toProtoBlock(schema.block) };
}
