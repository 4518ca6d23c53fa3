// The expiry check on Terraform outputs files that carry (fake) secret values: the values never reach any output,
// every exit code is reachable, both file formats read, broken input is refused with a clear message.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { main } from "../tools/expiry-check";

// Fake secrets shaped like Entra client secrets; none of them may ever be printed.
const SECRET = "Xq8~FAKEsecretVALUE.do-not-print_0123456789ab";
const OTHER_SECRET = "Zz9~ANOTHERfakeSECRET.never-shown_abcdefghij";
const SENSITIVE_OTHER = "sensitive-but-unneeded-value-7f3e";

const dates = {
  client_secret_start_date: "2025-03-03T06:00:00Z",
  client_secret_end_date: "2025-08-30T06:00:00Z",
  handoff_deadline: "2025-03-24T06:00:00Z",
  next_rotation_date: "2025-05-02T06:00:00Z",
  previous_client_secret_end_date: "2025-06-30T06:00:00Z",
};
const KEY_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/** `terraform output -json` as Terraform writes it, sensitive values included. */
function terraformOutputs(overrides: Record<string, unknown> = {}): string {
  const plain = (value: unknown) => ({ sensitive: false, type: "string", value });
  const outputs: Record<string, unknown> = {
    client_id: plain("11111111-2222-4333-8444-555555555555"),
    client_secret: { sensitive: true, type: "string", value: SECRET },
    client_secret_key_id: plain(KEY_ID),
    some_other_sensitive: { sensitive: true, type: "string", value: SENSITIVE_OTHER },
    ...Object.fromEntries(Object.entries(dates).map(([name, value]) => [name, plain(value)])),
    ...overrides,
  };
  return JSON.stringify(outputs, null, 2);
}

/** A cdktf outputs file (`cdktf deploy --outputs-file --outputs-file-include-sensitive-outputs`), two stacks. */
function cdktfOutputs(second: Record<string, unknown> = {}): string {
  return JSON.stringify({
    "miradore-north": { client_secret: SECRET, client_secret_key_id: KEY_ID, ...dates },
    "miradore-south": { client_secret: OTHER_SECRET, ...dates, ...second },
  });
}

/** Runs the command on `text` as its input file; returns what it printed and its exit code. */
function run(text: string, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const exitCode = main(["outputs.json", ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: () => text,
  });
  expect(`${stdout}\n${stderr}`).not.toMatch(/FAKEsecret|ANOTHERfake|sensitive-but-unneeded/i);
  return { exitCode, stdout, stderr };
}

// Inside the handoff window, after it, near the current secret's end, and after the previous one's has gone.
const DURING_HANDOFF = "2025-03-10T00:00:00Z";
const QUIET = "2025-04-10T00:00:00Z";
const NEAR_END = "2025-08-20T00:00:00Z";

describe("terraform output -json", () => {
  test("exit 10 while a handoff is pending, with the deadline and day counts, never a secret", () => {
    const { exitCode, stdout, stderr } = run(terraformOutputs(), "--now", DURING_HANDOFF);
    expect(exitCode).toBe(10);
    expect(stderr).toBe("");
    expect(stdout).toContain("HANDOFF PENDING (exit 10)");
    expect(stdout).toContain("paste the current secret into Miradore by 2025-03-24 06:00 UTC (in 14.3 days)");
    expect(stdout).toContain("expires 2025-08-30 06:00 UTC (in 173.3 days)");
    expect(stdout).toContain("previous secret: expires 2025-06-30 06:00 UTC (in 112.3 days)");
    expect(stdout).toContain(`key id ${KEY_ID}`);
  });

  test("exit 0 when no handoff is pending and nothing expires soon", () => {
    const { exitCode, stdout } = run(terraformOutputs(), "--now", QUIET);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("OK (exit 0)");
    expect(stdout).toContain("next rotation: due after 2025-05-02 06:00 UTC (in 22.3 days)");
  });

  test("exit 20 when the current secret expires within --warn-days, and 0 with a smaller window", () => {
    expect(run(terraformOutputs(), "--now", NEAR_END).exitCode).toBe(20);
    expect(run(terraformOutputs(), "--now", NEAR_END).stdout).toMatch(/! the current secret expires within 14 days/);
    expect(run(terraformOutputs(), "--now", NEAR_END, "--warn-days", "7").exitCode).toBe(0);
  });

  test("exit 20 when the current secret has expired", () => {
    const { exitCode, stdout } = run(terraformOutputs(), "--now", "2025-09-01T00:00:00Z", "--warn-days", "0");
    expect(exitCode).toBe(20);
    expect(stdout).toMatch(/the current secret has expired/);
  });

  test("exit 20 when a handoff is pending and the next rotation will delete the previous secret within --warn-days", () => {
    const tight = terraformOutputs({
      next_rotation_date: { sensitive: false, type: "string", value: "2025-03-20T06:00:00Z" },
    });
    const { exitCode, stdout } = run(tight, "--now", DURING_HANDOFF);
    expect(exitCode).toBe(20);
    expect(stdout).toMatch(
      /previous secret, which Miradore may still use, stops working within 14 days \(the next rotation deletes it\)/,
    );
  });

  test("--json gives the same verdict as data for a workflow, without secrets", () => {
    const { exitCode, stdout } = run(terraformOutputs(), "--now", DURING_HANDOFF, "--json");
    expect(exitCode).toBe(10);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ exitCode: 10, warnDays: 14, now: "2025-03-10T00:00:00.000Z" });
    expect(report.stacks).toEqual([
      expect.objectContaining({
        stack: "outputs.json",
        verdict: "handoff-pending",
        handoff: { pending: true, deadline: { date: "2025-03-24T06:00:00.000Z", daysFromNow: 14.25 } },
        current: expect.objectContaining({ keyId: KEY_ID }),
      }),
    ]);
  });

  test("rejects an output it needs that is marked sensitive, without showing it", () => {
    const hidden = terraformOutputs({ handoff_deadline: { sensitive: true, type: "string", value: SECRET } });
    const { exitCode, stderr, stdout } = run(hidden, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/output handoff_deadline is marked sensitive, but must be a plain date/);
  });

  test("rejects a date output that holds something else, describing it without quoting it", () => {
    const wrong = terraformOutputs({ client_secret_end_date: { sensitive: false, type: "string", value: SECRET } });
    const { exitCode, stderr } = run(wrong, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/output client_secret_end_date is a text of 45 characters, but must be an RFC 3339 time/);
  });

  test("rejects a missing output, naming it", () => {
    const text = JSON.stringify({ ...JSON.parse(terraformOutputs()), next_rotation_date: undefined });
    const { exitCode, stderr } = run(text, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/stack "outputs.json": output next_rotation_date is missing/);
  });
});

