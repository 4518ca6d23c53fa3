// Rehearsal: the workflows' steps, in their order, as the workflows run them (`npm run …`), against Terraform with
// the provider doubles, a fake GitHub and a fake Microsoft Graph over the same fake directory: a pull request's plan
// and comment, the deploy's apply, then scheduled runs before and after the fake clock passes a rotation, each with
// its expiry check and operator notice; drift; credentials and grants added outside Terraform, which drift reports and
// a forced revoke removes or refuses. Nothing any step prints, writes or sends may contain a client secret value
// (read from the Terraform state).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FakeGraphApi } from "../test-support/fake-graph-api";
import { DEFAULT_TENANT_ID, updateTenant } from "../test-support/provider-doubles/fake-entra/directory-store";
import {
  addFederatedCredentialInPortal,
  addPasswordInPortal,
  grantConsentInPortal,
  grantDelegatedPermissionInPortal,
  uploadCertificateInPortal,
} from "../test-support/provider-doubles/fake-entra/portal-actions";
import { describeWithTerraform, ProviderDoubles, REPO_ROOT } from "../test-support/terraform-harness";
import { FakeGitHub } from "./pipeline-fake-github";

const STACK = "miradore-rehearsal";
const DAY_MS = 86_400_000;
const T0 = new Date("2026-03-02T08:00:00Z");

