// Tests that need something besides the repository's code (the Terraform CLI, fixture files) skip themselves visibly
// on a developer's machine that lacks it, but never in CI: there a skipped test looks like a passed check, so under
// CI=true (set by GitHub Actions and most CI services) a missing prerequisite is a failing test that names it.

/** Whether a test's prerequisite is here, and why not when it is not. */
export type Prerequisite = { readonly available: true } | { readonly available: false; readonly reason: string };

/** True under CI=true (GitHub Actions sets it on every job). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true" || env.CI === "1";
}

const reasonsShown = new Set<string>();

/** The parts of Jest's API this registers tests with (tests pass a recorder). */
export interface TestRegistration {
  readonly describe: jest.Describe;
  readonly test: jest.It;
  readonly warn: (message: string) => void;
}

/**
 * `describe(title, body)` when `prerequisite` is available. Otherwise, outside CI, the tests are registered as skipped
 * with the reason in the title (and printed once); under CI=true, one failing test takes their place and says what is
 * missing.
 */
export function describeWhenAvailable(
  title: string,
  prerequisite: Prerequisite,
  body: () => void,
  env: NodeJS.ProcessEnv = process.env,
  jestApi: TestRegistration = { describe, test, warn: (message) => console.warn(message) },
): void {
  if (prerequisite.available) {
    jestApi.describe(title, body);
    return;
  }
  const { reason } = prerequisite;
  if (isCi(env)) {
    jestApi.describe(title, () => {
      jestApi.test("has what it needs to run", () => {
        throw new Error(`${reason}; under CI=true a missing prerequisite fails instead of skipping`);
      });
    });
    return;
  }
  if (!reasonsShown.has(reason)) {
    reasonsShown.add(reason);
    jestApi.warn(`SKIPPED (${reason}): ${title}`);
  }
  jestApi.describe.skip(`${title} [skipped: ${reason}]`, body);
}
