// The rotation-timeline command: a readable table, a lifetime chart and the invariant verdict for a configured site.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../tools/rotation-timeline";

const EXAMPLE = resolve(__dirname, "..", "miradore.config.yaml");

function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const exitCode = main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) }, {});
  return { exitCode, stdout, stderr };
}

test("prints the timeline, the chart and a passing verdict for the example config", () => {
  const { exitCode, stdout, stderr } = run("--config", EXAMPLE, "--years", "2", "--start", "2025-01-01T06:00:00Z");
  expect(stderr).toBe("");
  expect(exitCode).toBe(0);
  expect(stdout).toContain('Site "example": lifetime 180 d, interval 60 d, handoff 21 d, max run gap 35 d');
  expect(stdout).toMatch(/Date \(UTC\)\s+Event\s+Slot\s+Secret\s+Valid until\s+Operator/);
  expect(stdout).toMatch(
    /2025-01-01 06:00 {2}new secret \(first deploy\); slot rotates after 2025-05-01 06:00 {2}A +#1 +2025-06-30 06:00/,
  );
  expect(stdout).toMatch(
    /2025-05-02 06:00 {2}new secret, succeeds #2.*A +#3 +2025-10-29 06:00 +paste #3 into Miradore by 2025-05-23 06:00 \(#2 works until 2025-06-30 06:00\)/,
  );
  expect(stdout).toMatch(/^ +#3 A \|[ -]+=+[-.]+ *\|$/m);
  expect(stdout).toContain(
    "Verdict: every invariant holds at every minute from 2025-01-01 06:00 to 2027-01-02 06:00 UTC",
  );
});

test.each(["weekly", "missed-month", "random"])("passes with the %s pattern", (pattern) => {
  const { exitCode, stdout } = run("--config", EXAMPLE, "--pattern", pattern, "--start", "2025-01-01T06:00:00Z");
  expect(stdout).toContain(`${pattern} pipeline runs`);
  expect(exitCode).toBe(0);
});

test("fails (exit 1) for the single-password design and says where", () => {
  const { exitCode, stdout } = run(
    "--config",
    EXAMPLE,
    "--design",
    "single-password",
    "--start",
    "2025-01-01T06:00:00Z",
  );
  expect(exitCode).toBe(1);
  expect(stdout).toContain(
    "Verdict: FAILS (miradore-secret-valid): at 2025-03-03 06:00 Miradore uses secret #1, but Terraform deleted it at 2025-03-03 06:00.",
  );
  expect(stdout).toMatch(/^ +#1 single \|=+!+/m);
});

describe("bad input (exit 2)", () => {
  test.each([
    [["--pattern", "hourly"], /--pattern is "hourly", but must be one of daily, weekly, missed-month, random/],
    [["--years", "0"], /--years is "0", but must be a number of years above 0/],
    [["--start", "soon"], /--start is "soon", but must be a time/],
    [["--site", "nowhere"], /--site is "nowhere", but the configuration lists only: example/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ])("rejects %j", (args, message) => {
    const { exitCode, stderr } = run("--config", EXAMPLE, ...args);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(message);
  });

  test("asks for --site when the configuration lists several", () => {
    const dir = mkdtempSync(join(tmpdir(), "rotation-timeline-"));
    const file = join(dir, "two-sites.yaml");
    writeFileSync(
      file,
      "sites:\n  - name: north\n    tenantId: 4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f\n  - name: south\n    tenantId: 5d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f\n",
    );
    expect(run("--config", file).stderr).toMatch(
      /--site is missing, but the configuration lists several sites: north, south/,
    );
    expect(run("--config", file, "--site", "south", "--years", "1", "--start", "2025-01-01T06:00:00Z").exitCode).toBe(
      0,
    );
  });

  test("reports an invalid configuration with the config error", () => {
    const dir = mkdtempSync(join(tmpdir(), "rotation-timeline-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "sites:\n  - name: x\n    tenantId: 4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f\n    secret: { handoffDays: 40 }\n",
    );
    const { exitCode, stderr } = run("--config", file);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(
      /config error: sites\[0\]\.secret\.handoffDays is 40, but must satisfy handoffDays \+ maxRunGapDays/,
    );
  });
});
