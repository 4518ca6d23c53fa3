// Rehearsal: the workflows' steps, in their order, as the workflows run them (`npm run …`), against Terraform with
// the provider doubles and a fake GitHub: a pull request's plan and comment, the deploy's apply, then scheduled runs
// before and after the fake clock passes a rotation, each with its expiry check and operator notice. Nothing any
// step prints, writes or sends may contain a client secret value (read from the Terraform state).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_TENANT_ID } from "../test-support/provider-doubles/fake-entra/directory-store";
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
  }, 60_000);

  afterAll(async () => {
    await doubles?.stop();
    await github?.stop();
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
    expect(refused.stderr).toMatch(/a handoff is pending until .*: Miradore may still use the previous secret/);
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep);
    const afterHandoff = new Date(T0.getTime() + 143 * DAY_MS);
    doubles.setClock(afterHandoff);
    await ok("ci:force-rotate", ["--stack", STACK, "--mode", "keep", "--now", afterHandoff.toISOString()]);
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep + 1);
    await ok("ci:force-rotate", ["--stack", STACK, "--mode", "revoke"]);
    collectSecrets();
    expect(secrets.size).toBe(beforeKeep + 3);

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
      ...["review.md", "notice.md", "outputs.json", "expiry.json", "drift.md"].map((f) =>
        readFileSync(join(work, f), "utf8"),
      ),
    ].join("\n");
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
  }, 400_000);
});