interface StepResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describeWithTerraform("pipeline rehearsal against the provider doubles", () => {
  let doubles: ProviderDoubles;
  let github: FakeGitHub;
  let graph: FakeGraphApi;
  let work: string;
  const transcript: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "pipeline-rehearsal-"));
    writeFileSync(
      join(work, "miradore.config.yaml"),
      `sites:\n  - name: rehearsal\n    tenantId: ${DEFAULT_TENANT_ID}\n`,
    );
    doubles = await ProviderDoubles.start({ now: T0 });
    github = await FakeGitHub.start();
    graph = await FakeGraphApi.start({ directoryRoot: doubles.directoryRoot });
  }, 60_000);

  afterAll(async () => {
    await doubles?.stop();
    await github?.stop();
    await graph?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `npm run --silent <script> -- <args>` as a workflow step: the doubles' Terraform environment, a GITHUB_OUTPUT file. */
  function step(
    script: string,
    args: readonly string[],
    stdoutFile?: string,
  ): Promise<StepResult & { outputs: Record<string, string> }> {
    const outputFile = join(work, `github-output-${transcript.length}`);
    writeFileSync(outputFile, "");
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("MIRADORE_") && !k.startsWith("GITHUB_")),
    );
    const env = {
      ...inherited,
      ...doubles.env(),
      ...graph.env(),
      MIRADORE_CONFIG: join(work, "miradore.config.yaml"),
      CDKTF_OUTDIR: join(work, "cdktf.out"),
      GITHUB_OUTPUT: outputFile,
      GITHUB_TOKEN: "test-token",
      GITHUB_REPOSITORY: "contoso/miradore",
      GITHUB_API_URL: github.url,
    };
    return new Promise((resolve, reject) => {
      execFile(
        "npm",
        ["run", "--silent", script, "--", ...args],
        { cwd: REPO_ROOT, env, maxBuffer: 64 << 20, encoding: "utf8", timeout: 90_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          try {
            if (stdoutFile) {
              mkdirSync(dirname(stdoutFile), { recursive: true });
              writeFileSync(stdoutFile, stdout);
            }
          } catch (writeError) {
            reject(writeError as Error);
            return;
          }
          transcript.push(`$ npm run ${script} -- ${args.join(" ")}\n${stdout}${stderr}`);
          const outputs = Object.fromEntries(
            readFileSync(outputFile, "utf8")
              .split("\n")
              .filter(Boolean)
              .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
          );
          resolve({ code, stdout, stderr, outputs });
        },
      );
    });
  }

  async function ok(script: string, args: readonly string[], stdoutFile?: string) {
    const result = await step(script, args, stdoutFile);
    if (result.code !== 0)
      throw new Error(`npm run ${script} exited with ${result.code}:\n${result.stderr}${result.stdout}`);
    return result;
  }

  /** Every password value Terraform has ever held in this rehearsal's state. */
  const secrets = new Set<string>();
  function collectSecrets(): void {
    const stateFile = join(work, `terraform.${STACK}.tfstate`);
    if (!existsSync(stateFile)) return;
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
      resources: { type: string; instances: { attributes: { value?: string } }[] }[];
    };
    for (const r of state.resources.filter((r) => r.type === "azuread_application_password")) {
      for (const i of r.instances) if (i.attributes.value) secrets.add(i.attributes.value);
    }
  }

  /** A scheduled rotation run at `now`: apply, public outputs, expiry check, notice, issue. */
  async function scheduledRun(now: Date): Promise<{ notice: string; state: string; expiryExit: number }> {
    doubles.setClock(now);
    await ok("ci:apply", ["--stack", STACK]);
    collectSecrets();
    await ok("ci:outputs", ["--stack", STACK, "--out-file", join(work, "outputs", `${STACK}.json`)]);
    await ok("ci:collect-outputs", ["--dir", join(work, "outputs"), "--out-file", join(work, "outputs.json")]);
    const expiry = await step(
      "expiry-check",
      [join(work, "outputs.json"), "--json", "--now", now.toISOString()],
      join(work, "expiry.json"),
    );
    const notice = await ok("ci:notice", [join(work, "expiry.json"), "--out-file", join(work, "notice.md")]);
    const state = notice.outputs.state!;
    await ok("ci:issue", ["--kind", "secret-rotation", "--state", state, "--body-file", join(work, "notice.md")]);
    return { notice: readFileSync(join(work, "notice.md"), "utf8"), state, expiryExit: expiry.code };
  }

  test("pull request, deploy and scheduled runs work end to end and never show a secret", async () => {
    // Pull request: synth, stacks, plan, review, comment (twice: the second push updates the same comment).
    await ok("synth", []);
    const stacks = await ok("ci:stacks", []);
    expect(JSON.parse(stacks.outputs.stacks!)).toEqual([STACK]);
    const plan = await ok("ci:plan", ["--stack", STACK, "--plan-json", join(work, "plan.json")]);
    expect(plan.outputs.changes).toBe("true");
    await ok("plan-review", [join(work, "plan.json"), "--stack", STACK], join(work, "review.md"));
    const review = readFileSync(join(work, "review.md"), "utf8");
    expect(review.split("\n")[0]).toBe(`<!-- miradore-plan-review:${STACK} -->`);
    for (let push = 0; push < 2; push++) {
      await ok("ci:comment", ["--pr", "7", "--body-file", join(work, "review.md"), "--has-changes", "true"]);
    }
    expect(github.comments.get(7)).toHaveLength(1);
    expect(github.comments.get(7)![0]!.body).toBe(review);
    expect(review).toMatch(/azuread_application_password/);
    // The same plan as a pull request's shard job runs it (ci:shard-plan), posted from the shard's folder: the same
    // comment is updated, not a second one made.
    const sharded = await ok("ci:stacks", ["--shard-size", "50"]);
    const [shard] = JSON.parse(sharded.outputs.shards!) as { stacks: string }[];
    await ok("ci:shard-plan", ["--stacks", shard!.stacks, "--reviews-dir", join(work, "reviews")]);
    const shardReview = readFileSync(join(work, "reviews", `${STACK}.md`), "utf8");
    expect(shardReview.split("\n")[0]).toBe(`<!-- miradore-plan-review:${STACK} -->`);
    expect(shardReview).toMatch(/azuread_application_password/);
    await ok("ci:comment", ["--pr", "7", "--reviews-dir", join(work, "reviews")]);
    expect(github.comments.get(7)).toHaveLength(1);
    expect(github.comments.get(7)![0]!.body).toBe(shardReview);

    // Deploy: apply; right after the first deploy the new secret must be handed to Miradore.
    const first = await scheduledRun(new Date(T0.getTime() + 60_000));
    expect(first.expiryExit).toBe(10);
    expect(first.state).toBe("open");
    expect(first.notice).toContain(
      `paste the new client secret into Miradore by **${new Date(T0.getTime() + 60_000 + 21 * DAY_MS).toISOString().slice(0, 16).replace("T", " ")} UTC**`,
    );
    expect(github.issues.filter((i) => i.state === "open")).toHaveLength(1);

    // After the handoff window, before the first rotation (slot A, 120 days): nothing to do, the issue closes.
    const quiet = await scheduledRun(new Date(T0.getTime() + 30 * DAY_MS));
    expect(quiet.expiryExit).toBe(0);
    expect(quiet.state).toBe("closed");
    expect(github.issues.map((i) => i.state)).toEqual(["closed"]);

    // The clock passes slot A's rotation: the scheduled apply makes a new secret, and the notice asks for a handoff.
    const secretsBefore = secrets.size;
    const rotated = await scheduledRun(new Date(T0.getTime() + 121 * DAY_MS));
    expect(secrets.size).toBe(secretsBefore + 1);
    expect(rotated.expiryExit).toBe(10);
    expect(rotated.state).toBe("open");
    expect(github.issues.filter((i) => i.state === "open")).toHaveLength(1);

    // Forced rotations: keep is refused while the handoff is pending (it would delete the secret Miradore may still
    // use); after the handoff it adds one secret in the slot Miradore does not use; revoke replaces both.
    const beforeKeep = secrets.size;
    const refused = await step("ci:force-rotate", [
      "--stack",
      STACK,
      "--mode",
      "keep",
      "--now",
      new Date(T0.getTime() + 121 * DAY_MS).toISOString(),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the plan was not applied: Miradore will be disconnected until the new secret is pasted: this plan replaces the previous client secret .* Miradore may still use it: the handoff of the newest secret .* is pending until/,
    );
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep);
    const afterHandoff = new Date(T0.getTime() + 143 * DAY_MS);
    doubles.setClock(afterHandoff);
    await ok("ci:force-rotate", ["--stack", STACK, "--mode", "keep", "--now", afterHandoff.toISOString()]);
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep + 1);
    const revoke = await ok("ci:force-rotate", ["--stack", STACK, "--mode", "revoke"]);
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep + 3);
    expect(revoke.stdout).toContain(
      `${STACK}: no unmanaged credentials on the application; nothing else outside Terraform`,
    );

    // Drift: an administrator renames the app in the portal; the refresh-only plan finds it and the issue opens.
    doubles.changeTenant((doc) => {
      for (const app of Object.values(doc.applications)) app.displayName = "Renamed in the portal";
    });
    const drift = await ok("ci:plan", ["--stack", STACK, "--plan-json", join(work, "drift.json"), "--refresh-only"]);
    expect(drift.outputs.changes).toBe("true");
    await ok("plan-review", [join(work, "drift.json"), "--stack", STACK], join(work, "drift", `${STACK}.md`));
    const report = await ok("ci:drift-report", [
      "--dir",
      join(work, "drift"),
      "--checked-stacks",
      "1",
      "--out-file",
      join(work, "drift.md"),
    ]);
    expect(report.outputs.state).toBe("open");
    await ok("ci:issue", ["--kind", "drift", "--state", "open", "--body-file", join(work, "drift.md")]);
    expect(github.issues.filter((i) => i.labels.includes("miradore-drift") && i.state === "open")).toHaveLength(1);
    expect(readFileSync(join(work, "drift.md"), "utf8")).toContain(STACK);

    // No step printed, wrote or sent a secret value.
    expect(secrets.size).toBeGreaterThanOrEqual(3);
    const everything = [
      ...transcript,
      ...github.requests.map((r) => r.body),
      ...["review.md", join("reviews", `${STACK}.md`), "notice.md", "outputs.json", "expiry.json", "drift.md"].map(
        (f) => readFileSync(join(work, f), "utf8"),
      ),
    ].join("\n");
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
  }, 400_000);
  test("credentials and grants added outside Terraform: drift reports them, a revoke removes the app's or refuses", async () => {
    // Back to what the configuration says (the first test renamed the app in the portal), at its clock.
    await ok("ci:apply", ["--stack", STACK]);
    collectSecrets();
    const now = new Date(T0.getTime() + 143 * DAY_MS);
    const later = new Date(now.getTime() + 365 * DAY_MS);
    const added = updateTenant(doubles.directoryRoot, DEFAULT_TENANT_ID, (doc) => ({
      password: addPasswordInPortal(doc, { displayName: "added in the portal | `x` <b>", start: now, end: later }),
      certificate: uploadCertificateInPortal(doc, { displayName: "CN=intruder", start: now, end: later }),
      federated: addFederatedCredentialInPortal(doc, {
        name: "fork-deploys",
        issuer: "https://token.actions.githubusercontent.com",
        subject: "repo:someone-else/miradore-fork:ref:refs/heads/main",
      }),
      role: grantConsentInPortal(doc, ["User.ReadWrite.All"])[0]!,
      spPassword: addPasswordInPortal(doc, { on: "servicePrincipal", displayName: "sp", start: now, end: later }),
      grant: grantDelegatedPermissionInPortal(doc, "Mail.Read"),
    }));

    // The refresh-only plan cannot see any of it: none is in the state.
    const plan = await ok("ci:plan", ["--stack", STACK, "--plan-json", join(work, "drift-2.json"), "--refresh-only"]);
    expect(plan.stdout).toContain(`${STACK}: no changes outside Terraform`);
    expect(plan.outputs.changes).toBe("false");

    // The listing through Graph sees all of it, and the drift issue opens on that alone.
    const credentialsFile = join(work, "drift-2", `${STACK}.credentials.md`);
    const listed = await ok("ci:credentials", ["--stack", STACK, "--out-file", credentialsFile]);
    expect(listed.outputs.found).toBe("true");
    const report = await ok("ci:drift-report", [
      "--dir",
      join(work, "drift-2"),
      "--checked-stacks",
      "1",
      "--out-file",
      join(work, "drift-2.md"),
    ]);
    expect(report.outputs.state).toBe("open");
    await ok("ci:issue", ["--kind", "drift", "--state", "open", "--body-file", join(work, "drift-2.md")]);
    const issue = github.issues.find((i) => i.labels.includes("miradore-drift") && i.state === "open")!;
    for (const id of Object.values(added)) expect(issue.body).toContain(id);
    expect(issue.body).toContain("repo:someone-else/miradore-fork:ref:refs/heads/main");
    // The same check as drift.yml's shard jobs run it, reported through the drift record: the same findings.
    await ok("ci:shard-plan", [
      "--stacks",
      STACK,
      "--refresh-only",
      "--credentials",
      "--reviews-dir",
      join(work, "drift-3"),
    ]);
    const recorded = await ok("ci:drift-report", [
      "--dir",
      join(work, "drift-3"),
      "--record",
      join(work, "drift-record.json"),
      "--out-file",
      join(work, "drift-3.md"),
    ]);
    expect(recorded.outputs.state).toBe("open");
    const recordedBody = readFileSync(join(work, "drift-3.md"), "utf8");
    for (const id of Object.values(added)) expect(recordedBody).toContain(id);
    // User.ReadWrite.All, named by its id (Graph's app role ids are global).
    expect(issue.body).toContain("app role 741f803b-c850-494e-b5df-cde7c675a1ca of Microsoft Graph");
    // Quoted as a code span, the table's pipe escaped: the display name cannot break the table or inject HTML.
    expect(issue.body).toContain("| ``added in the portal \\| `x` <b>`` |");

    // A revoke while Graph forbids removing credentials: new secrets are made, nothing else is removed, and the
    // command fails with the list.
    const writePermissions = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.ReadWrite.All"];
    for (const p of writePermissions) graph.permissions.delete(p);
    const secretsBefore = secrets.size;
    const forbidden = await step("ci:force-rotate", ["--stack", STACK, "--mode", "revoke"]);
    collectSecrets();
    expect(forbidden.code).toBe(1);
    expect(secrets.size).toBe(secretsBefore + 2);
    expect(forbidden.stderr).toContain(
      `Microsoft Graph refused to remove (403; the deploying identity needs Application.ReadWrite.OwnedBy as an owner of the app, or Application.ReadWrite.All): application password ${added.password}`,
    );
    expect(forbidden.stderr).toContain(`application certificate ${added.certificate} ("CN=intruder")`);
    let app = Object.values(doubles.tenant().applications)[0]!;
    expect(app.passwordCredentials.map((c) => c.keyId)).toContain(added.password);
    expect(app.keyCredentials.map((c) => c.keyId)).toEqual([added.certificate]);

    // Allowed: it removes the application's unmanaged password and certificate and lists them, and still fails,
    // listing what a revoke never removes.
    for (const p of writePermissions) graph.permissions.add(p);
    const revoked = await step("ci:force-rotate", ["--stack", STACK, "--mode", "revoke"]);
    collectSecrets();
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toContain(
      `${STACK}: removed the unmanaged application password ${added.password} ("added in the portal | \`x\` <b>")`,
    );
    expect(revoked.stdout).toContain(`${STACK}: removed the unmanaged application certificate ${added.certificate}`);
    expect(revoked.stderr).toMatch(
      new RegExp(
        `and 2 unmanaged credentials were removed, but unmanaged credentials or grants remain: a revoke does not remove these; an administrator must \\(README, runbook "A secret leaked"\\): .*federated credential ${added.federated}`,
      ),
    );
    for (const id of [added.role, added.spPassword, added.grant]) expect(revoked.stderr).toContain(id);
    app = Object.values(doubles.tenant().applications)[0]!;
    const stateKeyIds = JSON.parse(readFileSync(join(work, `terraform.${STACK}.tfstate`), "utf8"))
      .resources.filter((r: { type: string }) => r.type === "azuread_application_password")
      .map((r: { instances: { attributes: { key_id: string } }[] }) => r.instances[0]!.attributes.key_id);
    expect(app.passwordCredentials.map((c) => c.keyId).sort()).toEqual(stateKeyIds.sort());
    expect(app.keyCredentials).toEqual([]);
    expect(app.federatedIdentityCredentials.map((c) => c.id)).toEqual([added.federated]);

    // An administrator removes the rest; the next drift check finds nothing and closes the issue.
    doubles.changeTenant((doc) => {
      const a = Object.values(doc.applications)[0]!;
      a.federatedIdentityCredentials = [];
      for (const sp of Object.values(doc.servicePrincipals)) sp.passwordCredentials = [];
      doc.appRoleAssignments = doc.appRoleAssignments.filter((r) => r.id !== added.role);
      doc.oauth2PermissionGrants = [];
    });
    const clean = await ok("ci:credentials", ["--stack", STACK, "--out-file", credentialsFile]);
    expect(clean.outputs.found).toBe("false");
    const closed = await ok("ci:drift-report", [
      "--dir",
      join(work, "drift-2"),
      "--checked-stacks",
      "1",
      "--out-file",
      join(work, "drift-2.md"),
    ]);
    expect(closed.outputs.state).toBe("closed");
    await ok("ci:issue", ["--kind", "drift", "--state", "closed", "--body-file", join(work, "drift-2.md")]);
    expect(github.issues.filter((i) => i.labels.includes("miradore-drift") && i.state === "open")).toEqual([]);

    // Graph was only asked what the pipeline calls, and nothing printed, written or sent holds a secret.
    expect(graph.unrouted).toEqual([]);
    expect(graph.requests.length).toBeGreaterThan(0);
    const everything = [...transcript, ...github.requests.map((r) => r.body), issue.body].join("\n");
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
  }, 400_000);
});
