import { ConfigError } from "../config/config-error";
import { loadBootstrapConfig, parseBootstrapConfig } from "../config/load-bootstrap-config";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const ADMIN = "0b9c5e1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

const valid = {
  name: "contoso",
  tenantId: TENANT,
  ownerObjectIds: [ADMIN],
  github: { repository: "contoso/miradore-entra", deployEnvironment: "production" },
};

/** The problems a configuration text is rejected with. */
function problemsOfText(text: string): string[] {
  try {
    parseBootstrapConfig(text, "bootstrap.yaml");
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("configuration was accepted");
}
const problemsOf = (settings: Record<string, unknown>) => problemsOfText(JSON.stringify(settings));

describe("the example bootstrap configuration", () => {
  test("loads with the documented defaults", () => {
    expect(loadBootstrapConfig({ path: "bootstrap.config.yaml", env: {} })).toEqual({
      name: "example",
      tenantId: TENANT,
      displayName: "Miradore deployment (GitHub Actions)",
      planDisplayName: "Miradore plan (GitHub Actions)",
      ownerObjectIds: [ADMIN],
      github: {
        repository: "contoso/miradore-entra",
        mainBranch: "main",
        deployEnvironment: "production",
        pullRequests: true,
      },
      multiTenant: false,
      state: { backend: "local" },
      signInLogs: false,
    });
  });

  test("fills in defaults for a minimal file", () => {
    expect(parseBootstrapConfig(JSON.stringify(valid), "t")).toMatchObject({
      displayName: "Miradore deployment (GitHub Actions)",
      planDisplayName: "Miradore plan (GitHub Actions)",
      github: { mainBranch: "main", pullRequests: true },
      state: { backend: "local" },
    });
  });

  test("MIRADORE_BOOTSTRAP_CONFIG chooses the file", () => {
    expect(() => loadBootstrapConfig({ env: { MIRADORE_BOOTSTRAP_CONFIG: "/nonexistent/b.yaml" } })).toThrow(
      /the bootstrap configuration file \/nonexistent\/b\.yaml cannot be read/,
    );
  });
});

describe("rejects bad values, naming field, value and expectation", () => {
  test.each([
    ["a tenant id that is not a GUID", { tenantId: "contoso" }, 'tenantId is "contoso", but must be a GUID'],
    ["a missing name", { name: undefined }, "name is missing, but must be a site name"],
    ["no owners", { ownerObjectIds: [] }, "ownerObjectIds is [], but must list at least one owner"],
    [
      "an owner that is not an object id",
      { ownerObjectIds: ["admin@contoso.com"] },
      'ownerObjectIds[0] is "admin@contoso.com", but must be a GUID',
    ],
    ["an empty display name", { displayName: "" }, 'displayName is "", but must not be empty'],
    [
      "a repository without an owner",
      { github: { repository: "miradore-entra", deployEnvironment: "p" } },
      'github.repository is "miradore-entra", but must be a GitHub repository as owner/name',
    ],
    [
      "a repository given as a URL",
      { github: { repository: "https://github.com/contoso/m", deployEnvironment: "p" } },
      'github.repository is "https://github.com/contoso/m", but must be a GitHub repository',
    ],
    [
      "a missing deploy environment",
      { github: { repository: "contoso/m" } },
      "github.deployEnvironment is missing, but must be the name of the GitHub environment",
    ],
    [
      "an environment with a colon, which would change the token subject",
      { github: { repository: "contoso/m", deployEnvironment: "prod:eu" } },
      'github.deployEnvironment is "prod:eu", but must be an environment name: 1-255 characters, no colon',
    ],
    [
      "a branch with a colon",
      { github: { repository: "contoso/m", deployEnvironment: "p", mainBranch: "a:b" } },
      'github.mainBranch is "a:b", but must be a branch name',
    ],
    [
      "pullRequests that is not a boolean",
      { github: { repository: "contoso/m", deployEnvironment: "p", pullRequests: "no" } },
      'github.pullRequests is "no", but must be true or false',
    ],
    ["an unknown backend", { state: { backend: "s3" } }, 'state.backend is "s3", but must be'],
    [
      "the plan identity named like the deploy identity (Entra refuses duplicate names)",
      { displayName: "Miradore CI", planDisplayName: "Miradore CI" },
      'planDisplayName is "Miradore CI", but must differ from displayName',
    ],
    [
      "pull request plans in the deploy environment, which would give them the deploy identity",
      { github: { repository: "contoso/m", deployEnvironment: "production", pullRequestEnvironment: "production" } },
      'github.pullRequestEnvironment is "production", but must differ from github.deployEnvironment',
    ],
    [
      "a pull request environment while pull requests may not sign in",
      {
        github: { repository: "contoso/m", deployEnvironment: "p", pullRequests: false, pullRequestEnvironment: "pr" },
      },
      'github.pullRequestEnvironment is "pr", but must be left out when github.pullRequests is false',
    ],
    [
      "a pull request environment with a colon",
      { github: { repository: "contoso/m", deployEnvironment: "p", pullRequestEnvironment: "pr:plan" } },
      'github.pullRequestEnvironment is "pr:plan", but must be an environment name',
    ],
  ])("fails on %s", (_, settings, expected) => {
    expect(problemsOf({ ...valid, ...settings }).join("\n")).toContain(expected);
  });

  test("fails on unknown keys, naming each one", () => {
    expect(problemsOf({ ...valid, owners: [ADMIN], github: { ...valid.github, subject: "x" } })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^owners is \[.*\], but owners is not a known setting here/),
        expect.stringMatching(/^github\.subject is "x", but subject is not a known setting here/),
      ]),
    );
  });

  test("fails on malformed YAML with the line and column", () => {
    expect(problemsOfText("name: [unclosed\n")[0]).toMatch(/^bootstrap\.yaml line \d+, column \d+ is not valid YAML/);
  });

  test("fails on an empty file, naming every required field", () => {
    expect(
      problemsOfText("")
        .map((p) => p.split(" ")[0])
        .sort(),
    ).toEqual(["github", "name", "ownerObjectIds", "tenantId"]);
  });
});
