// The fault table: each scenario breaks a pipeline run the way Entra ID, Microsoft Graph, an administrator or the
// runner does in real life (faults injected through the provider doubles), runs the pipeline scripts (in process)
// against real Terraform, and asserts the end state: exactly one application and one service principal in the fake
// directory, exactly the requested consents, at least one valid secret, the state file intact (parses, serial
// increased, every resource of the configuration in it, nothing left to change) and no secret value in anything the
// scripts printed. One console line per scenario and a total are printed at the end (quoted in docs/faults.md).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DEFAULT_TENANT_ID,
  readFaults,
  type FaultRule,
  type TenantDocument,
} from "../test-support/provider-doubles/fake-entra/directory-store";
import {
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_APP_ROLES,
} from "../test-support/provider-doubles/fake-entra/microsoft-graph";
import {
  deletePasswordInPortal,
  grantConsentInPortal,
} from "../test-support/provider-doubles/fake-entra/portal-actions";
import {
  delayed,
  held,
  permissionDenied,
  serviceUnavailable,
  servicePrincipalReplicationTimeout,
  throttled,
} from "../test-support/provider-doubles/fake-entra/provider-faults";
import { FakeGraphApi } from "../test-support/fake-graph-api";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";
import { site, synthSite } from "../test-support/synth-site";
import { main as expiryCheck } from "../tools/expiry-check";
import { runPipeline } from "../tools/pipeline";

const STACK = "miradore-faults";
const NOW = new Date("2026-03-02T08:00:00Z");
/** The consents the default site requests (groupFiltering on), by the directory's own role ids. */
const CONSENTS = MICROSOFT_GRAPH_APP_ROLES.filter((r) => r.value === "User.Read.All" || r.value === "Group.Read.All")
  .map((r) => r.id)
  .sort();
const outcomes: string[] = [];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One scenario's world: its own doubles, fake Graph, synthesized stack folder(s) and state file. */
class Scenario {
  readonly log: string[] = [];
  readonly secrets = new Set<string>();
  applyAttempts = 0;

  private constructor(
    readonly doubles: ProviderDoubles,
    private readonly graph: FakeGraphApi,
    readonly work: string,
    private readonly stackJson: Record<string, any>,
  ) {}

  static async start(): Promise<Scenario> {
    const doubles = await ProviderDoubles.start({ now: NOW });
    const work = mkdtempSync(join(tmpdir(), "faults-"));
    const { json } = synthSite(site({ name: "faults", tenantId: DEFAULT_TENANT_ID }));
    // Every checkout of the repository (one per concurrent run) points at the same state file, as CI's backend does.
    (json.terraform.backend as any) = { local: { path: join(work, `terraform.${STACK}.tfstate`) } };
    // A wrapper that records the pid of each Terraform command, so a test can kill one mid-apply.
    writeFileSync(join(work, "terraform"), `#!/bin/sh\necho "$$ $1" >> "${join(work, "pids")}"\nexec terraform "$@"\n`);
    chmodSync(join(work, "terraform"), 0o755);
    const graph = await FakeGraphApi.start({ directoryRoot: doubles.directoryRoot });
    const scenario = new Scenario(doubles, graph, work, json as Record<string, any>);
    scenario.checkout("main");
    return scenario;
  }

  get stateFile(): string {
    return join(this.work, `terraform.${STACK}.tfstate`);
  }

  /** A synthesized output folder (cdktf.out) of its own, as each CI job has. */
  checkout(name: string): string {
    const outDir = join(this.work, name, "cdktf.out");
    if (existsSync(outDir)) return outDir;
    mkdirSync(join(outDir, "stacks", STACK), { recursive: true });
    writeFileSync(join(outDir, "stacks", STACK, "cdk.tf.json"), JSON.stringify(this.stackJson, null, 2));
    writeFileSync(
      join(outDir, "manifest.json"),
      JSON.stringify({ stacks: { [STACK]: { workingDirectory: `stacks/${STACK}` } } }),
    );
    return outDir;
  }

