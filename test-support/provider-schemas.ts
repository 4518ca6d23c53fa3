// Loads the provider schemas (`terraform providers schema -json` output) that synthesized stacks are checked against:
// copies kept in test-support/fixtures/provider-schemas (provenance in test-support/fixtures/README.md), or the folder
// MIRADORE_SCHEMAS_DIR names. There is no such file for azurerm: its schema (the provider block and
// azurerm_key_vault_secret, what the Key Vault handoff writes, and data azurerm_key_vault) is derived from the installed @cdktf/provider-azurerm's
// jsii manifest, as the provider doubles derive it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { cachedSchemaFromJsii } from "./provider-doubles/derived-schema-cache";
import { providerPackageDir } from "./provider-doubles/jsii-schema";
import { DEFAULT_SCHEMAS_DIR, PROVIDERS } from "./provider-doubles/provider-schema";
import { describeWhenAvailable } from "./required-in-ci";

/** A cty type as the schema JSON spells it: "string", ["list", "string"], ["object", { a: "number" }], ... */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", Readonly<Record<string, CtyType>>, (readonly string[])?]
  | readonly ["tuple", readonly CtyType[]];

/** One argument of a block. Read-only when computed and neither required nor optional. */
export interface SchemaAttribute {
  readonly type?: CtyType;
  /** Protocol-6 nested attributes (plugin framework); an alternative to `type`. */
  readonly nested_type?: {
    readonly attributes: Readonly<Record<string, SchemaAttribute>>;
    readonly nesting_mode: "single" | "list" | "set" | "map";
  };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

/** A nested block type: how many instances, and how they are written. */
export interface SchemaBlockType {
  readonly nesting_mode: "single" | "group" | "list" | "set" | "map";
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
}

/** The schema of one provider, ready for validation. */
export interface ProviderSchema {
  /** Registry address, e.g. `registry.terraform.io/hashicorp/azuread`. */
  readonly address: string;
  /** The provider version the resource schemas describe. */
  readonly version: string;
  /** File the resource and data source schemas come from (for azurerm: the package's jsii manifest). */
  readonly file: string;
  /** The provider configuration block (arguments of `provider "azuread" {}`). */
  readonly providerBlock: SchemaBlock;
  /** File the provider block comes from (not always `file`: see SCHEMA_FILES). */
  readonly providerBlockFile: string;
  readonly resourceSchemas: Readonly<Record<string, SchemaBlock>>;
  readonly dataSourceSchemas: Readonly<Record<string, SchemaBlock>>;
}

/** Provider schemas by registry address. */
export type ProviderSchemas = ReadonlyMap<string, ProviderSchema>;

export type LoadedProviderSchemas =
  | { readonly available: true; readonly dir: string; readonly schemas: ProviderSchemas }
  | { readonly available: false; readonly dir: string; readonly reason: string };

/** The environment variable naming the schema folder. */
export const SCHEMAS_DIR_ENV = "MIRADORE_SCHEMAS_DIR";

/** The versions the code targets (see package.json: @cdktf/provider-azuread 14.3.1, @cdktf/provider-time 11.0.1). */
const TARGET_FILES = [
  { file: "azuread-3.7.0.reconstructed.schema.json", version: "3.7.0" },
  { file: "time-0.13.0.reconstructed.schema.json", version: "0.13.0" },
] as const;

// The rebuilt 3.7.0 schema lost the provider block (it is empty), so the azuread provider configuration is checked
// against the exact 3.9.0 schema instead. That is sound: @cdktf/provider-azuread 14.3.1, generated from 3.7.0,
// exposes exactly the 22 provider arguments that the 3.9.0 block lists. (The time provider really has no arguments,
// so its empty block is correct.)
const PROVIDER_BLOCK_FALLBACK_FILE = "azuread-3.9.0.schema.json";

/** Providers without a reference file, whose schemas are derived from the installed package's jsii manifest. */
const DERIVED_PROVIDERS = ["azurerm"] as const;

// Only the envelope is checked; the blocks inside are typed by the interfaces above (the format is Terraform's own).
const schemaFileShape = z.object({
  format_version: z.string(),
  provider_schemas: z.record(
    z.string(),
    z.object({
      provider: z.object({ block: z.looseObject({}) }).optional(),
      resource_schemas: z.record(z.string(), z.object({ block: z.looseObject({}) })).optional(),
      data_source_schemas: z.record(z.string(), z.object({ block: z.looseObject({}) })).optional(),
    }),
  ),
});
type SchemaFile = z.infer<typeof schemaFileShape>;

/** The folder holding package.json, found from this file (not from process.cwd(), which depends on the caller). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json found above ${__dirname}`);
  }
}

/** The schema folder: $MIRADORE_SCHEMAS_DIR, else the repository's copies; relative paths resolve against the repo root. */
export function schemasDir(): string {
  return resolve(repoRoot(), process.env[SCHEMAS_DIR_ENV] || DEFAULT_SCHEMAS_DIR);
}

// Parsing is the slow part (about 0.5 MB of JSON), so each folder is read once per module registry. Jest gives every
// test file its own registry, so there it is once per test file.
const cache = new Map<string, LoadedProviderSchemas>();

/**
 * Loads the provider schemas from `dir`.
 * @returns `available: false` with a reason when the folder does not exist, so schema-backed tests can be skipped
 *   visibly (and fail under CI=true); throws when the folder exists but a file is missing or malformed, because that
 *   is a broken setup.
 */
export function loadProviderSchemas(dir: string = schemasDir()): LoadedProviderSchemas {
  let loaded = cache.get(dir);
  if (loaded === undefined) {
    loaded = existsSync(dir)
      ? { available: true, dir, schemas: readSchemas(dir) }
      : {
          available: false,
          dir,
          reason:
            `provider schema folder ${dir} does not exist; set ${SCHEMAS_DIR_ENV} to the folder holding ` +
            `${[...TARGET_FILES.map((t) => t.file), PROVIDER_BLOCK_FALLBACK_FILE].join(", ")} ` +
            `(relative paths resolve against ${repoRoot()})`,
        };
    cache.set(dir, loaded);
  }
  return loaded;
}

/**
 * Terraform's built-in provider (`terraform_data`), which every Terraform has: its schema is part of the repository
 * (`terraform providers schema -json` of Terraform 1.11.4, trimmed to terraform_data), not of the schema folder.
 */
const BUILTIN_SCHEMA_FILE = join(__dirname, "terraform-builtin.schema.json");

function readSchemas(dir: string): ProviderSchemas {
  const fallback = onlyProvider(readSchemaFile(dir, PROVIDER_BLOCK_FALLBACK_FILE), PROVIDER_BLOCK_FALLBACK_FILE);
  const schemas = new Map<string, ProviderSchema>();
  for (const { file, version } of TARGET_FILES) {
    const [address, raw] = onlyProvider(readSchemaFile(dir, file), file);
    const ownBlock = raw.provider?.block as SchemaBlock | undefined;
    const useFallback = isEmptyBlock(ownBlock) && fallback[0] === address;
    schemas.set(address, {
      address,
      version,
      file,
      providerBlock: useFallback ? (fallback[1].provider?.block as SchemaBlock) : (ownBlock ?? {}),
      providerBlockFile: useFallback ? PROVIDER_BLOCK_FALLBACK_FILE : file,
      resourceSchemas: blocksOf(raw.resource_schemas),
      dataSourceSchemas: blocksOf(raw.data_source_schemas),
    });
  }
  const [builtinAddress, builtin] = onlyProvider(
    readSchemaFile(dirname(BUILTIN_SCHEMA_FILE), "terraform-builtin.schema.json"),
    BUILTIN_SCHEMA_FILE,
  );
  schemas.set(builtinAddress, {
    address: builtinAddress,
    version: "1.11.4",
    file: BUILTIN_SCHEMA_FILE,
    providerBlock: {},
    providerBlockFile: BUILTIN_SCHEMA_FILE,
    resourceSchemas: blocksOf(builtin.resource_schemas),
    dataSourceSchemas: {},
  });
  for (const name of DERIVED_PROVIDERS) {
    const derived = cachedSchemaFromJsii(repoRoot(), name);
    const manifest = join(providerPackageDir(repoRoot(), name), ".jsii");
    schemas.set(PROVIDERS[name].address, {
      address: PROVIDERS[name].address,
      version: PROVIDERS[name].version,
      file: manifest,
      providerBlock: derived.provider.block as SchemaBlock,
      providerBlockFile: manifest,
      resourceSchemas: blocksOf(derived.resource_schemas),
      dataSourceSchemas: blocksOf(derived.data_source_schemas),
    });
  }
  return schemas;
}

function readSchemaFile(dir: string, file: string): SchemaFile {
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new Error(
      `provider schema file ${path} is missing; expected the output of \`terraform providers schema -json\``,
    );
  }
  const parsed = schemaFileShape.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new Error(
      `provider schema file ${path} is not \`terraform providers schema -json\` output: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

function onlyProvider(schemaFile: SchemaFile, file: string): [string, SchemaFile["provider_schemas"][string]] {
  const entries = Object.entries(schemaFile.provider_schemas);
  if (entries.length !== 1) throw new Error(`${file} describes ${entries.length} providers, expected exactly one`);
  return entries[0]!;
}

function blocksOf(schemas: Record<string, { block: object }> | undefined): Record<string, SchemaBlock> {
  return Object.fromEntries(Object.entries(schemas ?? {}).map(([type, { block }]) => [type, block as SchemaBlock]));
}

function isEmptyBlock(block: SchemaBlock | undefined): boolean {
  return Object.keys(block?.attributes ?? {}).length === 0 && Object.keys(block?.block_types ?? {}).length === 0;
}

/**
 * `describe` for tests that need the provider schemas: when the schema folder is absent the tests are registered as
 * skipped with the reason (a failing test under CI=true, see test-support/required-in-ci.ts). Use `schemas` only
 * inside tests: when skipped, `body` still runs to register them, with an empty map.
 */
export function describeWithProviderSchemas(title: string, body: (schemas: ProviderSchemas) => void): void {
  const loaded = loadProviderSchemas();
  describeWhenAvailable(title, loaded, () => body(loaded.available ? loaded.schemas : new Map()));
}
