import { ApplicationPasswordA } from "@cdktf/provider-azuread/lib/application-password";
import { App, Fn, TerraformOutput } from "cdktf";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { siteSchema, SiteConfig } from "../config/config-schema";
import { loadConfig } from "../config/load-config";
import {
  assertNoErrorAnnotations,
  MiradorePolicyChecks,
  MiradorePolicyChecksProps,
  suppressPolicyRule,
  USER_READ_ALL,
} from "../constructs";
import { SiteStack } from "../app/site-stack";

// The aspect on the lead's MiradoreStack, through a real app.synth(): what passes, what stops synthesis and how,
// and how suppressions are accepted, applied and listed.

const outRoot = mkdtempSync(join(tmpdir(), "policy-checks-"));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));
let apps = 0;

const exampleSite = (): SiteConfig =>
  loadConfig({ path: join(__dirname, "..", "miradore.config.yaml"), env: {} }).sites[0]!;

/** The stack for a site, with its built-in policy checks' log captured. */
function miradore(site: SiteConfig, props: MiradorePolicyChecksProps = {}) {
  const outdir = join(outRoot, String(apps++));
  const app = new App({ outdir, stackTraces: false });
  const lines: string[] = [];
  const stack = new SiteStack(app, "x", { site, policy: { log: (line) => lines.push(line), ...props } });
  const checks = stack.policyChecks;
  const stackFile = join(outdir, "stacks", "x", "cdk.tf.json");
  const annotations = () =>
    JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks.x.annotations as {
      constructPath: string;
      level: string;
      message: string;
    }[];
  return { app, stack, checks, lines, stackFile, annotations };
}

const synthError = (app: App): string => {
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected app.synth() to fail");
};

test("the example configuration's stack passes every rule", () => {
  const { app, checks, lines, stackFile } = miradore(exampleSite());
  app.synth();
  expect(checks.findings).toEqual([]);
  expect(lines).toEqual([]);
  expect(existsSync(stackFile)).toBe(true);
});

test("judges the example stack's own secrets: fails at a maximum below their 180-day lifetime", () => {
  const { app, stackFile } = miradore(exampleSite(), { maxSecretLifetimeDays: 179 });
  const message = synthError(app);
  expect(message).toContain(
    "[x/client-secret/slot-a/password] [MIR-SEC-2] the secret is valid 180 days after it is made",
  );
  expect(message).toContain("[x/client-secret/slot-b/password] [MIR-SEC-2]");
  expect(existsSync(stackFile)).toBe(false);
});

test("stops synthesis with the rule id and the construct path of every error", () => {
  const site = siteSchema.parse({ name: "x", tenantId: "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", groupFiltering: true });
  const { app, stackFile } = miradore(site, { allowedGraphAppRoles: [USER_READ_ALL] });
  const message = synthError(app);
  expect(message).toMatch(/^Encountered Annotations with level "ERROR":/);
  expect(message).toContain(
    "[x/app/registration] [MIR-GRAPH-1] required_resource_access[0] requests Microsoft Graph Group.Read.All",
  );
  expect(message).toContain("[x/consent/Group.Read.All] [MIR-GRAPH-1] grants Microsoft Graph Group.Read.All");
  expect(message).toContain("Why: Miradore needs only the allowlisted Microsoft Graph application permissions");
  expect(existsSync(stackFile)).toBe(false);
});

test("fails when the stack outputs a value computed from its secret without sensitive", () => {
  const { app, stack } = miradore(exampleSite());
  new TerraformOutput(stack, "leak", { value: Fn.sha256(stack.secret.slotA.password.value) });
  expect(synthError(app)).toMatch(
    /\[x\/leak\] \[MIR-SEC-4\] output "leak" is not sensitive, but its value reads azuread_application_password\.client-secret_slot-a_password_\w+\.value/,
  );
});

