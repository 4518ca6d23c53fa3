// One CI identity for a fleet of customer tenants (issue 16), through Terraform and the provider doubles: three sites
// in three tenants run the rotation workflow's steps (apply with its result file, outputs, collect, expiry check,
// notice). The fake directory knows which tenants have the CI identity's service principal. On the second run one
// customer has removed it (revoking the consent): that stack fails with the tenant and the admin consent link, and the
// operator notice names both, while the other sites apply. A third site signs in with CI apps of its own (ciIdentity).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import { DEPLOYER_CLIENT_ID } from "../test-support/provider-doubles/fake-entra/directory-store";
import { removeCiServicePrincipalInPortal } from "../test-support/provider-doubles/fake-entra/portal-actions";
import { describeWithTerraform, ProviderDoubles, synthesizeWithNpm } from "../test-support/terraform-harness";
import { noticeStep } from "../test-support/notice-step";
import { deployJobContext } from "../test-support/pipeline-context";

const T0 = new Date("2026-03-02T08:00:00Z");
const CONSENTED_TENANT = "1a1a1a1a-1111-4222-8333-444455556666";
const REVOKING_TENANT = "2b2b2b2b-1111-4222-8333-444455556666";
const OWN_APPS_TENANT = "3c3c3c3c-1111-4222-8333-444455556666";
const OWN_DEPLOY_CLIENT = "3d3d3d3d-1111-4222-8333-444455556666";
const OWN_PLAN_CLIENT = "3e3e3e3e-1111-4222-8333-444455556666";
const STACKS = ["miradore-alpha", "miradore-beta", "miradore-gamma"] as const;
const CONSENT_LINK = `https://login.microsoftonline.com/${REVOKING_TENANT}/adminconsent?client_id=${DEPLOYER_CLIENT_ID}`;
const LIMIT_MS = 300_000;

