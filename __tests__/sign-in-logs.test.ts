// Entra's sign-in logs (tools/sign-in-logs/, ci:sign-ins) against the fake directory and the fake Graph: a simulated
// Miradore signs in with secret values, the log records key ids, and the pipeline reads them through Graph's beta
// endpoint with paging, throttling, log delay, and a tenant without the licence or the permission.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as expiryCheck } from "../tools/expiry-check";
import type { CommandContext } from "../tools/pipeline/command-context";
import { renderOperatorNotice, parseExpiryReport } from "../tools/pipeline/operator-notice";
import { runPipeline } from "../tools/pipeline";
import { readSignIns, signInsPath } from "../tools/sign-in-logs/graph-sign-ins";
import { observe, parseObservation, stillInUse } from "../tools/sign-in-logs/sign-in-observation";
import { observedKeys } from "../tools/fleet-view/observed-keys";
import { renderFleetView } from "../tools/fleet-view/render-fleet-view";
import { fleetEntries } from "../tools/fleet-view/fleet-entry";
import { site } from "../test-support/synth-site";
import { FakeGraphApi } from "../test-support/fake-graph-api";
import { updateTenant, writeClock } from "../test-support/provider-doubles/fake-entra/directory-store";
import { signInWithSecret } from "../test-support/provider-doubles/fake-entra/sign-in-log";

const TENANT = "11111111-1111-4111-8111-111111111111";
const NOW = new Date("2026-06-10T06:00:00Z");
const DAY = 86_400_000;
const SECRETS = { previous: "prev~secret-value-0123456789", current: "curr~secret-value-0123456789" };

let root: string;
let graph: FakeGraphApi;
let seed: { appId: string; previous: string; current: string };
let out: string[];

function context(): CommandContext {
  out = [];
  return {
    env: { ...graph.env(), MIRADORE_RETRY_BASE_MS: "0" },
    cwd: root,
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    fetch: (input, init) => fetch(input, init),
  };
}

/** The Miradore app with two passwords whose values the test knows. */
function seedApp() {
  return updateTenant(root, TENANT, (doc) => {
    const appId = randomUUID();
    const password = (secret: string, start: Date) => ({
      keyId: randomUUID(),
      displayName: "slot",
      startDateTime: start.toISOString(),
      endDateTime: new Date(start.getTime() + 180 * DAY).toISOString(),
      hint: secret.slice(0, 3),
      secretSha256: createHash("sha256").update(secret).digest("hex"),
    });
    const previous = password(SECRETS.previous, new Date(NOW.getTime() - 70 * DAY));
    const current = password(SECRETS.current, new Date(NOW.getTime() - 10 * DAY));
    const objectId = randomUUID();
    doc.applications[objectId] = {
      objectId,
      appId,
      displayName: "Miradore",
      signInAudience: "AzureADMyOrg",
      appRoles: [],
      passwordCredentials: [previous, current],
      keyCredentials: [],
      federatedIdentityCredentials: [],
      settings: {},
    };
    const spId = randomUUID();
    doc.servicePrincipals[spId] = {
      objectId: spId,
      appId,
      displayName: "Miradore",
      appRoles: [],
      passwordCredentials: [],
      keyCredentials: [],
      settings: {},
    };
    return { appId, previous: previous.keyId, current: current.keyId };
  });
}

/** Miradore signs in `daysAgo` days before NOW with `secret`. */
function signIn(secret: string, daysAgo: number) {
  return updateTenant(root, TENANT, (doc) =>
    signInWithSecret(doc, { clientId: seed.appId, secret, at: new Date(NOW.getTime() - daysAgo * DAY) }),
  );
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "sign-in-logs-"));
  writeClock(root, NOW);
  graph = await FakeGraphApi.start({ directoryRoot: root, tenantId: TENANT });
  seed = seedApp();
});

afterEach(async () => {
  await graph.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the fake directory's sign-in log", () => {
  test("records the key id of the secret used, and Entra's error codes for a wrong or expired one", () => {
    expect(signIn(SECRETS.current, 1)).toMatchObject({
      servicePrincipalCredentialKeyId: seed.current,
      status: { errorCode: 0 },
      signInEventTypes: ["servicePrincipal"],
    });
    expect(signIn("not-a-secret-of-this-app", 1)).toMatchObject({
      servicePrincipalCredentialKeyId: null,
      status: { errorCode: 7000215 },
    });
    const late = updateTenant(root, TENANT, (doc) =>
      signInWithSecret(doc, {
        clientId: seed.appId,
        secret: SECRETS.previous,
        at: new Date(NOW.getTime() + 200 * DAY),
      }),
    );
    expect(late).toMatchObject({ servicePrincipalCredentialKeyId: seed.previous, status: { errorCode: 7000222 } });
  });
});

