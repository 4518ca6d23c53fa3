// The pipeline scripts' parts, without Terraform or GitHub: stack list, change detection, forced-rotation addresses,
// public outputs, comment and issue upserts, the operator notice, and the CLI's error handling.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import type { GitHubApi } from "../tools/pipeline/github-api";
import type { ApplyRecord } from "../tools/pipeline/apply-records";
import { renderOperatorNotice, parseExpiryReport, type ExpiryStackStatus } from "../tools/pipeline/operator-notice";
import { assertLocalStateReadable } from "../tools/pipeline/local-state-check";
import { driftedObjects, plannedChanges } from "../tools/pipeline/plan-changes";
import { upsertPullRequestComment } from "../tools/pipeline/pr-comment";
import { publicOutputs } from "../tools/pipeline/public-outputs";
import { addressesToReplace, currentSlot, slotAddresses } from "../tools/pipeline/rotation-addresses";
import { syncTrackingIssue } from "../tools/pipeline/tracking-issue";
import { synthSite } from "../test-support/synth-site";
import { recordingContext } from "../test-support/pipeline-context";

const SECRET = "abc8Q~not-a-real-secret-but-shaped-like-one";

const context = (env: NodeJS.ProcessEnv = {}, cwd = tmpdir()) => recordingContext(cwd, env);

function outDirWith(stacks: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-out-"));
  const manifest: Record<string, { workingDirectory: string }> = {};
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    manifest[name] = { workingDirectory: `stacks/${name}` };
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: manifest }));
  return dir;
}

describe("ci:stacks", () => {
  test("writes the stack names as a JSON matrix to GITHUB_OUTPUT", async () => {
    const outDir = outDirWith({ "miradore-b": {}, "miradore-a": {} });
    const outputFile = join(outDir, "github-output");
    const { ctx } = context({ GITHUB_OUTPUT: outputFile });
    expect(await runPipeline(["stacks", "--out-dir", outDir], ctx)).toBe(0);
    expect(readFileSync(outputFile, "utf8")).toBe('stacks=["miradore-a","miradore-b"]\ncount=2\n');
  });

  test("fails with the command to run when nothing was synthesized", async () => {
    const { ctx, err } = context();
    expect(await runPipeline(["stacks", "--out-dir", join(tmpdir(), "no-such-out-dir")], ctx)).toBe(1);
    expect(err.join("")).toMatch(/manifest\.json does not exist: run `npm run synth` first/);
  });

  test("rejects an unknown --only stack and names the stacks there are", async () => {
    const { ctx, err } = context();
    expect(
      await runPipeline(["stacks", "--out-dir", outDirWith({ "miradore-a": {} }), "--only", "miradore-x"], ctx),
    ).toBe(1);
    expect(err.join("")).toMatch(/--stack is "miradore-x", but .* has no such stack \(it has: miradore-a\)/);
  });

  test("rejects a forced rotation without a stack, so it can never rotate every site", async () => {
    const { ctx, err } = context();
    expect(
      await runPipeline(["stacks", "--out-dir", outDirWith({ "miradore-a": {} }), "--rotation", "revoke"], ctx),
    ).toBe(1);
    expect(err.join("")).toMatch(/a forced rotation applies to one stack/);
  });

  test("rejects more stacks than a GitHub matrix can run, one job per stack", async () => {
    const many = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`miradore-${i}`, {}]));
    const { ctx, err } = context();
    expect(await runPipeline(["stacks", "--out-dir", outDirWith(many)], ctx)).toBe(1);
    expect(err.join("")).toMatch(/257 stacks, but a GitHub Actions matrix runs at most 256 jobs: run them in shards/);
  });

  test("puts 5000 stacks into shards that fit one matrix", async () => {
    const names = Array.from({ length: 5000 }, (_, i) => `miradore-${String(i).padStart(4, "0")}`);
    const outDir = outDirWith(Object.fromEntries(names.map((n) => [n, {}])));
    const outputFile = join(outDir, "github-output");
    const { ctx } = context({ GITHUB_OUTPUT: outputFile });
    expect(await runPipeline(["stacks", "--out-dir", outDir, "--shard-size", "50"], ctx)).toBe(0);
    const outputs = Object.fromEntries(
      readFileSync(outputFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const shards = JSON.parse(outputs.shards!) as { name: string; stacks: string }[];
    expect(shards).toHaveLength(100);
    expect(outputs["shard-count"]).toBe("100");
    expect(shards[0]).toEqual({ name: "shard-1-of-100", stacks: names.slice(0, 50).join(",") });
    expect(shards.flatMap((s) => s.stacks.split(","))).toEqual(names);
    expect(JSON.parse(outputs.stacks!)).toHaveLength(5000);
  });
});

