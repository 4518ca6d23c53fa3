import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { Construct } from "constructs";

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

/** Properties of {@link GitHubFederatedCredentials}. */
export interface GitHubFederatedCredentialsProps {
  /** Resource id (`/applications/{objectId}`) of the application CI signs in as. */
  readonly applicationId: string;

  /** The repository, as `owner/name`. Entra compares subjects case-sensitively: spell it as GitHub does. */
  readonly repository: string;

  /**
   * The branch whose pushes may sign in (plan and apply on merge).
   * @default "main"
   */
  readonly mainBranch?: string;

  /** The GitHub environment of the deploy job (protect it with required reviewers). */
  readonly deployEnvironment: string;

  /**
   * Whether pull request workflows may sign in (to plan). Anyone who can push a branch to the repository can then run
   * code as this identity (see docs/bootstrap.md).
   * @default true
   */
  readonly pullRequests?: boolean;
}

/**
 * Workload identity federation for GitHub Actions: one federated identity credential per token subject that may sign
 * in, so CI needs no stored secret. Subjects use GitHub's default format (`repo:<owner>/<repo>:...`); a repository
 * with a customized subject template needs matching subjects.
 */
export class GitHubFederatedCredentials extends Construct {
  /** The credentials by what they admit: `main-branch`, `pull-requests`, `environment`. */
  public readonly credentials: ReadonlyMap<string, ApplicationFederatedIdentityCredential>;

  constructor(scope: Construct, id: string, props: GitHubFederatedCredentialsProps) {
    super(scope, id);
    const repo = `repo:${props.repository}`;
    // Subject formats: GitHub Docs, "OpenID Connect reference", example subject claims.
    const subjects: [string, string, string][] = [
      ["main-branch", `${repo}:ref:refs/heads/${props.mainBranch ?? "main"}`, "workflows on the main branch"],
      [
        "environment",
        `${repo}:environment:${props.deployEnvironment}`,
        `jobs in the "${props.deployEnvironment}" environment`,
      ],
    ];
    if (props.pullRequests ?? true) subjects.push(["pull-requests", `${repo}:pull_request`, "pull request workflows"]);

    this.credentials = new Map(
      subjects.map(([key, subject, what]) => [
        key,
        new ApplicationFederatedIdentityCredential(this, key, {
          applicationId: props.applicationId,
          // Unique per application; changing it replaces the credential.
          displayName: `github-${key}`,
          description: `GitHub Actions: ${what} of ${props.repository}.`,
          issuer: GITHUB_ACTIONS_OIDC_ISSUER,
          audiences: [ENTRA_TOKEN_EXCHANGE_AUDIENCE],
          subject,
        }),
      ]),
    );
  }
}
