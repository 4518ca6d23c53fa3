// The test lanes. `npm run test:unit` runs every test file except `*.terraform.test.ts` and must never start Terraform
// (fast, and needs nothing but Node); `npm test` runs both lanes. Jest sets MIRADORE_TEST_LANE=unit for the unit lane's
// files (jest.config.js), and everything in the harness that starts Terraform checks it, so a Terraform-backed test
// in a file without the suffix fails with this message instead of quietly slowing the unit lane.

/** Test files of the Terraform lane. */
export const TERRAFORM_TEST_FILE = /\.terraform\.test\.ts$/;

/** The lane this test file runs in. */
export function currentLane(env: NodeJS.ProcessEnv = process.env): "unit" | "terraform" {
  return env.MIRADORE_TEST_LANE === "unit" ? "unit" : "terraform";
}

/** Throws when called from the unit lane: `what` would start Terraform. */
export function assertTerraformLane(what: string, env: NodeJS.ProcessEnv = process.env): void {
  if (currentLane(env) === "unit") {
    throw new Error(
      `${what} starts Terraform, but this test file runs in the unit lane (npm run test:unit): ` +
        "name the file *.terraform.test.ts",
    );
  }
}