test("the CLI rejects an unknown command with the list of commands (exit 2)", async () => {
  const { ctx, err } = context();
  expect(await runPipeline(["deploy-everything"], ctx)).toBe(2);
  expect(err.join("")).toMatch(/unknown command "deploy-everything"; one of: stacks, plan, apply/);
});

describe("ci:apply with a local state file cut off by a killed Terraform", () => {
  const stack = { terraform: { backend: { local: { path: "../../state/terraform.miradore-a.tfstate" } } } };

  test.each([
    ["empty", ""],
    ["cut off", '{"version": 4, "serial": 7, "resources": [{"mode": "managed", "ty'],
  ])("stops before Terraform runs when the state file is %s, naming the file and what to do", async (kind, text) => {
    const outDir = outDirWith({ "miradore-a": stack });
    mkdirSync(join(outDir, "state"));
    const stateFile = join(outDir, "state", "terraform.miradore-a.tfstate");
    writeFileSync(stateFile, text);
    // A terraform that must never be started.
    const terraform = join(outDir, "terraform");
    writeFileSync(terraform, "#!/bin/sh\necho terraform was run >&2\nexit 9\n");
    chmodSync(terraform, 0o755);
    const { ctx, err } = context({ MIRADORE_TERRAFORM: terraform });
    expect(await runPipeline(["apply", "--out-dir", outDir, "--stack", "miradore-a"], ctx)).toBe(1);
    expect(err.join("")).toContain(
      `stack miradore-a: the state file ${stateFile} is ${kind}: Terraform was stopped while writing it. Nothing was applied. Restore it from ${stateFile}.backup`,
    );
    expect(err.join("")).not.toContain("terraform was run");
  });
});

test("a state file another run is rewriting at that moment is read again, not reported as cut off", async () => {
  const outDir = outDirWith({
    "miradore-a": { terraform: { backend: { local: { path: "../../terraform.tfstate" } } } },
  });
  const stateFile = join(outDir, "terraform.tfstate");
  writeFileSync(stateFile, "");
  setTimeout(() => writeFileSync(stateFile, '{"version": 4, "serial": 8, "resources": []}'), 300);
  await expect(assertLocalStateReadable(join(outDir, "stacks", "miradore-a"))).resolves.toBeUndefined();
});

describe("plan changes", () => {
  const change = (address: string, actions: string[], type = address.split(".")[0]) => ({
    address,
    type,
    change: { actions },
  });
  test("counts resources and outputs that change, not no-ops and reads", () => {
    const plan = {
      resource_changes: [change("a.x", ["no-op"]), change("data.b.y", ["read"]), change("c.z", ["delete", "create"])],
      output_changes: { client_id: { actions: ["no-op"] }, client_secret_end_date: { actions: ["update"] } },
    };
    expect(plannedChanges(plan)).toEqual(["c.z", "output.client_secret_end_date"]);
  });
  test("reports drift but not a time_rotating that vanished because its rotation is due", () => {
    const plan = {
      resource_drift: [change("time_rotating.slot_a", ["delete"]), change("azuread_application.app", ["update"])],
    };
    expect(driftedObjects(plan)).toEqual(["azuread_application.app"]);
  });
});