  /** A pipeline command run as the workflow runs it, in process; everything it prints is kept for the secret check. */
  async pipeline(
    args: readonly string[],
    env: Record<string, string> = {},
    checkout = "main",
    onStdout: (text: string) => void = () => {},
  ): Promise<Run> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith("MIRADORE_") && !k.startsWith("GITHUB_") && !k.startsWith("TF_"),
      ),
    );
    const stackArgs = args.includes("--stack") ? ["--out-dir", this.checkout(checkout)] : [];
    const code = await runPipeline([...args, ...stackArgs], {
      env: {
        ...inherited,
        ...this.doubles.env(),
        MIRADORE_TERRAFORM: join(this.work, "terraform"),
        MIRADORE_RETRY_BASE_MS: "20",
        ...this.graph.env(),
        ...env,
      },
      cwd: this.work,
      stdout: (t) => {
        stdout.push(t);
        onStdout(t);
      },
      stderr: (t) => stderr.push(t),
      fetch: (input, init) => fetch(input, init),
    });
    const run = { code, stdout: stdout.join(""), stderr: stderr.join("") };
    this.log.push(run.stdout, run.stderr);
    this.applyAttempts += this.pids().filter((p) => p.command === "apply").length - this.applyAttempts;
    this.collectSecrets();
    return run;
  }

  async apply(env: Record<string, string> = {}, checkout = "main", onStdout?: (text: string) => void): Promise<Run> {
    return this.pipeline(["apply", "--stack", STACK], env, checkout, onStdout);
  }

  async applyOk(env: Record<string, string> = {}): Promise<Run> {
    const run = await this.apply(env);
    if (run.code !== 0)
      throw new Error(
        `ci:apply exited with ${run.code}: ${run.stderr
          .split("\n")
          .filter((l) => l.startsWith("pipeline"))
          .join(" ")}`,
      );
    return run;
  }

  pids(): { pid: number; command: string }[] {
    const file = join(this.work, "pids");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => ({ pid: Number(l.split(" ")[0]), command: l.split(" ")[1] ?? "" }));
  }

  state(): {
    serial: number;
    resources: { mode: string; type: string; name: string; instances: { attributes: Record<string, any> }[] }[];
  } {
    return JSON.parse(readFileSync(this.stateFile, "utf8"));
  }

  serial(): number {
    return existsSync(this.stateFile) ? this.state().serial : 0;
  }

  collectSecrets(): void {
    if (!existsSync(this.stateFile)) return;
    for (const r of this.state().resources.filter((r) => r.type === "azuread_application_password")) {
      for (const i of r.instances) if (i.attributes.value) this.secrets.add(i.attributes.value as string);
    }
  }

  tenant(): TenantDocument {
    return this.doubles.tenant();
  }

  faults(rules: readonly FaultRule[]): void {
    this.doubles.setFaults(rules);
  }

  /** Waits until the doubles have seen `count` calls matching the first fault rule (e.g. a delayed create is in flight). */
  async untilFaultSeen(count = 1): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if ((readFaults(this.doubles.directoryRoot)[0]?.seen ?? 0) >= count) return;
      await sleep(25);
    }
    throw new Error("the fault was never reached");
  }

  /**
   * Waits until the state file has not changed for 300 ms: Terraform is then only waiting on a provider call. The local
   * backend rewrites the file in place, so a kill in the instant of a write would empty it (see docs/faults.md).
   */
  async untilStateSettles(): Promise<void> {
    let last = "";
    for (let i = 0, unchanged = 0; i < 200; i++, await sleep(50)) {
      const now = existsSync(this.stateFile) ? readFileSync(this.stateFile, "utf8") : "";
      unchanged = now !== "" && now === last ? unchanged + 1 : 0;
      if (unchanged >= 6) return;
      last = now;
    }
    throw new Error("the state file never settled");
  }

  /** The public outputs, expiry check and operator notice, as the scheduled run's notice job makes them. */
  async notice(now = NOW): Promise<{ markdown: string; state: string }> {
    expect(
      (await this.pipeline(["outputs", "--stack", STACK, "--out-file", join(this.work, "outputs", `${STACK}.json`)]))
        .code,
    ).toBe(0);
    expect(
      (
        await this.pipeline([
          "collect-outputs",
          "--dir",
          join(this.work, "outputs"),
          "--out-file",
          join(this.work, "outputs.json"),
        ])
      ).code,
    ).toBe(0);
    let expiry = "";
    expiryCheck([join(this.work, "outputs.json"), "--json", "--now", now.toISOString()], {
      stdout: (t) => (expiry += t),
      stderr: (t) => this.log.push(t),
      readFile: (p) => readFileSync(p, "utf8"),
    });
    writeFileSync(join(this.work, "expiry.json"), expiry);
    const outputFile = join(this.work, "github-output");
    writeFileSync(outputFile, "");
    expect(
      (
        await this.pipeline(["notice", join(this.work, "expiry.json"), "--out-file", join(this.work, "notice.md")], {
          GITHUB_OUTPUT: outputFile,
        })
      ).code,
    ).toBe(0);
    const markdown = readFileSync(join(this.work, "notice.md"), "utf8");
    this.log.push(expiry, markdown);
    return { markdown, state: /state=(\w+)/.exec(readFileSync(outputFile, "utf8"))?.[1] ?? "" };
  }

  /**
   * The end state every scenario must reach: one app, one service principal, the requested consents only, a valid
   * secret, an intact state with every configured resource and nothing left to change, no secret in any log.
   */
  async assertConverged(serialBefore: number): Promise<void> {
    const doc = this.tenant();
    const apps = Object.values(doc.applications);
    expect(apps.map((a) => a.displayName)).toEqual(["Miradore MDM"]);
    const sps = Object.values(doc.servicePrincipals).filter((sp) => !sp.builtIn);
    expect(sps.map((sp) => sp.appId)).toEqual([apps[0]!.appId]);
    const graph = Object.values(doc.servicePrincipals).find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID)!;
    expect(doc.appRoleAssignments.map((a) => `${a.principalId}>${a.resourceId}:${a.appRoleId}`).sort()).toEqual(
      CONSENTS.map((r) => `${sps[0]!.objectId}>${graph.objectId}:${r}`),
    );
    const valid = apps[0]!.passwordCredentials.filter(
      (c) => Date.parse(c.startDateTime) <= NOW.getTime() && Date.parse(c.endDateTime) > NOW.getTime(),
    );
    expect(valid.length).toBeGreaterThanOrEqual(1);

    const state = this.state();
    expect(state.serial).toBeGreaterThan(serialBefore);
    const inState = new Set(state.resources.filter((r) => r.mode === "managed").map((r) => `${r.type}.${r.name}`));
    const configured = Object.entries(this.stackJson.resource as Record<string, Record<string, unknown>>).flatMap(
      ([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`),
    );
    expect([...inState].sort()).toEqual(configured.sort());
    // Every password in the state is in the directory (Terraform knows each secret it manages).
    const keyIds = new Set(apps[0]!.passwordCredentials.map((c) => c.keyId));
    for (const r of state.resources.filter((r) => r.type === "azuread_application_password"))
      expect(keyIds.has(r.instances[0]!.attributes.key_id)).toBe(true);

    const plan = await this.pipeline(["plan", "--stack", STACK, "--plan-json", join(this.work, "converged-plan.json")]);
    rmSync(join(this.work, "converged-plan.json"), { force: true });
    expect(plan.stdout).toContain(`${STACK}: no changes`);

    expect(this.secrets.size).toBeGreaterThanOrEqual(1);
    const printed = this.log.join("\n");
    for (const secret of this.secrets) expect(printed.includes(secret)).toBe(false);
  }

  async stop(): Promise<void> {
    await this.graph.stop();
    await this.doubles.stop();
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** A scenario test: its own world, the outcome line recorded for the summary. */
function scenario(name: string, body: (s: Scenario) => Promise<string>): void {
  test.concurrent(
    name,
    async () => {
      let s: Scenario | undefined;
      try {
        s = await Scenario.start();
        const outcome = await body(s);
        outcomes.push(`fault scenario converged: ${name} — ${outcome}`);
      } catch (error) {
        outcomes.push(`fault scenario FAILED: ${name} — ${(error as Error).message.split("\n")[0]}`);
        throw error;
      } finally {
        await s?.stop();
      }
    },
    60_000,
  );
}

describeWithTerraform("fault table: every scenario converges through real Terraform and the provider doubles", () => {
  afterAll(() => {
    const failed = outcomes.filter((o) => o.includes("FAILED")).length;
    console.log(
      [
        ...outcomes.sort(),
        `fault table: ${outcomes.length} scenarios, ${outcomes.length - failed} converged, ${failed} failed`,
      ].join("\n"),
    );
  });

  scenario("service principal replication timeout right after the app is created (#1811)", async (s) => {
    s.faults([servicePrincipalReplicationTimeout(1, 2)]);
    const run = await s.applyOk();
    expect(run.stdout).toMatch(
      /: attempt 1 of 4 failed \(Entra replication delay: Timed out whilst waiting for new service principal to be replicated in Azure AD\); retrying/,
    );
    expect(s.applyAttempts).toBe(3);
    await s.assertConverged(0);
    return `retried with backoff, converged on attempt ${s.applyAttempts}`;
  });

  scenario("Graph throttles a secret's creation after the provider's own retries (429, #1891)", async (s) => {
    s.faults([throttled("create", "azuread_application_password", 1, 1)]);
    const run = await s.applyOk();
    expect(run.stdout).toMatch(/failed \(Microsoft Graph throttling: retrieving azuread_application_password\)/);
    await s.assertConverged(0);
    return "partial apply kept in state, retried, no duplicate app (prevent_duplicate_names)";
  });

  scenario("Graph answers 503 while consent is granted", async (s) => {
    s.faults([serviceUnavailable("create", "azuread_app_role_assignment", 1, 1)]);
    await s.applyOk();
    expect(s.applyAttempts).toBe(2);
    await s.assertConverged(0);
    return "retried once, converged";
  });

  scenario("throttling outlasts every retry, then the next scheduled run converges", async (s) => {
    s.faults([throttled("create", "azuread_service_principal", 1, 100)]);
    const failed = await s.apply({ MIRADORE_APPLY_ATTEMPTS: "2" });
    expect(failed.code).toBe(1);
    const last = failed.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(
      /^pipeline apply: stack miradore-faults: terraform apply failed 2 times \(Microsoft Graph throttling\): retrieving azuread_service_principal; the state keeps what was created/,
    );
    const serial = s.serial();
    expect(s.state().resources.some((r) => r.type === "azuread_application")).toBe(true);
    s.faults([]);
    await s.applyOk();
    await s.assertConverged(serial);
    return "exit 1 with one line after 2 attempts; the app stayed in state; next run converged";
  });

  scenario("missing Graph permission is reported once, not retried", async (s) => {
    s.faults([permissionDenied("azuread_app_role_assignment")]);
    const failed = await s.apply();
    expect(failed.code).toBe(1);
    // A 403 is the tenant's administrator's to fix (issue 16): the line names the tenant and how to ask for consent.
    expect(failed.stderr.trim().split("\n").at(-1)).toMatch(
      /^pipeline apply: stack miradore-faults: terraform apply failed: Could not create app role assignment: tenant [0-9a-f-]{36} refused the CI identity a Microsoft Graph call it needs \(403 Authorization_RequestDenied.*; not retried.*npm run onboard -- --tenant [0-9a-f-]{36} prints the links\)/,
    );
    expect(s.applyAttempts).toBe(1);
    const serial = s.serial();
    s.faults([]);
    await s.applyOk();
    await s.assertConverged(serial);
    return "exit 1 after one attempt with one line; converged once the permission was granted";
  });

  scenario("admin consent granted in the portal before Terraform could", async (s) => {
    // The first deploy's identity may not grant consent yet (both assignments refused); an administrator clicks
    // "Grant admin consent".
    s.faults([permissionDenied("azuread_app_role_assignment", 1, 2)]);
    expect((await s.apply()).code).toBe(1);
    s.faults([]);
    s.doubles.changeTenant((doc) => grantConsentInPortal(doc, ["User.Read.All", "Group.Read.All"]));
    const idsBefore = s
      .tenant()
      .appRoleAssignments.map((a) => a.id)
      .sort();
    const serial = s.serial();
    const run = await s.applyOk();
    // Both assignments were refused as existing in the same apply, so one adoption imports both.
    expect(run.stdout.match(/adopted the admin consent that exists outside Terraform/g)).toHaveLength(2);
    await s.assertConverged(serial);
    expect(
      s
        .tenant()
        .appRoleAssignments.map((a) => a.id)
        .sort(),
    ).toEqual(idsBefore);
    return '"already exists" adopted by terraform import, the portal\'s assignments kept';
  });

  scenario("the current client secret is deleted in the portal between runs", async (s) => {
    await s.applyOk();
    const before = await s.notice();
    const keyId = JSON.parse(readFileSync(join(s.work, "outputs.json"), "utf8"))[STACK].client_secret_key_id as string;
    // Past the first handoff: nothing to do, then someone deletes the secret Miradore uses.
    const later = new Date(NOW.getTime() + 30 * 86_400_000);
    s.doubles.setClock(later);
    s.doubles.changeTenant((doc) => void deletePasswordInPortal(doc, keyId));
    const serial = s.serial();
    await s.applyOk();
    const after = await s.notice(later);
    const newKeyId = JSON.parse(readFileSync(join(s.work, "outputs.json"), "utf8"))[STACK]
      .client_secret_key_id as string;
    expect(newKeyId).not.toBe(keyId);
    expect(before.state).toBe("open");
    expect(after.state).toBe("open");
    expect(after.markdown).toContain(newKeyId);
    expect(after.markdown).toMatch(/paste the new client secret into Miradore by/);
    expect(after.markdown).toMatch(
      /If the secret Miradore used was deleted, Miradore is disconnected until the new secret is pasted/,
    );
    s.doubles.setClock(NOW);
    await s.assertConverged(serial);
    return "re-created by the next run; the notice asks for a handoff of the new key id";
  });

  scenario("the app registration is deleted in the portal between runs", async (s) => {
    await s.applyOk();
    s.doubles.changeTenant((doc) => {
      for (const app of Object.values(doc.applications)) delete doc.applications[app.objectId];
      for (const sp of Object.values(doc.servicePrincipals)) if (!sp.builtIn) delete doc.servicePrincipals[sp.objectId];
      doc.appRoleAssignments = [];
    });
    const serial = s.serial();
    await s.applyOk();
    await s.assertConverged(serial);
    return "app, service principal, consents and secrets re-created once";
  });

  // The first run is held in the middle of its apply, holding the state lock, until the test releases it: not for a
  // fixed time, which a loaded machine can outlast before the second run even asks for the lock.
  scenario("two runs at once: the second waits for the state lock", async (s) => {
    s.checkout("second");
    s.faults([held("create", "azuread_application_password", "first-run")]);
    const first = s.apply();
    let second: Run;
    try {
      await s.untilFaultSeen();
      // Terraform says it is waiting once a lock has not come within 400 ms (its LockThreshold); then let the first go.
      second = await s.apply({ MIRADORE_LOCK_TIMEOUT: "30s" }, "second", (text) => {
        if (text.includes("Acquiring state lock. This may take a few moments")) s.doubles.releaseGate("first-run");
      });
    } finally {
      s.doubles.releaseGate("first-run");
    }
    expect((await first).code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Acquiring state lock. This may take a few moments");
    await s.assertConverged(0);
    return "loser waited (-lock-timeout) and found nothing left to do";
  });

  scenario("two runs at once: the second gives up on the lock cleanly", async (s) => {
    s.checkout("second");
    s.faults([held("create", "azuread_application_password", "first-run")]);
    const first = s.apply();
    let second: Run;
    try {
      await s.untilFaultSeen();
      second = await s.apply({ MIRADORE_LOCK_TIMEOUT: "1s" }, "second");
    } finally {
      s.doubles.releaseGate("first-run");
    }
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split("\n").at(-1)).toMatch(
      /^pipeline apply: stack miradore-faults: the Terraform state is locked by another run \(apply by .+ since .+\) and was not released within 1s; nothing was changed\. .*terraform force-unlock [0-9a-f-]{36}/,
    );
    expect((await first).code).toBe(0);
    await s.assertConverged(0);
    return "loser exited 1 with the lock's owner and id; winner's state intact";
  });

  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    scenario(`Terraform gets ${signal} while a secret is being created`, async (s) => {
      s.faults([delayed("create", "azuread_application_password", 2500)]);
      const interrupted = s.apply({ MIRADORE_APPLY_ATTEMPTS: "1" });
      await s.untilFaultSeen();
      await s.untilStateSettles();
      const apply = s
        .pids()
        .filter((p) => p.command === "apply")
        .at(-1)!;
      process.kill(apply.pid, signal);
      const run = await interrupted;
      expect(run.code).toBe(1);
      // The state survived: it parses and holds what was created before the signal; no lock is left behind.
      const serial = s.serial();
      expect(serial).toBeGreaterThan(0);
      expect(s.state().resources.some((r) => r.type === "azuread_application")).toBe(true);
      await sleep(2600); // let the in-flight create finish in the directory, as Graph would
      s.faults([]);
      const rerun = await s.applyOk({ MIRADORE_LOCK_TIMEOUT: "0s" });
      await s.assertConverged(serial);
      const adopted = rerun.stdout.match(/: adopted /g)?.length ?? 0;
      const managedKeyIds = new Set(
        s
          .state()
          .resources.filter((r) => r.type === "azuread_application_password")
          .map((r) => r.instances[0]!.attributes.key_id),
      );
      const orphanKeyIds = Object.values(s.tenant().applications)[0]!
        .passwordCredentials.map((c) => c.keyId)
        .filter((k) => !managedKeyIds.has(k));
      const orphans = orphanKeyIds.length;
      // The drift check's listing through Graph reports exactly those secrets (README, "CI from zero", drift).
      const listed = await s.pipeline([
        "credentials",
        "--stack",
        STACK,
        "--out-file",
        join(s.work, `${STACK}.credentials.md`),
      ]);
      expect(listed.code).toBe(0);
      const reported = [...listed.stdout.matchAll(/application password ([0-9a-f-]{36})/g)].map((m) => m[1]);
      expect(reported.sort()).toEqual([...orphanKeyIds].sort());
      return `state kept, no lock left, next run converged (${adopted} object${adopted === 1 ? "" : "s"} adopted by import, ${orphans} secret${orphans === 1 ? "" : "s"} made during the kill left outside the state)`;
    });
  }
});
