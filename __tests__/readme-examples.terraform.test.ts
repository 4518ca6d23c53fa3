// Every command in the README's sh blocks that runs offline runs as written, in README order, in a private view of the
// project (a fresh checkout as a reader has it, after `npm ci`): it exits as the README says and prints no stack
// trace. Which commands are left out, and why: test-support/readme-commands.ts (checked in readme-commands.test.ts).
// The sandbox among them needs Terraform, hence this lane.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readmeCommands, verdictOn } from "../test-support/readme-commands";
import { privateView } from "../test-support/synthesize-in-private-view";
import { describeWithTerraform, REPO_ROOT } from "../test-support/terraform-harness";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describeWithTerraform("the README's shell examples", () => {
  let view: string;
  beforeAll(() => {
    view = privateView(readFileSync(join(REPO_ROOT, "miradore.config.yaml"), "utf8"));
  });
  afterAll(() => rmSync(view, { recursive: true, force: true }));

  const runnable = readmeCommands(README).flatMap((command) => {
    const verdict = verdictOn(command);
    return verdict?.run ? [{ ...command, exitCodes: verdict.exitCodes }] : [];
  });

  test.each(runnable.map((c) => [`README line ${c.line}: ${c.text}`, c] as const))(
    "%s",
    (_, command) => {
      // Only PATH and HOME: a MIRADORE_* variable in the caller's environment would change what the example does.
      const result = spawnSync("sh", ["-c", command.text], {
        cwd: view,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        encoding: "utf8",
      });
      const expected = command.exitCodes.includes(result.status ?? -1);
      // On a failure, what it printed is the useful part of the report.
      expect({ exitCode: result.status, expected, stderr: expected ? "" : result.stderr }).toEqual({
        exitCode: result.status,
        expected: true,
        stderr: "",
      });
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
    120_000,
  );
});