describe("forced rotation addresses", () => {
  const { json } = synthSite();
  const addresses = slotAddresses("miradore-test", json);
  const state = (startA: string, startB: string) => ({
    values: {
      root_module: {
        resources: [
          { address: addresses.a.password, values: { start_date: startA } },
          { address: addresses.b.password, values: { start_date: startB } },
        ],
      },
    },
  });

  test("finds each slot's time_rotating and password by their construct paths", () => {
    expect(addresses.a.rotation).toMatch(/^time_rotating\.client-secret_slot-a_rotation_[0-9A-F]{8}$/);
    expect(addresses.b.rotation).toMatch(/^time_rotating\.client-secret_slot-b_rotation_[0-9A-F]{8}$/);
    expect(addresses.a.password).toMatch(/^azuread_application_password\.client-secret_slot-a_password_[0-9A-F]{8}$/);
    expect(addresses.b.password).toMatch(/^azuread_application_password\.client-secret_slot-b_password_[0-9A-F]{8}$/);
  });
  test("the current slot holds the newest secret; on a tie (the first deploy) slot B", () => {
    expect(currentSlot("miradore-test", addresses, state("2026-05-01T00:00:00Z", "2026-03-01T00:00:00Z"))).toBe("a");
    expect(currentSlot("miradore-test", addresses, state("2026-05-01T00:00:00Z", "2026-06-30T00:00:00Z"))).toBe("b");
    expect(currentSlot("miradore-test", addresses, state("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"))).toBe("b");
  });
  test("keep replaces only the slot that is not current; revoke replaces both", () => {
    expect(addressesToReplace("keep", addresses, "b")).toEqual([addresses.a.rotation]);
    expect(addressesToReplace("keep", addresses, "a")).toEqual([addresses.b.rotation]);
    expect(addressesToReplace("revoke", addresses, "b")).toEqual([addresses.a.rotation, addresses.b.rotation]);
  });
  test("fails when the stack was never deployed", () => {
    expect(() => currentSlot("miradore-test", addresses, { values: { root_module: {} } })).toThrow(
      /is not in the state; deploy the stack/,
    );
  });
  test("rejects a stack without the two slots", () => {
    expect(() => slotAddresses("other", { resource: {} })).toThrow(
      /expected exactly one time_rotating .*slot-a\/rotation, found 0/,
    );
  });

  test("ci:force-rotate rejects an unknown mode", async () => {
    const { ctx, err } = context();
    expect(
      await runPipeline(
        [
          "force-rotate",
          "--out-dir",
          outDirWith({ "miradore-test": json }),
          "--stack",
          "miradore-test",
          "--mode",
          "all",
        ],
        ctx,
      ),
    ).toBe(1);
    expect(err.join("")).toMatch(/--mode is "all", but must be one of keep, revoke/);
  });
});