describe("reading the sign-ins through Graph's beta endpoint", () => {
  test("asks for service-principal sign-ins of the app since a time, and follows every page", async () => {
    for (let day = 6; day >= 1; day--) signIn(day > 3 ? SECRETS.previous : SECRETS.current, day);
    const read = await readSignIns(context(), seed.appId, new Date(NOW.getTime() - 5 * DAY));
    expect(read).toMatchObject({ available: true });
    if (!read.available) return;
    expect(read.events.map((e) => e.keyId)).toEqual([
      seed.current,
      seed.current,
      seed.current,
      seed.previous,
      seed.previous,
    ]);
    const requests = graph.requests.filter((r) => r.includes("/beta/auditLogs/signIns"));
    expect(requests.length).toBe(2); // 5 sign-ins, 3 a page
    expect(requests[0]).toBe(
      `GET /beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${seed.appId}' and createdDateTime ge 2026-06-05T06:00:00Z&$select=createdDateTime,appId,servicePrincipalCredentialKeyId,status&$top=1000`,
    );
    expect(signInsPath(seed.appId, NOW)).not.toContain("v1.0");
  });

  test("waits out throttling (429 with Retry-After) and says so", async () => {
    signIn(SECRETS.current, 1);
    graph.signInLogs.throttleNext = 2;
    const read = await readSignIns(context(), seed.appId, new Date(NOW.getTime() - 7 * DAY));
    expect(read.available && read.events.length).toBe(1);
    expect(out.join("")).toContain("Microsoft Graph throttled the request (429); retrying in 0 s");
  });

  test("shows a sign-in only after the log's delay", async () => {
    graph.signInLogs.delayMinutes = 90;
    updateTenant(root, TENANT, (doc) =>
      signInWithSecret(doc, { clientId: seed.appId, secret: SECRETS.current, at: new Date(NOW.getTime() - 3_600_000) }),
    );
    const read = await readSignIns(context(), seed.appId, new Date(NOW.getTime() - DAY));
    expect(read.available && read.events).toEqual([]);
  });

  test("says the tenant has no licence, or the identity no AuditLog.Read.All, instead of failing", async () => {
    graph.signInLogs.licensed = false;
    expect(await readSignIns(context(), seed.appId, NOW)).toMatchObject({
      available: false,
      reason: "no-licence",
      message: expect.stringContaining("Authentication_RequestFromNonPremiumTenantOrB2CTenant"),
    });
    graph.signInLogs.licensed = true;
    graph.permissions.delete("AuditLog.Read.All");
    expect(await readSignIns(context(), seed.appId, NOW)).toMatchObject({
      available: false,
      reason: "no-permission",
      message: expect.stringContaining("lacks AuditLog.Read.All (Graph answered 403 Authorization_RequestDenied)"),
    });
  });
});

describe("what the observation means", () => {
  test("a previous secret is in use while Miradore signed in with it recently, and not with the newest since", () => {
    const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
    const o = (events: { keyId: string; daysAgo: number }[]) =>
      observe(
        "s",
        seed.appId,
        NOW,
        new Date(NOW.getTime() - 7 * DAY),
        events.map((e) => ({ at: at(e.daysAgo), keyId: e.keyId, errorCode: 0 })),
      );
    expect(stillInUse(o([{ keyId: seed.previous, daysAgo: 1 }]), seed.previous, seed.current, NOW, 3)).toBe(at(1));
    expect(stillInUse(o([{ keyId: seed.previous, daysAgo: 4 }]), seed.previous, seed.current, NOW, 3)).toBeUndefined();
    const switched = o([
      { keyId: seed.previous, daysAgo: 2 },
      { keyId: seed.current, daysAgo: 1 },
    ]);
    expect(stillInUse(switched, seed.previous, seed.current, NOW, 3)).toBeUndefined();
  });

  test("an observation file from an artifact is checked before it is used", () => {
    const good = observe("miradore-x", seed.appId, NOW, NOW, []);
    expect(parseObservation(JSON.stringify(good), "f.json")).toEqual(good);
    expect(() => parseObservation(JSON.stringify({ ...good, appId: "x" }), "f.json")).toThrow(
      /f.json: appId is missing or malformed; expected the --out-file of ci:sign-ins/,
    );
    expect(() => parseObservation("{", "f.json")).toThrow(/not valid JSON/);
  });
});

