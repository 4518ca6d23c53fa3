// The app imports the construct library through its entry point, which re-exports every construct. Its main thread
// must still not load cdktf and the provider bindings just to read the configuration: a fleet's main thread hands the
// synthesis to workers and stays small. esbuild leaves out the library's modules whose exports are unused because
// package.json marks constructs/ free of side effects (`sideEffects` lists everything else); this checks the bundles
// keep that.
import { buildSync } from "esbuild";
import { REPOSITORY } from "../test-support/build-for-test";

/** The files whose code is in a bundle of `source` (bundled as the app is, dependencies included). */
function bundledInputs(source: string): string[] {
  const result = buildSync({
    stdin: { contents: source, resolveDir: REPOSITORY, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: "bundle.js",
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

const framework = (inputs: string[]) =>
  inputs.filter((input) => /^node_modules\/(cdktf|constructs|@cdktf)\//.test(input));

test("the configuration loader, which uses the library's rules, loads no construct framework", () => {
  const inputs = bundledInputs(`export { parseConfig } from "./config/load-config";`);
  expect(inputs).toEqual(expect.arrayContaining(["constructs/secret-schedule.ts", "constructs/entra-limits.ts"]));
  expect(framework(inputs)).toEqual([]);
  expect(inputs.filter((input) => input.startsWith("constructs/") && /stack|connection|handoff/.test(input))).toEqual(
    [],
  );
});

test("what main.ts's thread imports loads no construct framework; a synthesis task does", () => {
  const mainThread = bundledInputs(
    [
      `export { PolicyViolationError } from "./constructs";`,
      `export { SynthesisWorkerPool } from "./app/synthesis/synthesis-worker-pool";`,
      `export { OutputFolderError } from "./app/synthesis/output-folder";`,
    ].join("\n"),
  );
  expect(framework(mainThread)).toEqual([]);
  // The check can fail: the task that builds the stacks brings the framework with it.
  const task = bundledInputs(`export { runSynthesisTask } from "./app/synthesis/synthesis-task";`);
  expect(framework(task)).toContain("node_modules/cdktf/lib/terraform-stack.js");
});
