import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { Construct } from "constructs";
import { terraformLiteral } from "../../constructs";

/**
 * The issuer of GitHub Actions' OIDC tokens (github.com; GitHub Enterprise Server has its own).
 * Source: GitHub Docs, "OpenID Connect reference" (`iss` claim), https://docs.github.com/en/actions/reference/security/oidc
 */
export const GITHUB_ACTIONS_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The audience Microsoft Entra ID expects in an external token it exchanges. Source: Microsoft Learn, "Set up a
 * flexible federated identity credential" (`audiences`: "should be set to api://AzureADTokenExchange for Microsoft
 * Entra ID"); azure/login requests it by default.
 */
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** Properties of {@link GitHubFederatedCredentials}. At least one of `branch`, `environment`, `pullRequests` is set. */
export interface GitHubFederatedCredentialsProps {
  /** Resource id (`/applications/{objectId}`) of the application CI signs in as. */
  readonly applicationId: string;

  /** The repository, as `owner/name`. Entra compares subjects case-sensitively: spell it as GitHub does. */
  readonly repository: string;

  /**
   * Admit workflows on this branch that run outside any environment (pushes, scheduled runs, runs by hand):
   * subject `repo:<repository>:ref:refs/heads/<branch>`.
   * @default - no branch is admitted
   */
  readonly branch?: string;

  /**
   * Admit jobs in this GitHub environment, whatever triggered them: subject `repo:<repository>:environment:<name>`.
   * GitHub lets a job into an environment only from the branches the environment allows.
   * @default - no environment is admitted
   */
  readonly environment?: string;

  /**
   * Admit pull request workflows (jobs outside any environment): subject `repo:<repository>:pull_request`. Anyone who
   * can push a branch to the repository can then run code as this identity (see docs/bootstrap.md).
   * @default false
   */
  readonly pullRequests?: boolean;
}

/**
 * Workload identity federation for GitHub Actions: one federated identity credential per token subject that may sign
 * in, so CI needs no stored secret. Subjects use GitHub's default format (`repo:<owner>/<repo>:...`); a repository
 * with a customized subject template needs matching subjects.
 */
export class GitHubFederatedCredentials extends Construct {
  /** The credentials by what they admit: `main-branch`, `environment`, `pull-requests`. */
  public readonly credentials: ReadonlyMap<string, ApplicationFederatedIdentityCredential>;

  constructor(scope: Construct, id: string, props: GitHubFederatedCredentialsProps) {
    super(scope, id);
    const repo = `repo:${props.repository}`;
    // Subject formats: GitHub Docs, "OpenID Connect reference", example subject claims. The construct ids and display
    // names predate the `branch` prop's name: changing them would replace credentials in place.
    const subjects: [string, string, string][] = [];
    if (props.branch !== undefined)
      subjects.push([
        "main-branch",
        `${repo}:ref:refs/heads/${props.branch}`,
        `workflows on the ${props.branch} branch`,
      ]);
    if (props.environment !== undefined)
      subjects.push([
        "environment",
        `${repo}:environment:${props.environment}`,
        `jobs in the "${props.environment}" environment`,
      ]);
    if (props.pullRequests === true) subjects.push(["pull-requests", `${repo}:pull_request`, "pull request workflows"]);
    if (subjects.length === 0) {
      throw new Error(
        `GitHubFederatedCredentials ${this.node.path}: branch, environment and pullRequests are all unset, but at least one must admit something`,
      );
    }

    this.credentials = new Map(
      subjects.map(([key, subject, what]) => [
        key,
        new ApplicationFederatedIdentityCredential(this, key, {
          applicationId: props.applicationId,
          // Unique per application; changing it replaces the credential.
          displayName: terraformLiteral(`github-${key}`),
          description: terraformLiteral(`GitHub Actions: ${what} of ${props.repository}.`),
          issuer: terraformLiteral(GITHUB_ACTIONS_OIDC_ISSUER),
          audiences: [terraformLiteral(ENTRA_TOKEN_EXCHANGE_AUDIENCE)],
          subject: terraformLiteral(subject),
        }),
      ]),
    );
  }
}
