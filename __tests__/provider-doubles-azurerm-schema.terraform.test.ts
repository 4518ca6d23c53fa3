// The azurerm schema the doubles and the schema validator derive from @cdktf/provider-azurerm 14.23.1 (hashicorp/azurerm
// 4.55.0), checked against what the provider really has: its documentation (website/docs/r/key_vault_secret.html.markdown
// at v4.55.0: arguments, attributes, ForceNew) and its Go source (key_vault_secret_resource.go: Sensitive, WriteOnly;
// internal/provider/features.go: the required `features` block).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { azurermProvider } from "../test-support/provider-doubles/azurerm-provider";
import { cachedSchemaFromJsii } from "../test-support/provider-doubles/derived-schema-cache";
import { deriveSchemaFromJsii } from "../test-support/provider-doubles/jsii-schema";
import { PROVIDERS } from "../test-support/provider-doubles/provider-schema";
import {
  ProviderDoubles,
  REPO_ROOT,
  TerraformWorkspace,
  describeWithTerraform,
} from "../test-support/terraform-harness";
import fixture from "./fixtures/terraform/key-vault-secret.cdk.tf.json";

const schema = deriveSchemaFromJsii(REPO_ROOT, "azurerm");
const secret = schema.resource_schemas!.azurerm_key_vault_secret!.block;

describe("the derived azurerm schema", () => {
  test("wraps the provider version the double serves", () => {
    const pkg = JSON.parse(
      readFileSync(join(REPO_ROOT, "node_modules", "@cdktf", "provider-azurerm", "package.json"), "utf8"),
    ) as { version: string; cdktf: { provider: { name: string; version: string } } };
    expect(pkg.version).toBe("14.23.1");
    expect(pkg.cdktf.provider).toEqual({ name: PROVIDERS.azurerm.address, version: PROVIDERS.azurerm.version });
  });

  test("derives only what the project uses: the provider block, azurerm_key_vault_secret and data azurerm_key_vault", () => {
    expect(Object.keys(schema.resource_schemas ?? {})).toEqual(["azurerm_key_vault_secret"]);
    expect(Object.keys(schema.data_source_schemas ?? {})).toEqual(["azurerm_key_vault"]);
  });

  test("data azurerm_key_vault finds a vault by name and resource group, and reads its id, URI and tenant", () => {
    // website/docs/d/key_vault.html.markdown at v4.55.0: Arguments `name`, `resource_group_name` (both required).
    const { attributes } = schema.data_source_schemas!.azurerm_key_vault!.block;
    const kind = (name: string) => {
      const a = attributes![name]!;
      return a.required ? "required" : a.optional ? "optional" : "read-only";
    };
    expect([kind("name"), kind("resource_group_name")]).toEqual(["required", "required"]);
    expect(["id", "vault_uri", "tenant_id", "purge_protection_enabled"].map((n) => [n, kind(n)])).toEqual([
      ["id", "optional"],
      ["vault_uri", "read-only"],
      ["tenant_id", "read-only"],
      ["purge_protection_enabled", "read-only"],
    ]);
  });

  test("azurerm_key_vault_secret has the documented arguments and attributes, with the provider's flags", () => {
    const attributes = Object.fromEntries(
      Object.entries(secret.attributes ?? {}).map(([name, a]) => [
        name,
        [
          a.required ? "required" : a.optional ? "optional" : "read-only",
          ...(a.computed && a.optional ? ["computed"] : []),
          ...(a.sensitive ? ["sensitive"] : []),
          ...(a.write_only ? ["write-only"] : []),
          JSON.stringify(a.type),
        ].join(" "),
      ]),
    );
    expect(attributes).toEqual({
      // Arguments Reference
      name: 'required "string"',
      key_vault_id: 'required "string"',
      value: 'optional sensitive "string"',
      value_wo: 'optional write-only "string"',
      value_wo_version: 'optional "number"',
      content_type: 'optional "string"',
      not_before_date: 'optional "string"',
      expiration_date: 'optional "string"',
      tags: 'optional ["map","string"]',
      // Attributes Reference (`id` is optional and computed in every SDK resource)
      id: 'optional computed "string"',
      resource_id: 'read-only "string"',
      resource_versionless_id: 'read-only "string"',
      version: 'read-only "string"',
      versionless_id: 'read-only "string"',
    });
    expect(secret.block_types?.timeouts).toEqual({
      nesting_mode: "single",
      block: {
        attributes: {
          create: { type: "string", optional: true },
          delete: { type: "string", optional: true },
          read: { type: "string", optional: true },
          update: { type: "string", optional: true },
        },
      },
    });
  });

  test("the double replaces the secret when name or key_vault_id changes (ForceNew), nothing else", () => {
    expect(azurermProvider(schema).resources.azurerm_key_vault_secret!.forceNew).toEqual(["name", "key_vault_id"]);
  });

  test("the provider block requires exactly one features block, each block inside it at most once", () => {
    const block = schema.provider.block;
    const features = block.block_types!.features!;
    expect(features).toMatchObject({ nesting_mode: "list", min_items: 1, max_items: 1 });
    const inside = Object.values(features.block.block_types ?? {});
    expect(inside).toHaveLength(19);
    expect(inside.every((b) => b.nesting_mode === "list" && b.max_items === 1 && b.min_items === undefined)).toBe(true);
    expect(features.block.block_types!.key_vault!.block.attributes).toMatchObject({
      purge_soft_deleted_secrets_on_destroy: { type: "bool", optional: true },
      recover_soft_deleted_secrets: { type: "bool", optional: true },
    });
    // Optional in the schema (ARM_SUBSCRIPTION_ID may give it); the provider's Configure demands it (the double too).
    expect(block.attributes!.subscription_id).toEqual({ type: "string", optional: true });
    expect(block.attributes).not.toHaveProperty("alias");
  });

  test("is cached on disk, and the cache gives the same schema", () => {
    const cached = cachedSchemaFromJsii(REPO_ROOT, "azurerm");
    expect(cached).toEqual(schema);
    const dir = join(REPO_ROOT, "node_modules", ".cache", "provider-doubles", "derived-schemas");
    expect(readdirSync(dir).filter((f) => /^azurerm-14\.23\.1-[0-9a-f]{16}\.json$/.test(f)).length).toBeGreaterThan(0);
    expect(cachedSchemaFromJsii(REPO_ROOT, "azurerm")).toEqual(schema);
  });
});

describeWithTerraform("the azurerm schema as Terraform sees it", () => {
  test("terraform providers schema -json shows what the double serves, value_wo write-only", async () => {
    const doubles = await ProviderDoubles.start();
    const workspace = TerraformWorkspace.create(doubles, fixture);
    try {
      await workspace.init();
      const printed = JSON.parse((await workspace.run(["providers", "schema", "-json"])).stdout) as {
        provider_schemas: Record<string, typeof schema>;
      };
      const served = printed.provider_schemas[PROVIDERS.azurerm.address]!;
      const attributes = served.resource_schemas!.azurerm_key_vault_secret!.block.attributes!;
      expect(attributes.value_wo).toMatchObject({ write_only: true, optional: true });
      expect(attributes.value).toMatchObject({ sensitive: true, optional: true });
      expect(served.provider.block.block_types!.features).toMatchObject({ min_items: 1, max_items: 1 });
    } finally {
      workspace.remove();
      await doubles.stop();
    }
  }, 60_000);
});
