// ci:stacks: the stack names from cdktf.out/manifest.json as a JSON list, the matrix of the per-stack jobs.
import { type CommandContext, PipelineError } from "../command-context";
import { oneOf, parseCommandArgs } from "../command-args";
import { FORCED_ROTATION_MODES } from "../rotation-addresses";
import { setStepOutputs } from "../github-output";
import { findStack, GITHUB_MATRIX_MAX_JOBS, outDirOf, readStackManifest } from "../stack-manifest";

export async function stacksCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("stacks", argv, {
    "out-dir": { type: "string" },
    /** Only this stack (a forced rotation); empty means all. */
    only: { type: "string" },
    /** The rotation workflow's `rotation` input: a forced rotation must name its stack. */
    rotation: { type: "string", default: "none" },
  });
  const rotation = oneOf("stacks", "rotation", values.rotation ?? "none", ["none", ...FORCED_ROTATION_MODES]);
  if (rotation !== "none" && !values.only) {
    throw new PipelineError(
      `stacks: --rotation is ${rotation}, but no stack was given: a forced rotation applies to one stack, name it in the workflow's "stack" input`,
    );
  }
  const outDir = outDirOf(context, values["out-dir"]);
  const names = values.only ? [findStack(outDir, values.only).name] : readStackManifest(outDir).map((s) => s.name);
  if (names.length === 0)
    throw new PipelineError(`${outDir}/manifest.json lists no stacks: the configuration has no sites`);
  if (names.length > GITHUB_MATRIX_MAX_JOBS) {
    throw new PipelineError(
      `${names.length} stacks, but a GitHub Actions matrix runs at most ${GITHUB_MATRIX_MAX_JOBS} jobs: split the sites over several configuration files and workflows`,
    );
  }
  setStepOutputs(context, { stacks: JSON.stringify(names), count: String(names.length) });
  return 0;
}
