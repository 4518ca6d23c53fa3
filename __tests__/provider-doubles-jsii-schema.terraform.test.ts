// The schemas the doubles derive from the installed @cdktf/provider-* packages (used when the reference files are
// absent) must agree with the reference files for every resource and data source type the project uses.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  describeWithTerraform,
  effectiveChanges,
} from "../test-support/terraform-harness";
import { deriveSchemaFromJsii } from "../test-support/provider-doubles/jsii-schema";
import {
  PROVIDERS,
  readReferenceSchema,
  referenceSchemaFile,
  schemasDir,
  type ProviderSchema,
  type ReferencedProviderName,
  type SchemaBlock,
  type TypeSchema,
} from "../test-support/provider-doubles/provider-schema";
import { describeWhenAvailable, type Prerequisite } from "../test-support/required-in-ci";
import connection from "./fixtures/terraform/connection.cdk.tf.json";

const dir = schemasDir(REPO_ROOT);
const reference: Prerequisite =
  existsSync(referenceSchemaFile(dir, "azuread")) && existsSync(referenceSchemaFile(dir, "time"))
    ? { available: true }
    : { available: false, reason: `reference schemas not found in ${dir} (set MIRADORE_SCHEMAS_DIR)` };
const describeWithReference = (title: string, body: () => void) => describeWhenAvailable(title, reference, body);

/** What the jsii manifests cannot carry: descriptions, description kinds, deprecation flags. */
function withoutDocs(block: SchemaBlock): unknown {
  const attributes = Object.fromEntries(
    Object.entries(block.attributes ?? {}).map(
      ([k, { description: _d, description_kind: _k, deprecated: _x, ...rest }]) => [k, rest],
    ),
  );
  const blockTypes = Object.fromEntries(
    Object.entries(block.block_types ?? {}).map(([k, bt]) => [k, { ...bt, block: withoutDocs(bt.block) }]),
  );
  return { attributes, block_types: blockTypes };
}

const USED: readonly [ReferencedProviderName, "resource_schemas" | "data_source_schemas", string][] = [
  ["azuread", "resource_schemas", "azuread_application"],
  ["azuread", "resource_schemas", "azuread_service_principal"],
  ["azuread", "resource_schemas", "azuread_app_role_assignment"],
  ["azuread", "resource_schemas", "azuread_application_password"],
  ["azuread", "resource_schemas", "azuread_application_federated_identity_credential"],
  ["azuread", "data_source_schemas", "azuread_client_config"],
  ["azuread", "data_source_schemas", "azuread_service_principal"],
  ["azuread", "data_source_schemas", "azuread_application_published_app_ids"],
  ["time", "resource_schemas", "time_rotating"],
  ["time", "resource_schemas", "time_static"],
  ["time", "resource_schemas", "time_offset"],
];

describeWithReference("schemas derived from the jsii manifests", () => {
  const derived = {
    azuread: deriveSchemaFromJsii(REPO_ROOT, "azuread"),
    time: deriveSchemaFromJsii(REPO_ROOT, "time"),
  };
  const reference = { azuread: readReferenceSchema(dir, "azuread")!, time: readReferenceSchema(dir, "time")! };

  test.each(USED)(
    "%s %s %s: same attributes, types, required/optional/computed/sensitive flags and blocks as the reference (descriptions and deprecation flags are not derivable and not compared)",
    (provider, kind, type) => {
      const mine = derived[provider][kind]?.[type] as TypeSchema;
      const theirs = reference[provider][kind]?.[type] as TypeSchema;
      expect(withoutDocs(mine.block)).toEqual(withoutDocs(theirs.block));
    },
  );

  test("derives the azuread provider block's arguments, without the `alias` meta-argument cdktf lists among them", () => {
    expect(Object.keys(derived.azuread.provider.block.attributes ?? {}).sort()).toEqual(
      Object.keys(reference.azuread.provider.block.attributes ?? {}).sort(),
    );
  });

  test("derives every resource and data source type of the packages", () => {
    expect(Object.keys(derived.azuread.resource_schemas ?? {}).sort()).toEqual(
      Object.keys(reference.azuread.resource_schemas ?? {}).sort(),
    );
    expect(Object.keys(derived.azuread.data_source_schemas ?? {}).sort()).toEqual(
      Object.keys(reference.azuread.data_source_schemas ?? {}).sort(),
    );
    expect(Object.keys(derived.time.resource_schemas ?? {}).sort()).toEqual(
      Object.keys(reference.time.resource_schemas ?? {}).sort(),
    );
  });
});

describeWithTerraform("provider doubles on derived schemas (no reference files)", () => {
  test("validate, plan and apply the hand-written configuration, then plan no changes", async () => {
    const doubles = await ProviderDoubles.start({ schemasDir: join(tmpdir(), "no-reference-schemas-here") });
    const workspace = TerraformWorkspace.create(doubles, connection);
    try {
      await workspace.init();
      expect((await workspace.validate()).valid).toBe(true);
      await workspace.plan();
      await workspace.apply();
      expect(effectiveChanges(await workspace.plan())).toEqual([]);
      const printed = JSON.parse((await workspace.run(["providers", "schema", "-json"])).stdout) as {
        provider_schemas: Record<string, ProviderSchema>;
      };
      // Proof that the derived schema was served: it has no descriptions.
      expect(
        printed.provider_schemas[PROVIDERS.time.address]!.resource_schemas!.time_rotating!.block.attributes!.rfc3339!
          .description,
      ).toBeUndefined();
    } finally {
      workspace.remove();
      await doubles.stop();
    }
  }, 60_000);
});