describe("cdktf outputs file", () => {
  test("reports every stack and exits with the most urgent stack's code", () => {
    const { exitCode, stdout } = run(cdktfOutputs({ client_secret_end_date: "2025-04-15T06:00:00Z" }), "--now", QUIET);
    expect(exitCode).toBe(20);
    expect(stdout).toContain("miradore-north: OK (exit 0)");
    expect(stdout).toContain("miradore-south: EXPIRING (exit 20)");
  });

  test("exit 10 when each stack has a handoff pending", () => {
    expect(run(cdktfOutputs(), "--now", DURING_HANDOFF).exitCode).toBe(10);
  });

  test("rejects a stack without the rotation outputs, naming the stack", () => {
    const text = JSON.stringify({ "miradore-north": { client_secret: SECRET } });
    const { exitCode, stderr } = run(text, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/stack "miradore-north": output client_secret_start_date is missing/);
  });
});

describe("malformed input", () => {
  test("rejects broken JSON with its line and column, never the text around it", () => {
    const broken = `{\n  "client_secret": "${SECRET}" "oops": 1\n}`;
    const { exitCode, stderr } = run(broken, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/outputs.json is not valid JSON \(line 2, column \d+\)/);
  });

  test.each([
    ["an array", "[]"],
    ["a number", "42"],
    ["an empty object", "{}"],
  ])("rejects a file that is %s", (shape, text) => {
    const { exitCode, stderr } = run(text, "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`outputs.json is ${shape}, but must be an object`);
  });

  test("rejects a file mixing stacks and plain values, without quoting the values", () => {
    const { exitCode, stderr } = run(
      JSON.stringify({ "miradore-north": { ...dates }, client_secret: SECRET }),
      "--now",
      QUIET,
    );
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/"client_secret" is not an object/);
  });

  test.each([
    [["--now", "yesterday"], /--now is "yesterday", but must be an RFC 3339 time/],
    [["--warn-days", "1.5"], /--warn-days is "1.5", but must be a whole number of days/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("rejects bad arguments %j with exit 2 and usage", (args, message) => {
    const { exitCode, stderr } = run(terraformOutputs(), ...(args as string[]));
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("usage: expiry-check");
  });

  test("--json reports bad input as JSON too", () => {
    const { exitCode, stdout } = run("{", "--json", "--now", QUIET);
    expect(exitCode).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ exitCode: 2, error: expect.stringMatching(/not valid JSON/) });
  });
});

test("the built command, run as a process, prints no secret on stdout or stderr and exits with the verdict", async () => {
  const dir = mkdtempSync(join(tmpdir(), "expiry-check-"));
  const bundle = join(dir, "expiry-check.js");
  await build({
    entryPoints: [resolve(__dirname, "..", "tools", "expiry-check.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    logLevel: "silent",
  });
  const file = join(dir, "outputs.json");
  writeFileSync(file, terraformOutputs());
  const cases: [string[], number][] = [
    [[file, "--now", DURING_HANDOFF], 10],
    [[file, "--now", QUIET], 0],
    [[file, "--now", NEAR_END], 20],
    [[join(dir, "missing.json")], 2],
  ];
  for (const [args, expected] of cases) {
    const result = spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/FAKEsecret|sensitive-but-unneeded/);
    expect({ args, status: result.status }).toEqual({ args, status: expected });
  }
  writeFileSync(file, `{ "client_secret": "${SECRET}", `);
  const broken = spawnSync(process.execPath, [bundle, file], { encoding: "utf8" });
  expect(broken.status).toBe(2);
  expect(`${broken.stdout}${broken.stderr}`).not.toContain("FAKEsecret");
});
