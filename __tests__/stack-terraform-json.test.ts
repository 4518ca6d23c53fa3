// MiradoreStack writes its Terraform JSON through app/private/stack-terraform-json.ts, which resolves each element once
// and only where tokens can be: it must give exactly what cdktf's own TerraformStack.toTerraform() gives.
import { App, Fn, TerraformOutput, TerraformStack, Token } from "cdktf";
import { siteSchema } from "../config/config-schema";
import { SiteStack } from "../app/site-stack";
import { resolveTokensIn } from "../app/private/resolve-tokens-in";
import { stackTerraformJson } from "../app/private/stack-terraform-json";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const VAULT =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-mdm";
const EXISTING = {
  applicationObjectId: "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  servicePrincipalObjectId: "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
  consent: {
    graphServicePrincipalObjectId: "8c3d4e5f-6a7b-4c8d-ae9f-1a2b3c4d5e6f",
    assignmentIds: { "User.Read.All": "Ki3dLdTXb0ySTtXFbY3sR1M1RfQ0sUFJpFy0TnVRxWw" },
  },
};

const SITES: Record<string, Record<string, unknown>> = {
  "the built-in defaults": {},
  "group filtering off, extra owners, a long lifetime": {
    groupFiltering: false,
    additionalOwnerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
    secret: { lifetimeDays: 700, rotationIntervalDays: 300, tenantMaxLifetimeDays: 730 },
  },
  "a Key Vault handoff in another tenant": {
    keyVault: { id: VAULT, tenantId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", secretName: "mdm" },
  },
  "an existing installation to import": { groupFiltering: false, existing: EXISTING },
  "Azure Storage state": {
    state: { backend: "azurerm", storageAccountName: "contosotfstate", containerName: "tfstate" },
  },
  "HCP Terraform state": { state: { backend: "cloud", organization: "contoso-msp", workspacePrefix: "mdm-" } },
};

function stackFor(settings: Record<string, unknown>, extend: (stack: SiteStack) => void = () => {}) {
  const app = new App({ outdir: "/nonexistent", stackTraces: false });
  const site = siteSchema.parse({ name: "x", tenantId: TENANT, ...settings });
  const stack = new SiteStack(app, "miradore-x", { site, policy: { log: () => {} } });
  extend(stack);
  return stack;
}

/** Both renderings as the synthesizer writes them (key order included). */
const asWritten = (json: unknown) => JSON.stringify(json, null, 2);
const cdktfJson = (stack: TerraformStack) => asWritten(TerraformStack.prototype.toTerraform.call(stack));

describe.each(Object.entries(SITES))("a stack with %s", (_, settings) => {
  test("is written exactly as cdktf writes it", () => {
    const stack = stackFor(settings);
    expect(asWritten(stackTerraformJson(stack, false))).toBe(cdktfJson(stack));
  });
});

test("element overrides, list and number tokens, and escaped expressions come out as cdktf writes them", () => {
  const stack = stackFor({}, (stack) => {
    const application = stack.app.application;
    application.addOverride("tags", [application.clientId, "literal", '${upper("x")}']);
    application.addOverride("identifier_uris", application.owners);
    application.addOverride("feature_tags.0.custom_single_sign_on", Token.asAny(Fn.lengthOf(application.owners)));
    new TerraformOutput(stack, "counts", {
      value: { owners: Fn.lengthOf(application.owners), big: 1e300, small: 1e-7 },
    });
    new TerraformOutput(stack, "number_in_text", {
      value: `${Token.asNumber(Fn.lengthOf(application.owners))} owners`,
    });
  });
  const ours = asWritten(stackTerraformJson(stack, false));
  expect(ours).toBe(cdktfJson(stack));
  // The cases were real: tokens were resolved, not copied through.
  expect(ours).toContain('"value": "${length(tolist(azuread_application.app_registration_996789F8.owners))} owners"');
  expect(ours).not.toContain("TfToken");
});

test("a stack-level override is left to cdktf", () => {
  const stack = stackFor({}, (stack) => stack.addOverride("terraform.required_version", ">= 1.5"));
  expect((stack.toTerraform() as { terraform: { required_version: string } }).terraform.required_version).toBe(
    ">= 1.5",
  );
  expect(asWritten(stack.toTerraform())).toBe(cdktfJson(stack));
});

describe("resolveTokensIn", () => {
  const untouched = () => {
    throw new Error("resolve must not be called for plain JSON");
  };

  test("keeps plain JSON as it is and drops undefined, as cdktf would, without resolving anything", () => {
    const value = { a: "text ${not_a_token}", b: [1, true, null, undefined, { c: undefined, d: 2.5 }], e: undefined };
    expect(resolveTokensIn(value, untouched)).toEqual({ a: "text ${not_a_token}", b: [1, true, null, { d: 2.5 }] });
  });

  test.each([
    ["a token string", { a: Token.asString(Fn.uuid()) }, "a"],
    ["a list with a token element", { a: ["x", Token.asString(Fn.uuid())] }, "a"],
    ["a token number", { a: Token.asNumber(Fn.uuid()) }, "a"],
    ["text that may hold a token number", { a: "-1.8881545897087626e+289 owners" }, "a"],
    ["a resolvable object", { a: Fn.uuid() }, "a"],
  ])("hands %s to cdktf's resolve", (_, value, key) => {
    const handed: unknown[] = [];
    resolveTokensIn(value, (part) => (handed.push(part), "resolved"));
    expect(handed).toEqual([(value as Record<string, unknown>)[key]]);
  });
});
