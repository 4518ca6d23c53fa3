// The benchmark's template baseline must synthesize the same infrastructure as our example stack, or the bench
// refuses to compare them (it did, after the schedule record was added and the baseline was not). Checked here, so a
// change to the stack that the baseline does not follow fails the suite rather than the next `npm run bench`. In the
// Terraform lane: the baseline writes its terraform_data as the template's users would, with cdktf's DataResource,
// which runs `terraform version` during synthesis.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shapeDifferences, stackShape } from "../tools/bench/stack-shape";
import { prepareTemplateBaseline } from "../tools/bench/template-baseline";
import { describeWithTerraform, REPO_ROOT } from "../test-support/terraform-harness";

describeWithTerraform("the benchmark's template baseline", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "bench-baseline-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("synthesizes a stack of the same shape as the example site", () => {
    const dir = prepareTemplateBaseline(REPO_ROOT, work);
    execFileSync(process.execPath, [join(dir, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: "cdktf.out" },
      stdio: "pipe",
    });
    const theirs = JSON.parse(
      readFileSync(join(dir, "cdktf.out", "stacks", "miradore-example", "cdk.tf.json"), "utf8"),
    ) as Record<string, unknown>;
    // Ours as the bench synthesizes it: the example configuration, through `npm run synth`.
    execFileSync("npm", ["run", "--silent", "synth"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: join(work, "ours") },
      stdio: "pipe",
    });
    const ours = JSON.parse(
      readFileSync(join(work, "ours", "stacks", "miradore-example", "cdk.tf.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(shapeDifferences(stackShape(ours), stackShape(theirs))).toEqual([]);
  }, 120_000);
});
