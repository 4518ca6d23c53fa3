// The upper bound on secret lifetimes (constructs/terraform-limits.ts) is exactly what Terraform can add to a date: the
// stacks write each end date as timeadd(<time>, "<days × 24>h"), and a day more than the bound fails in Terraform
// itself (where, for a secret's end date, it would only fail during apply, after the app and its consent exist).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_LIFETIME_DAYS } from "../constructs";
import { describeWithTerraform } from "../test-support/terraform-harness";

/** `terraform console`'s answer to `expression`, in an empty folder. */
function evaluate(expression: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "miradore-console-"));
  try {
    return spawnSync("terraform", ["console"], {
      cwd: dir,
      input: `${expression}\n`,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      encoding: "utf8",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTerraform("the longest secret lifetime the configuration accepts", () => {
  test("is the longest Terraform's timeadd() can add; one day more fails", () => {
    const atLimit = evaluate(`timeadd("2026-01-01T00:00:00Z", "${MAX_LIFETIME_DAYS * 24}h")`);
    expect({ status: atLimit.status, stdout: atLimit.stdout.trim() }).toEqual({
      status: 0,
      stdout: '"2318-04-12T00:00:00Z"',
    });
    const beyond = evaluate(`timeadd("2026-01-01T00:00:00Z", "${(MAX_LIFETIME_DAYS + 1) * 24}h")`);
    expect(beyond.status).not.toBe(0);
    expect(beyond.stderr.replace(/\s+/g, " ")).toMatch(/invalid duration|out of range|overflow/i);
  });
});