describe("ci:sign-ins, the expiry check and the notice", () => {
  function outputsFile(deadline: Date): string {
    const file = join(root, "before.json");
    writeFileSync(
      file,
      JSON.stringify({
        "miradore-x": {
          client_id: seed.appId,
          client_secret_key_id: seed.current,
          previous_client_secret_key_id: seed.previous,
          client_secret_start_date: new Date(NOW.getTime() - 10 * DAY).toISOString(),
          client_secret_end_date: new Date(NOW.getTime() + 170 * DAY).toISOString(),
          previous_client_secret_end_date: new Date(NOW.getTime() + 110 * DAY).toISOString(),
          handoff_deadline: deadline.toISOString(),
          next_rotation_date: new Date(NOW.getTime() + 50 * DAY).toISOString(),
        },
      }),
    );
    return file;
  }

  async function run(deadline: Date) {
    const outputs = outputsFile(deadline);
    const dir = join(root, "artifacts");
    const ctx = context();
    const code = await runPipeline(
      [
        "sign-ins",
        "--stack",
        "miradore-x",
        "--outputs-file",
        outputs,
        "--out-file",
        join(dir, "miradore-x.sign-ins.json"),
        "--now",
        NOW.toISOString(),
      ],
      ctx,
    );
    expect(code).toBe(0);
    const expiry: string[] = [];
    const exit = expiryCheck([outputs, "--json", "--now", NOW.toISOString(), "--sign-ins", dir], {
      stdout: (t) => expiry.push(t),
      stderr: (t) => expiry.push(t),
      readFile: (p) => readFileSync(p, "utf8"),
    });
    const report = parseExpiryReport(expiry.join(""), "expiry.json");
    return { exit, log: out.join(""), notice: renderOperatorNotice(report.stacks, NOW.toISOString()) };
  }

  test("during a handoff with Miradore on the previous secret: the notice says when it last signed in with it", async () => {
    signIn(SECRETS.previous, 1);
    const { exit, log, notice } = await run(new Date(NOW.getTime() + 11 * DAY));
    expect(log).toContain(
      `miradore-x: Miradore last signed in 2026-06-09T06:00:00.000Z with key id ${seed.previous} (the previous secret)`,
    );
    expect(exit).toBe(10);
    expect(notice.markdown).toContain(
      "Miradore last signed in with the previous secret on 2026-06-09 06:00 UTC — paste the new one by **2026-06-21 06:00 UTC**.",
    );
  });

  test("once Miradore signs in with the current secret, the handoff is over before its deadline", async () => {
    signIn(SECRETS.previous, 2);
    signIn(SECRETS.current, 1);
    const { exit, notice } = await run(new Date(NOW.getTime() + 11 * DAY));
    expect(exit).toBe(0);
    expect(notice.state).toBe("closed");
  });

  test("past the deadline on the previous secret, or failing sign-ins: the notice escalates", async () => {
    signIn(SECRETS.previous, 1);
    const late = await run(new Date(NOW.getTime() - DAY));
    expect(late.exit).toBe(20);
    expect(late.notice.markdown).toContain("Miradore still uses the secret that rotates next; paste the new one now");
    signIn("a-wrong-value", 0.5);
    const failing = await run(new Date(NOW.getTime() - DAY));
    expect(failing.notice.markdown).toContain("Miradore's sign-ins fail (last at 2026-06-09 18:00 UTC: AADSTS7000215");
  });

  test("an unknown key is flagged, and a tenant without the licence is said once", async () => {
    const unknown = await (async () => {
      updateTenant(root, TENANT, (doc) => {
        const app = Object.values(doc.applications)[0]!;
        app.passwordCredentials.push({
          ...app.passwordCredentials[0]!,
          keyId: "99999999-9999-4999-8999-999999999999",
          secretSha256: createHash("sha256").update("portal-secret").digest("hex"),
        });
      });
      signIn("portal-secret", 1);
      return run(new Date(NOW.getTime() + 11 * DAY));
    })();
    expect(unknown.notice.markdown).toContain("99999999-9999-4999-8999-999999999999");
    expect(unknown.notice.markdown).toContain("which is not one of this stack's secrets");
    graph.signInLogs.licensed = false;
    const { log, notice } = await run(new Date(NOW.getTime() + 11 * DAY));
    expect(log).toContain("sign-in logs not available: the tenant has no Microsoft Entra ID P1 or P2 licence");
    expect(notice.markdown.split("sign-in logs could not be read").length).toBe(2);
    expect(notice.markdown).toContain("paste the new client secret into Miradore by **2026-06-21 06:00 UTC**");
  });

  test("refuses an --out-file that does not name the stack", async () => {
    const code = await runPipeline(
      ["sign-ins", "--stack", "miradore-x", "--outputs-file", outputsFile(NOW), "--out-file", "x.json"],
      context(),
    );
    expect(code).toBe(1);
  });

  test("the expiry check's report and the fleet view show the key Miradore last signed in with", async () => {
    signIn(SECRETS.previous, 1);
    await run(new Date(NOW.getTime() + 11 * DAY));
    const dir = join(root, "artifacts");
    writeFileSync(join(dir, "miradore-x.json"), readFileSync(join(root, "before.json")));
    const text: string[] = [];
    expiryCheck([join(root, "before.json"), "--now", NOW.toISOString(), "--sign-ins", dir], {
      stdout: (t) => text.push(t),
      stderr: (t) => text.push(t),
      readFile: (p) => readFileSync(p, "utf8"),
    });
    expect(text.join("")).toContain(
      `miradore-x: sign-in logs: Miradore last signed in 2026-06-09 06:00 UTC with the previous secret (key id ${seed.previous})`,
    );
    const cell = observedKeys(dir).get("miradore-x");
    expect(cell).toBe(`${seed.previous} (previous), 2026-06-09 06:00 UTC`);
    const entries = fleetEntries([site({ name: "x" })]).map((e) => ({ ...e, observedSignIn: cell }));
    expect(renderFleetView(entries, "test.yaml")).toMatch(/MIRADORE SIGNS IN WITH \(KEY ID\)[\s\S]*\(previous\)/);
  });
});

