// The test lanes stay honest: `npm run test:unit` never starts Terraform (a unit-lane file that tries is caught, by
// its source and when it runs), every Terraform-backed file is in the Terraform lane, and under CI=true a missing
// prerequisite (Terraform, fixture files) fails instead of skipping.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeWhenAvailable, type TestRegistration } from "../test-support/required-in-ci";
import { ProviderDoubles, describeWithTerraform } from "../test-support/terraform-harness";
import { assertTerraformLane, currentLane, TERRAFORM_TEST_FILE } from "../test-support/test-lanes";

// This file names the harness's Terraform entry points only to check that they refuse to run in this lane.
const THIS_FILE = "test-lanes.test.ts";
/** The harness's Terraform entry points, or `npm run sandbox` started as a command. */
const STARTS_TERRAFORM =
  /\b(?:describeWithTerraform|ProviderDoubles|TerraformWorkspace)\b|\["run", (?:"--silent", )?"sandbox"/;

describe("lanes", () => {
  const files = readdirSync(__dirname).filter((name) => name.endsWith(".test.ts") && name !== THIS_FILE);
  const startsTerraform = (name: string) => STARTS_TERRAFORM.test(readFileSync(join(__dirname, name), "utf8"));

  test("every test file that starts Terraform is named *.terraform.test.ts, and every such file does", () => {
    const misplaced = files.filter((name) => startsTerraform(name) !== TERRAFORM_TEST_FILE.test(name));
    expect(misplaced).toEqual([]);
    expect(files.filter((name) => TERRAFORM_TEST_FILE.test(name)).length).toBeGreaterThanOrEqual(10);
  });

  test("jest runs the unit lane's files with the guard on and leaves the Terraform lane's out of it", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require("../jest.config.js") as {
      projects: { displayName: string; testPathIgnorePatterns?: string[]; setupFiles?: string[] }[];
    };
    const unit = config.projects.find((project) => project.displayName === "unit")!;
    expect(unit.testPathIgnorePatterns).toContain(TERRAFORM_TEST_FILE.source);
    expect(unit.setupFiles).toEqual(["<rootDir>/test-support/unit-lane-setup.js"]);
    expect(currentLane()).toBe("unit");
  });

  test("in the unit lane, whatever would start Terraform fails, saying how to move the test", async () => {
    const message =
      /starts Terraform, but this test file runs in the unit lane \(npm run test:unit\): name the file \*\.terraform\.test\.ts/;
    await expect(ProviderDoubles.start()).rejects.toThrow(message);
    expect(() => describeWithTerraform("a Terraform test", () => {})).toThrow(message);
    expect(() => assertTerraformLane("terraform plan", { MIRADORE_TEST_LANE: "unit" })).toThrow(message);
    expect(() => assertTerraformLane("terraform plan", {})).not.toThrow();
  });
});

describe("describeWhenAvailable", () => {
  /** What a call registers, as [kind, title] pairs, and what the registered tests do when run. */
  function registered(prerequisite: Parameters<typeof describeWhenAvailable>[1], env: NodeJS.ProcessEnv) {
    const calls: [string, string][] = [];
    const tests: (() => unknown)[] = [];
    const describeFn = ((title: string, body: () => void) => {
      calls.push(["describe", title]);
      body();
    }) as unknown as jest.Describe;
    (describeFn as { skip: unknown }).skip = (title: string) => calls.push(["skip", title]);
    const testFn = ((title: string, fn: () => unknown) => {
      calls.push(["test", title]);
      tests.push(fn);
    }) as unknown as jest.It;
    const api: TestRegistration = { describe: describeFn, test: testFn, warn: () => {} };
    describeWhenAvailable("needs Terraform", prerequisite, () => testFn("the real test", () => {}), env, api);
    return { calls, tests };
  }
  const missing = { available: false, reason: "the terraform CLI is not on the PATH" } as const;

  test("runs the tests when the prerequisite is there", () => {
    expect(registered({ available: true }, { CI: "true" }).calls).toEqual([
      ["describe", "needs Terraform"],
      ["test", "the real test"],
    ]);
  });

  test("skips them visibly, with the reason, outside CI", () => {
    expect(registered(missing, {}).calls).toEqual([
      ["skip", "needs Terraform [skipped: the terraform CLI is not on the PATH]"],
    ]);
  });

  test("under CI=true, registers one failing test naming what is missing instead", () => {
    const { calls, tests } = registered(missing, { CI: "true" });
    expect(calls).toEqual([
      ["describe", "needs Terraform"],
      ["test", "has what it needs to run"],
    ]);
    expect(tests[0]).toThrow(
      "the terraform CLI is not on the PATH; under CI=true a missing prerequisite fails instead of skipping",
    );
  });
});
