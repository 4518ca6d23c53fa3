// The bootstrap's opt-in `signInLogs` (README "Sign-in logs"): it grants the deploy identity AuditLog.Read.All, with
// admin consent, and the policy checks allow that permission only when the setting asks for it.
import { AnnotationMetadataEntryType, Testing } from "cdktf";
import { bootstrapConfigSchema } from "../config/bootstrap-config-schema";
import { addBootstrapPolicyChecks } from "../app/bootstrap/bootstrap-policy-checks";
import { BootstrapStack } from "../app/bootstrap/bootstrap-stack";
import { AUDIT_LOG_READ_ALL } from "../constructs";
import type { StackJson } from "../test-support/synth-site";

const config = (settings: Record<string, unknown> = {}) =>
  bootstrapConfigSchema.parse({
    name: "contoso",
    tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f",
    ownerObjectIds: ["0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"],
    github: { repository: "Contoso/miradore-entra", deployEnvironment: "production" },
    ...settings,
  });

/** The synthesized stack, and the policy errors under the checks for `checkedWith` (the config by default). */
function synth(signInLogs: boolean, checkedWith = { signInLogs }) {
  const app = Testing.app({ stackTraces: false });
  const stack = new BootstrapStack(app, "miradore-bootstrap-contoso", { config: config({ signInLogs }) });
  addBootstrapPolicyChecks(stack, () => {}, checkedWith);
  const json = JSON.parse(Testing.synth(stack, true)) as StackJson;
  const errors = stack.node
    .findAll()
    .flatMap((node) => node.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR))
    .map((m) => String(m.data));
  return { json, errors };
}

const granted = (json: StackJson) =>
  Object.entries(json.resource.azuread_app_role_assignment ?? {})
    .filter(([name]) => name.startsWith("consent_"))
    .map(([, r]) => r.app_role_id as string);

test("is off by default: the deploy identity has no AuditLog.Read.All", () => {
  expect(config().signInLogs).toBe(false);
  const { json, errors } = synth(false);
  expect(errors).toEqual([]);
  expect(granted(json)).not.toContain(AUDIT_LOG_READ_ALL.id);
  expect(json.output.graph_permissions!.value).not.toContain("AuditLog.Read.All");
});

test("on: the deploy identity requests and is granted AuditLog.Read.All, and the policy checks pass", () => {
  const { json, errors } = synth(true);
  expect(errors).toEqual([]);
  expect(granted(json)).toContain(AUDIT_LOG_READ_ALL.id);
  const requested = Object.values(json.resource.azuread_application!)
    .flatMap((a) => (a.required_resource_access as { resource_access: { id: string }[] }[] | undefined) ?? [])
    .flatMap((r) => r.resource_access.map((x) => x.id));
  expect(requested).toContain(AUDIT_LOG_READ_ALL.id);
  expect(json.output.graph_permissions!.value).toContain("AuditLog.Read.All");
});

test("the policy checks stop AuditLog.Read.All when the setting does not ask for it", () => {
  const { errors } = synth(true, { signInLogs: false });
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error).toMatch(new RegExp(`\\[MIR-GRAPH-1\\].*"${AUDIT_LOG_READ_ALL.id}"`));
});

test("rejects a setting that is not a boolean", () => {
  expect(() => config({ signInLogs: "yes" })).toThrow(/must be true or false/);
});
