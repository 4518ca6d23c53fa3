import { Testing } from "cdktf";
import { loadConfig } from "../config/load-config";
import { SiteStack } from "../app/site-stack";
import { describeWithProviderSchemas } from "../test-support/provider-schemas";
import { validateTerraformJson } from "../test-support/schema-validator";
import { site } from "../test-support/synth-site";

const configs = {
  "the example configuration": loadConfig({ path: "miradore.config.yaml", env: {} }).sites[0]!,
  "group filtering off": site({ groupFiltering: false }),
  "extra owners and an azurerm backend": site({
    additionalOwnerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
    state: { backend: "azurerm", storageAccountName: "contosotfstate", containerName: "tfstate" },
  }),
  "an HCP Terraform workspace": site({ state: { backend: "cloud", organization: "contoso-msp" } }),
  "a Key Vault handoff": site({
    keyVault: {
      id: "/subscriptions/0f1e2d3c-4b5a-4968-8776-655443322110/resourceGroups/rg-mdm/providers/Microsoft.KeyVault/vaults/kv-mdm",
    },
  }),
  "the longest lifetime the tenant allows": site({
    secret: { lifetimeDays: 730, rotationIntervalDays: 300, handoffDays: 30, maxRunGapDays: 35 },
  }),
};

describeWithProviderSchemas("every synthesized stack against the real provider schemas", (schemas) => {
  test.each(Object.entries(configs))("%s has no schema problems", (_, config) => {
    const app = Testing.app({ stackTraces: false });
    const stack = new SiteStack(app, "miradore-test", { site: config });
    const problems = validateTerraformJson(JSON.parse(Testing.synth(stack)), schemas);
    expect(problems).toEqual([]);
  });
});
