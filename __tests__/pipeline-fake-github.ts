// A fake GitHub REST API on localhost for the pipeline tests: issue comments, issues and labels in memory, every
// request recorded. Point GITHUB_API_URL at `url`. Like GitHub, it numbers issues in the order they are made and
// refuses a second label of the same name (422). `holdIssueLists(n)` makes overlapping runs deterministic: the next
// n issue lists are answered together, once all n have arrived.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeComment {
  id: number;
  body: string;
  user: { type: string };
}
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: string;
  labels: string[];
}

export class FakeGitHub {
  readonly comments = new Map<number, FakeComment[]>();
  readonly issues: FakeIssue[] = [];
  readonly labels: string[] = [];
  readonly requests: { method: string; path: string; body: string }[] = [];
  private nextId = 1;
  private heldLists: { count: number; waiting: (() => void)[] } | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGitHub> {
    const handler: { fake?: FakeGitHub } = {};
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const answer = () => {
          const { status, json } = handler.fake!.handle(
            req.method ?? "GET",
            req.url ?? "/",
            body,
            req.headers.authorization,
          );
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
        };
        handler.fake!.answerInTurn(req.method ?? "GET", req.url ?? "/", answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    handler.fake = new FakeGitHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.fake;
  }

  /** Holds the next `count` GET …/issues requests until all of them have arrived, then answers them together. */
  holdIssueLists(count: number): void {
    this.heldLists = { count, waiting: [] };
  }

  private answerInTurn(method: string, rawUrl: string, answer: () => void): void {
    const held = this.heldLists;
    if (!held || method !== "GET" || !/^\/repos\/[^/]+\/[^/]+\/issues(\?|$)/.test(rawUrl)) return answer();
    held.waiting.push(answer);
    if (held.waiting.length < held.count) return;
    this.heldLists = undefined;
    for (const waiting of held.waiting) waiting();
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(
    method: string,
    rawUrl: string,
    body: string,
    auth: string | undefined,
  ): { status: number; json: unknown } {
    this.requests.push({ method, path: rawUrl, body });
    if (auth !== "Bearer test-token") return { status: 401, json: { message: "Bad credentials" } };
    const url = new URL(rawUrl, "http://x");
    const page = Number(url.searchParams.get("page") ?? "1");
    const paged = <T>(items: T[]) => items.slice((page - 1) * 100, page * 100);
    const data = body ? (JSON.parse(body) as Record<string, any>) : {};
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const list = this.comments.get(Number(m[1])) ?? [];
      if (method === "GET") return { status: 200, json: paged(list) };
      const comment = { id: this.nextId++, body: data.body as string, user: { type: "Bot" } };
      this.comments.set(Number(m[1]), [...list, comment]);
      return { status: 201, json: comment };
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)) && method === "PATCH") {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(m![1]));
      if (!comment) return { status: 404, json: { message: "Not Found" } };
      comment.body = data.body as string;
      return { status: 200, json: comment };
    }
    if (/^\/repos\/[^/]+\/[^/]+\/labels$/.test(url.pathname)) {
      if (method === "GET") return { status: 200, json: paged(this.labels.map((name) => ({ name }))) };
      if (this.labels.includes(data.name as string)) {
        return {
          status: 422,
          json: {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
          },
        };
      }
      this.labels.push(data.name as string);
      return { status: 201, json: { name: data.name } };
    }
    if (/^\/repos\/[^/]+\/[^/]+\/issues$/.test(url.pathname)) {
      if (method === "GET") {
        const label = url.searchParams.get("labels");
        const state = url.searchParams.get("state");
        return {
          status: 200,
          json: paged(this.issues.filter((i) => (!label || i.labels.includes(label)) && (!state || i.state === state))),
        };
      }
      const issue = {
        number: this.nextId++,
        title: data.title as string,
        body: data.body as string,
        state: "open",
        labels: (data.labels as string[]) ?? [],
      };
      this.issues.push(issue);
      return { status: 201, json: issue };
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(url.pathname)) && method === "PATCH") {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return { status: 404, json: { message: "Not Found" } };
      Object.assign(issue, {
        ...(data.body === undefined ? {} : { body: data.body }),
        ...(data.state === undefined ? {} : { state: data.state }),
      });
      return { status: 200, json: issue };
    }
    return { status: 404, json: { message: `fake GitHub: no route for ${method} ${url.pathname}` } };
  }
}