describe("public outputs", () => {
  const output = JSON.stringify({
    client_id: { sensitive: false, type: "string", value: "00000000-0000-4000-8000-000000000001" },
    client_secret: { sensitive: true, type: "string", value: SECRET },
  });
  test("drop every sensitive output", () => {
    const kept = publicOutputs("miradore-a", output);
    expect(kept).toEqual({ "miradore-a": { client_id: "00000000-0000-4000-8000-000000000001" } });
    expect(JSON.stringify(kept)).not.toContain(SECRET);
  });
  test("fail without quoting text that is not JSON", () => {
    expect(() => publicOutputs("miradore-a", `oops ${SECRET}`)).toThrow(/did not print JSON/);
    try {
      publicOutputs("miradore-a", `oops ${SECRET}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

/** An in-memory GitHubApi: issues and comments by path. */
function memoryApi() {
  const comments: { id: number; body: string; user: { type: string } }[] = [];
  const issues: { number: number; body: string; state: string; labels: string[] }[] = [];
  const labels: { name: string }[] = [];
  const calls: string[] = [];
  const api: GitHubApi = {
    repository: "contoso/miradore",
    async list<T>(path: string) {
      calls.push(`LIST ${path}`);
      if (path.endsWith("/comments")) return comments as T[];
      if (path.endsWith("/labels")) return labels as T[];
      return issues.filter((i) => i.state === "open") as T[];
    },
    async request<T>(method: string, path: string, body?: unknown) {
      calls.push(`${method} ${path}`);
      const data = body as Record<string, any>;
      if (method === "POST" && path.endsWith("/comments"))
        comments.push({ id: comments.length + 1, body: data.body, user: { type: "Bot" } });
      else if (method === "PATCH" && path.includes("/issues/comments/"))
        comments.find((c) => path.endsWith(`/${c.id}`))!.body = data.body;
      else if (method === "POST" && path.endsWith("/labels")) labels.push({ name: data.name });
      else if (method === "POST" && path.endsWith("/issues")) {
        const issue = { number: issues.length + 1, body: data.body, state: "open", labels: data.labels };
        issues.push(issue);
        return issue as T;
      } else if (method === "PATCH")
        Object.assign(
          issues.find((i) => path.endsWith(`/${i.number}`))!,
          data,
        );
      return undefined as T;
    },
  };
  return { api, comments, issues, labels, calls };
}

describe("pull request comment", () => {
  const review = (text: string) => `<!-- miradore-plan-review:miradore-a -->\n${text}\n`;
  test("is created once, then updated in place, and a person's quote is never overwritten", async () => {
    const gh = memoryApi();
    gh.comments.push({ id: 99, body: review("quoted by a person"), user: { type: "User" } });
    expect(await upsertPullRequestComment(gh.api, 7, review("first"), true)).toBe("created");
    expect(await upsertPullRequestComment(gh.api, 7, review("second"), true)).toBe("updated");
    expect(await upsertPullRequestComment(gh.api, 7, review("second"), true)).toBe("unchanged");
    expect(gh.comments.map((c) => c.body)).toEqual([review("quoted by a person"), review("second")]);
  });
  test("is not created for a stack without changes, but an earlier one is still updated", async () => {
    const gh = memoryApi();
    expect(await upsertPullRequestComment(gh.api, 7, review("no changes"), false)).toBe("skipped");
    expect(gh.comments).toEqual([]);
    await upsertPullRequestComment(gh.api, 7, review("changes"), true);
    expect(await upsertPullRequestComment(gh.api, 7, review("no changes"), false)).toBe("updated");
  });
  test("rejects a body without the hidden marker", async () => {
    await expect(upsertPullRequestComment(memoryApi().api, 7, "### plan\n", true)).rejects.toThrow(
      /must be a hidden marker/,
    );
  });
});

describe("tracking issue", () => {
  test("is opened once (with its label), updated, then closed", async () => {
    const gh = memoryApi();
    expect(await syncTrackingIssue(gh.api, "secret-rotation", "open", "do this")).toBe("opened");
    expect(gh.labels).toEqual([{ name: "miradore-secret-rotation" }]);
    expect(await syncTrackingIssue(gh.api, "secret-rotation", "open", "do that")).toBe("updated");
    expect(await syncTrackingIssue(gh.api, "secret-rotation", "open", "do that")).toBe("unchanged");
    expect(gh.issues).toHaveLength(1);
    expect(await syncTrackingIssue(gh.api, "secret-rotation", "closed", "all fine")).toBe("closed");
    expect(gh.issues[0]).toMatchObject({
      state: "closed",
      body: "<!-- miradore-tracking-issue:secret-rotation -->\nall fine",
    });
    expect(await syncTrackingIssue(gh.api, "secret-rotation", "closed", "all fine")).toBe("nothing-open");
  });
});

describe("operator notice", () => {
  const dated = (date: string) => ({ date, daysFromNow: 1 });
  const status = (verdict: ExpiryStackStatus["verdict"], warnings: string[] = []): ExpiryStackStatus => ({
    stack: `miradore-${verdict}`,
    verdict,
    warnings,
    current: {
      keyId: "0b6f2a55-1111-4222-8333-444455556666",
      start: dated("2026-03-01T06:00:00.000Z"),
      end: dated("2026-08-28T06:00:00.000Z"),
    },
    previous: { end: dated("2026-05-30T06:00:00.000Z") },
    handoff: { pending: verdict === "handoff-pending", deadline: dated("2026-03-22T06:00:00.000Z") },
    nextRotation: dated("2026-04-30T06:00:00.000Z"),
  });

  test("tells the operator what to do and by when, most urgent first", () => {
    const notice = renderOperatorNotice(
      [status("ok"), status("handoff-pending"), status("expiring", ["the current secret has expired"])],
      "2026-03-02T05:17:00Z",
    );
    expect(notice.state).toBe("open");
    expect(notice.markdown.indexOf("miradore-expiring")).toBeLessThan(
      notice.markdown.indexOf("miradore-handoff-pending"),
    );
    expect(notice.markdown).toContain(
      "`miradore-handoff-pending`: paste the new client secret into Miradore by **2026-03-22 06:00 UTC**",
    );
    expect(notice.markdown).toContain("terraform output -raw client_secret");
    expect(notice.markdown).toContain("1 other stack is fine.");
  });
  const record = (stack: string, result: ApplyRecord["result"], reasons: string[], at = "2026-03-02T05:17:00.000Z") =>
    [stack, { stack, result, at, reasons }] as const;

  test("names a stack whose apply failed, with why and its last known expiry, first", () => {
    const failing = { ...status("ok"), stack: "miradore-south" };
    const records = new Map([
      record("miradore-south", "failed", ["stack miradore-south: terraform plan failed: 403 <b>*x*</b>"]),
    ]);
    const notice = renderOperatorNotice([status("handoff-pending"), failing], "2026-03-02T05:17:00Z", undefined, {
      records,
      expected: ["miradore-handoff-pending", "miradore-south"],
    });
    expect(notice.state).toBe("open");
    const block = notice.markdown.split("\n### ")[1]!;
    expect(block.split("\n")[0]).toBe("`miradore-south`: the pipeline could not apply it");
    // The failure is quoted as text: what it holds cannot start markup.
    expect(block).toContain(
      "- The last run failed: stack miradore-south: terraform plan failed: 403 \\<b\\>\\*x\\*\\</b\\>",
    );
    expect(block).toContain("expires **2026-08-28 06:00 UTC**");
  });

  test("names every expected stack without data, also when the expiry check had nothing to read", () => {
    const notice = renderOperatorNotice([], "2026-03-02T05:17:00Z", undefined, {
      expected: ["miradore-a", "miradore-b"],
      expiryError: "outputs.json is an empty object, but must be an object",
    });
    expect(notice.state).toBe("open");
    expect(notice.markdown).toContain("### `miradore-a`: no data from this run");
    expect(notice.markdown).toContain("### `miradore-b`: no data from this run");
    expect(notice.markdown).toContain("the expiry check could not read the outputs: outputs.json is an empty object");
  });

  test("says a held rotation's reason and asks for the newest secret now", () => {
    const held = record("miradore-handoff-pending", "held", [
      "Slot A's scheduled rotation is held: it would delete the current client secret.",
    ]);
    const notice = renderOperatorNotice([status("handoff-pending")], "2026-03-02T05:17:00Z", undefined, {
      records: new Map([held]),
    });
    expect(notice.markdown).toContain(
      "### `miradore-handoff-pending`: a rotation is held: paste the newest client secret into Miradore now",
    );
    expect(notice.markdown).toContain("- ⏸️ Slot A's scheduled rotation is held");
    expect(notice.markdown).toContain("terraform output -raw client_secret");
    expect(notice.markdown.match(/### /g)).toHaveLength(1);
  });

  test("a failure reads the same on the next day while its reason stays the same (the issue is not rewritten)", () => {
    const render = (at: string) =>
      renderOperatorNotice([], at, undefined, { records: new Map([record("miradore-south", "failed", ["403"], at)]) })
        .markdown;
    expect(render("2026-03-03T05:17:00.000Z")).toBe(render("2026-03-02T05:17:00.000Z"));
  });

  test("does not change from one day to the next while the dates stay the same", () => {
    const day1 = renderOperatorNotice([status("handoff-pending")], "2026-03-02T05:17:00Z");
    const day2 = renderOperatorNotice(
      [
        {
          ...status("handoff-pending"),
          handoff: { pending: true, deadline: { date: "2026-03-22T06:00:00.000Z", daysFromNow: 19 } },
        },
      ],
      "2026-03-03T05:17:00Z",
    );
    expect(day2.markdown).toBe(day1.markdown);
  });
  test("closes when nothing is due", () => {
    expect(renderOperatorNotice([status("ok")], "2026-03-02T05:17:00Z").state).toBe("closed");
  });
  test("reads expiry-check's bad-input answer as such, and fails on an empty file", () => {
    expect(parseExpiryReport('{"exitCode":2,"error":"outputs.json is not valid JSON"}', "expiry.json")).toEqual({
      stacks: [],
      error: "outputs.json is not valid JSON",
    });
    expect(() => parseExpiryReport("", "expiry.json")).toThrow(/expiry.json is not JSON \(it is empty\)/);
  });
});
