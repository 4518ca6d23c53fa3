// Terraform reads the provider doubles' schemas over the plugin protocol; `terraform providers schema -json` must then
// print exactly the reference files the doubles serve from, in both ways of starting them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  describeWithTerraform,
  type DoublesMode,
} from "../test-support/terraform-harness";
import { PROVIDERS, referenceSchemaFile, schemasDir } from "../test-support/provider-doubles/provider-schema";
import { describeWhenAvailable, type Prerequisite } from "../test-support/required-in-ci";
import providersOnly from "./fixtures/terraform/providers-only.cdk.tf.json";

const dir = schemasDir(REPO_ROOT);
const referenceSchemas: Prerequisite =
  existsSync(referenceSchemaFile(dir, "azuread")) && existsSync(referenceSchemaFile(dir, "time"))
    ? { available: true }
    : { available: false, reason: `reference schemas not found in ${dir} (set MIRADORE_SCHEMAS_DIR)` };

function providerSchemas(file: string, address: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(file, "utf8")) as { provider_schemas: Record<string, Record<string, unknown>> })
    .provider_schemas[address]!;
}

describeWithTerraform("terraform providers schema -json through the provider doubles", () => {
  const run = referenceSchemas.available ? test : test.skip;
  if (!referenceSchemas.available) describeWhenAvailable("the reference schemas", referenceSchemas, () => {});

  async function schemasThroughTerraform(mode: DoublesMode): Promise<Record<string, Record<string, unknown>>> {
    const doubles = await ProviderDoubles.start({ mode });
    try {
      const workspace = TerraformWorkspace.create(doubles, providersOnly);
      await workspace.init();
      const printed = JSON.parse((await workspace.run(["providers", "schema", "-json"])).stdout) as {
        provider_schemas: Record<string, Record<string, unknown>>;
      };
      workspace.remove();
      return printed.provider_schemas;
    } finally {
      await doubles.stop();
    }
  }

  run.each(["reattach", "mirror"] as const)(
    "equals the reference schema files (%s mode)",
    async (mode) => {
      const printed = await schemasThroughTerraform(mode);
      const time = providerSchemas(referenceSchemaFile(dir, "time"), PROVIDERS.time.address);
      const azuread = providerSchemas(referenceSchemaFile(dir, "azuread"), PROVIDERS.azuread.address);
      expect(printed[PROVIDERS.time.address]).toEqual(time);
      const printedAzuread = printed[PROVIDERS.azuread.address]!;
      expect(printedAzuread.resource_schemas).toEqual(azuread.resource_schemas);
      expect(printedAzuread.data_source_schemas).toEqual(azuread.data_source_schemas);
      // The 3.7.0 file was rebuilt with an empty provider block; the doubles serve the exact one of 3.9.0 instead.
      const exactProviderBlock = providerSchemas(
        join(dir, "azuread-3.9.0.schema.json"),
        PROVIDERS.azuread.address,
      ).provider;
      expect(printedAzuread.provider).toEqual(exactProviderBlock);
    },
    60_000,
  );
});