describe("ci:shard --sign-ins on", () => {
  /** A synthesized stack, and a Terraform stand-in whose state's outputs name the seeded app and its two secrets. */
  function shardFleet(): { dir: string; env: NodeJS.ProcessEnv } {
    const dir = join(root, "fleet");
    const stackDir = join(dir, "cdktf.out", "stacks", "miradore-x");
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ provider: { azuread: [{ tenant_id: TENANT }] } }));
    writeFileSync(
      join(dir, "cdktf.out", "manifest.json"),
      JSON.stringify({ stacks: { "miradore-x": { workingDirectory: "stacks/miradore-x" } } }),
    );
    const output = (value: string) => ({ value, type: "string", sensitive: false });
    const outputs = JSON.stringify({
      client_id: output(seed.appId),
      client_secret_key_id: output(seed.current),
      previous_client_secret_key_id: output(seed.previous),
    });
    const terraform = join(dir, "terraform");
    writeFileSync(
      terraform,
      `#!/bin/sh\ncase "$1" in\n  init|plan) exit 0 ;;\n  output) echo '${outputs}' ; exit 0 ;;\nesac\nexit 9\n`,
      { mode: 0o755 },
    );
    return { dir, env: { ...graph.env(), PATH: process.env.PATH, MIRADORE_TERRAFORM: terraform } };
  }

  test("reads each stack's sign-ins before its apply and leaves them beside its result", async () => {
    signIn(SECRETS.previous, 1);
    const { dir, env } = shardFleet();
    const ctx = { ...context(), env, cwd: dir };
    const args = ["shard", "--stacks", "miradore-x", "--results-dir", "results", "--now", NOW.toISOString()];
    expect(await runPipeline([...args, "--sign-ins", "on"], ctx)).toBe(0);
    const observation = parseObservation(
      readFileSync(join(dir, "results", "miradore-x.sign-ins.json"), "utf8"),
      "miradore-x.sign-ins.json",
    );
    expect(observation).toMatchObject({ stack: "miradore-x", available: true, appId: seed.appId });
    expect(observation.available && observation.used.map((u) => u.keyId)).toEqual([seed.previous]);
    expect(out.join("")).toContain(`key id ${seed.previous} (the previous secret)`);
    expect(JSON.parse(readFileSync(join(dir, "results", "miradore-x.result.json"), "utf8")).result).toBe("unchanged");
  });

  test("reads none when off, and refuses any other value", async () => {
    const { dir, env } = shardFleet();
    const ctx = { ...context(), env, cwd: dir };
    const args = ["shard", "--stacks", "miradore-x", "--results-dir", "results", "--now", NOW.toISOString()];
    expect(await runPipeline([...args, "--sign-ins", ""], ctx)).toBe(0);
    expect(graph.requests.filter((r) => r.includes("/auditLogs/signIns"))).toEqual([]);
    expect(await runPipeline([...args, "--sign-ins", "yes"], ctx)).toBe(1);
    expect(out.join("")).toContain(
      'shard: --sign-ins is "yes", but must be "on" (read the sign-in logs) or empty (off)',
    );
  });
});
