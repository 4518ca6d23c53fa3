// What a pipeline command may touch: environment, working folder, output streams and HTTP. Tests pass their own.

/** A failure the operator can act on: printed as one line, exit code 1; never carries a secret. */
export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PipelineError";
  }
}

export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  /** Relative paths in arguments resolve against this folder. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly fetch: typeof fetch;
}

export function processContext(): CommandContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    fetch: async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        // Node's fetch fails with "fetch failed" and the reason (ENOTFOUND, ECONNREFUSED, a TLS error) as its cause.
        const url = new URL(input instanceof Request ? input.url : String(input));
        const cause = (error as Error).cause as Error | undefined;
        throw new PipelineError(
          `cannot reach ${url.origin}: ${cause?.message ?? (error as Error).message}; check the network and the proxy settings`,
        );
      }
    },
  };
}

/** The value of a required environment variable, or a PipelineError that names it and says what sets it. */
export function requiredEnv(context: CommandContext, name: string, setBy: string): string {
  const value = context.env[name];
  if (value === undefined || value === "") throw new PipelineError(`${name} is not set, but is needed (${setBy})`);
  return value;
}
