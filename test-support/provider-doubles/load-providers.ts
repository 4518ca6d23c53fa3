// Builds the provider doubles with their schemas: the reference files when MIRADORE_SCHEMAS_DIR (default
// ../shared/schemas) has them, else schemas derived from the installed @cdktf/provider-* jsii manifests, so the doubles
// also work on a machine that has only this repository.
import { azureadProvider } from "./azuread-provider";
import { deriveSchemaFromJsii } from "./jsii-schema";
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
  return { schema: deriveSchemaFromJsii(repoRoot, name), origin: "jsii-manifests" };
}

export function loadProviderDefinition(repoRoot: string, name: ProviderName): ProviderDefinition {
  const { schema } = loadSchema(repoRoot, name);
  return name === "azuread" ? azureadProvider(schema) : timeProvider(schema);
}
