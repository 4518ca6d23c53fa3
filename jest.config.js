// Two lanes (test-support/test-lanes.ts): "unit", every test file except *.terraform.test.ts, never starts Terraform
// (`npm run test:unit`); "terraform", the files that drive the Terraform CLI. `npm test` runs both.
// @swc/jest strips types only; `tsc --noEmit` (TypeScript 7, native) type-checks separately in `npm test`.
const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleFileExtensions: ["ts", "js", "json"],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.terraform\\.test\\.ts$"],
      // Makes the Terraform harness refuse to start Terraform in this lane.
      setupFiles: ["<rootDir>/test-support/unit-lane-setup.js"],
    },
    { ...shared, displayName: "terraform", testMatch: ["**/*.terraform.test.ts"] },
  ],
  // One worker per core: Jest's default leaves one core to itself, which on a 2-core machine runs every file in turn
  // although most of them spend their time waiting on child processes (synthesis, Terraform).
  maxWorkers: "100%",
  reporters: ["default", "<rootDir>/test-support/summary-reporter.js"],
};