describeWithTerraform("a customer tenant that revoked the CI identity's consent is named in the notice", () => {
  let work: string;
  let doubles: ProviderDoubles;
  const runs: { exits: Record<string, number>; logs: Record<string, string>; notice: string }[] = [];
  /** The drift check's plan of beta after the revocation. */
  const drift = { exit: -1, log: "" };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "customer-tenants-"));
    writeFileSync(
      join(work, "miradore.config.yaml"),
      [
        "sites:",
        `  - { name: alpha, tenantId: ${CONSENTED_TENANT} }`,
        `  - { name: beta, tenantId: ${REVOKING_TENANT} }`,
        `  - name: gamma`,
        `    tenantId: ${OWN_APPS_TENANT}`,
        `    ciIdentity: { deployClientId: ${OWN_DEPLOY_CLIENT}, planClientId: ${OWN_PLAN_CLIENT} }`,
        "",
      ].join("\n"),
    );
    synthesizeWithNpm(join(work, "miradore.config.yaml"), join(work, "cdktf.out"));
    doubles = await ProviderDoubles.start({ now: T0 });
    // The customer of gamma made its own CI apps: only their service principals may sign in to its tenant.
    doubles.changeTenant((doc) => {
      doc.deployer = { ...doc.deployer, removed: true };
      doc.servicePrincipals["3f3f3f3f-1111-4222-8333-444455556666"] = {
        objectId: "3f3f3f3f-1111-4222-8333-444455556666",
        appId: OWN_DEPLOY_CLIENT,
        displayName: "Contoso's own Miradore deployment",
        appRoles: [],
        passwordCredentials: [],
        keyCredentials: [],
        settings: {},
      } as (typeof doc.servicePrincipals)[string];
    }, OWN_APPS_TENANT);

    for (const run of [0, 1]) {
      // Between the runs, beta's administrator removes the service provider's app from Enterprise applications.
      if (run === 1) doubles.changeTenant(removeCiServicePrincipalInPortal, REVOKING_TENANT);
      const now = new Date(T0.getTime() + run * 86_400_000);
      doubles.setClock(now);
      const outputs = join(work, `run-${run}`, "outputs");
      const exits: Record<string, number> = {};
      const logs: Record<string, string> = {};
      for (const stack of STACKS) {
        const log: string[] = [];
        const context = contextFor((text) => log.push(text));
        exits[stack] = await runPipeline(
          [
            "apply",
            "--stack",
            stack,
            "--out-dir",
            join(work, "cdktf.out"),
            "--result-file",
            join(outputs, `${stack}.result.json`),
            "--now",
            now.toISOString(),
          ],
          context,
        );
        logs[stack] = log.join("");
        await runPipeline(
          [
            "outputs",
            "--stack",
            stack,
            "--out-dir",
            join(work, "cdktf.out"),
            "--out-file",
            join(outputs, `${stack}.json`),
          ],
          context,
        );
      }
      const { markdown } = await noticeStep(
        contextFor(() => undefined),
        {
          resultsDir: outputs,
          runDir: join(work, `run-${run}`),
          now,
          expectedStacks: STACKS,
        },
      );
      runs.push({ exits, logs, notice: markdown });
    }
    const log: string[] = [];
    drift.exit = await runPipeline(
      [
        "plan",
        "--stack",
        "miradore-beta",
        "--out-dir",
        join(work, "cdktf.out"),
        "--plan-json",
        join(work, "drift.json"),
        "--refresh-only",
      ],
      contextFor((text) => log.push(text)),
    );
    drift.log = log.join("");
  }, LIMIT_MS);

  afterAll(async () => {
    await doubles?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A production job's context: the fleet's deploy identity, and the role for sites with their own CI apps. */
  const contextFor = (out: (text: string) => void) => deployJobContext(work, doubles.env(), { out });

  test("while every tenant lets it in, every site applies: the fleet's identity, and gamma's own", () => {
    expect(runs[0]!.exits).toEqual({ "miradore-alpha": 0, "miradore-beta": 0, "miradore-gamma": 0 });
    expect(doubles.tenant(OWN_APPS_TENANT).applications).not.toEqual({});
    expect(runs[0]!.notice).not.toContain("could not apply it");
  });

  test("after beta's administrator removed the app, beta fails with its tenant and the consent link; the others apply", () => {
    expect(runs[1]!.exits).toEqual({ "miradore-alpha": 0, "miradore-beta": 1, "miradore-gamma": 0 });
    const log = runs[1]!.logs["miradore-beta"]!;
    expect(log).toContain(
      `tenant ${REVOKING_TENANT} does not let the CI identity (client id ${DEPLOYER_CLIENT_ID}) sign in: it has no service principal there (Entra AADSTS700016`,
    );
    expect(log).toContain(CONSENT_LINK);
    expect(log).not.toMatch(/retrying/);
  });

  test("the drift check's plan of that site says the same: the tenant and its consent link", () => {
    expect(drift.exit).toBe(1);
    expect(drift.log).toContain(
      `stack miradore-beta: terraform plan failed: Unable to build authorizer for Microsoft Graph API: tenant ${REVOKING_TENANT} does not let the CI identity`,
    );
    expect(drift.log).toContain(CONSENT_LINK);
  });

  test("the operator notice names the tenant and links the consent, and keeps the secret's dates from the last state", () => {
    const block = runs[1]!.notice.split("\n### ").find((b) => b.startsWith("`miradore-beta`")) ?? "";
    expect(block.split("\n")[0]).toBe("`miradore-beta`: the pipeline could not apply it");
    expect(block).toContain(
      `- Tenant \`${REVOKING_TENANT}\` does not let the CI identity \`${DEPLOYER_CLIENT_ID}\` in (its consent is missing or was revoked): send that tenant's administrator the [admin consent link](${CONSENT_LINK})`,
    );
    expect(block).toMatch(/From its last state: the current secret `[0-9a-f-]{36}` was made 2026-03-02/);
    expect(runs[1]!.notice).not.toContain("`miradore-alpha`: the pipeline could not apply it");
    expect(runs[1]!.notice).not.toContain("`miradore-gamma`: the pipeline could not apply it");
  });
});