describe("suppressions", () => {
  const groupFilteringOnlyUserReadAllowed = () => miradore(exampleSite(), { allowedGraphAppRoles: [USER_READ_ALL] });
  const REASON = "Tenant policy review 2025-07 approved Group.Read.All for group filtering";

  test("apply to the construct's children, are listed in the log and the manifest, and let synthesis finish", () => {
    const { app, stack, lines, annotations, stackFile } = groupFilteringOnlyUserReadAllowed();
    suppressPolicyRule(stack.app, { ruleId: "MIR-GRAPH-1", reason: REASON });
    suppressPolicyRule(stack.consent, { ruleId: "MIR-GRAPH-1", reason: REASON });
    app.synth();
    expect(existsSync(stackFile)).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^policy suppressed \[x\/app\/registration\] \[MIR-GRAPH-1\] error suppressed on x\/app: Tenant policy review 2025-07 approved .* \(finding: required_resource_access\[0\] requests Microsoft Graph Group\.Read\.All/,
    );
    expect(lines[1]).toContain(`[x/consent/Group.Read.All] [MIR-GRAPH-1] error suppressed on x/consent: ${REASON}`);
    expect(
      annotations()
        .filter((a) => a.level === "@cdktf/info")
        .map((a) => a.constructPath),
    ).toEqual(["x/app/registration", "x/consent/Group.Read.All"]);
  });

  test("do not reach siblings: a suppression on the app leaves consent failing", () => {
    const { app, stack } = groupFilteringOnlyUserReadAllowed();
    suppressPolicyRule(stack.app, { ruleId: "MIR-GRAPH-1", reason: REASON });
    const message = synthError(app);
    expect(message).toContain("[x/consent/Group.Read.All] [MIR-GRAPH-1]");
    expect(message).not.toContain("[x/app/registration]");
  });

  test("rejects a suppression without a reason", () => {
    const { stack } = miradore(exampleSite());
    for (const reason of ["", "   ", "ok", undefined as unknown as string]) {
      expect(() => suppressPolicyRule(stack.app, { ruleId: "MIR-APP-2", reason })).toThrow(
        `policy suppression on x/app: reason for MIR-APP-2 is ${JSON.stringify(reason)}, but must say why the rule does not apply here (at least 10 characters)`,
      );
    }
  });

  test("rejects a suppression that names no rule", () => {
    const { stack } = miradore(exampleSite());
    expect(() => suppressPolicyRule(stack.app, { ruleId: " ", reason: REASON })).toThrow(
      'policy suppression on x/app: ruleId is " ", but must name a rule such as "MIR-APP-2"',
    );
  });

  test("warns about a suppression of a rule the policy does not have", () => {
    const { app, stack, lines } = miradore(exampleSite());
    suppressPolicyRule(stack.app, { ruleId: "MIR-GRAFH-1", reason: REASON });
    app.synth();
    expect(lines).toEqual([
      expect.stringMatching(
        /^policy warning \[x\/app\] \[policy\] suppression of "MIR-GRAFH-1" names no rule of this policy/,
      ),
    ]);
  });
});

test("reports warnings through Annotations and the log, without stopping synthesis", () => {
  const { app, stack, lines, annotations, stackFile } = miradore(exampleSite());
  new ApplicationPasswordA(stack, "manual", {
    applicationId: stack.app.application.id,
    endDate: "2030-01-01T00:00:00Z",
  });
  app.synth();
  expect(existsSync(stackFile)).toBe(true);
  expect(lines).toEqual([
    expect.stringMatching(/^policy warning \[x\/manual\] \[MIR-SEC-3\] end_date is the literal date/),
  ]);
  expect(annotations()).toEqual([
    expect.objectContaining({
      constructPath: "x/manual",
      level: "@cdktf/warn",
      message: expect.stringMatching(/^\[MIR-SEC-3\]/),
    }),
  ]);
});

test("assertNoErrorAnnotations fails even when CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS lets app.synth() pass", () => {
  const variable = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS";
  const before = process.env[variable];
  process.env[variable] = "true"; // read when the stack is constructed
  try {
    const { app } = miradore(exampleSite(), { maxSecretLifetimeDays: 90 });
    expect(() => app.synth()).not.toThrow();
    expect(() => assertNoErrorAnnotations(app)).toThrow(
      /^Synthesis stopped by 2 error annotation\(s\):\n\[x\/client-secret\/slot-a\/password\] \[MIR-SEC-2\]/,
    );
  } finally {
    if (before === undefined) delete process.env[variable];
    else process.env[variable] = before;
  }
});

test("assertNoErrorAnnotations passes for a stack without errors", () => {
  const { app } = miradore(exampleSite());
  app.synth();
  expect(() => assertNoErrorAnnotations(app)).not.toThrow();
});

test("rejects a maximum secret lifetime that is not a whole number of days", () => {
  expect(() => new MiradorePolicyChecks({ maxSecretLifetimeDays: 0 })).toThrow(
    "MiradorePolicyChecks: maxSecretLifetimeDays is 0, but must be at least 1 day (the longest secret lifetime the tenant allows)",
  );
});
