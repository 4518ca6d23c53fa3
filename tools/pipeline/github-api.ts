// The few GitHub REST calls the pipeline makes, with the job's GITHUB_TOKEN. GITHUB_API_URL (set by Actions) makes
// the server injectable: tests point it at a local fake.
import { type CommandContext, PipelineError, requiredEnv } from "./command-context";

export interface GitHubApi {
  /** `owner/name` of the repository the run belongs to. */
  readonly repository: string;
  request<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T>;
  /** Every item of a paged list (GET with per_page=100, following page numbers until a short page). */
  list<T>(path: string): Promise<T[]>;
}

const MAX_PAGES = 50;

/** GitHub answered with an error status; `status` lets a caller tell "already exists" (422) from a failure. */
export class GitHubApiError extends PipelineError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function gitHubApi(context: CommandContext): GitHubApi {
  const token = requiredEnv(context, "GITHUB_TOKEN", "the workflow passes github.token");
  const repository = requiredEnv(context, "GITHUB_REPOSITORY", "GitHub Actions sets it");
  const base = (context.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");

  async function request<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
    const response = await context.fetch(`${base}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "x-github-api-version": "2022-11-28",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      // GitHub's error message says which permission is missing; it never echoes the token.
      const detail = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? response.statusText;
      throw new GitHubApiError(`GitHub API ${method} ${path} answered ${response.status}: ${detail}`, response.status);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  async function list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    const separator = path.includes("?") ? "&" : "?";
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await request<T[]>("GET", `${path}${separator}per_page=100&page=${page}`);
      items.push(...batch);
      if (batch.length < 100) break;
    }
    return items;
  }

  return { repository, request, list };
}
