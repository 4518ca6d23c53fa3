// Builds the provider doubles with their schemas: the reference files when MIRADORE_SCHEMAS_DIR (default
// test-support/fixtures/provider-schemas) has them, else schemas derived from the installed @cdktf/provider-* jsii
// manifests, so the doubles also work on a machine that has only this repository. azurerm has no reference file: its
// schema is always derived.
import { azureadProvider } from "./azuread-provider";
import { azurermProvider } from "./azurerm-provider";
import { cachedSchemaFromJsii } from "./derived-schema-cache";
import type { ProviderDefinition } from "./provider-definition";
import { readReferenceSchema, schemasDir, type ProviderName, type ProviderSchema } from "./provider-schema";
import { timeProvider } from "./time-provider";

export type SchemaOrigin = "reference-files" | "jsii-manifests";

export interface LoadedSchema {
  readonly schema: ProviderSchema;
  readonly origin: SchemaOrigin;
}

export function loadSchema(repoRoot: string, name: ProviderName): LoadedSchema {
  const reference = readReferenceSchema(schemasDir(repoRoot), name);
  if (reference) return { schema: reference, origin: "reference-files" };
  return { schema: cachedSchemaFromJsii(repoRoot, name), origin: "jsii-manifests" };
}

const DEFINITIONS: Record<ProviderName, (schema: ProviderSchema) => ProviderDefinition> = {
  azuread: azureadProvider,
  time: timeProvider,
  azurerm: azurermProvider,
};

export function loadProviderDefinition(repoRoot: string, name: ProviderName): ProviderDefinition {
  return DEFINITIONS[name](loadSchema(repoRoot, name).schema);
}
