// What the pipeline's command tests share: a command context that records what is printed, a synthesized fleet of
// empty stacks (a manifest and a cdk.tf.json each), the step outputs a command wrote, the check that a bad command
// line fails with one line, and a production job's context over the provider doubles.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { DEPLOYER_CLIENT_ID } from "./provider-doubles/fake-entra/directory-store";

/** A context in `cwd` with exactly `env`; no network unless `fetch` is given. */
export function recordingContext(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  fetch: CommandContext["fetch"] = () => Promise.reject(new Error("no network in tests")),
): { ctx: CommandContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = { env, cwd, stdout: (t) => out.push(t), stderr: (t) => err.push(t), fetch };
  return { ctx, out, err };
}

/** A new folder with `cdktf.out/` as synthesis leaves it for these stacks (each cdk.tf.json holds only its name). */
export function synthesizedFleet(names: readonly string[], prefix = "fleet-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const manifest: Record<string, { workingDirectory: string }> = {};
  for (const name of names) {
    mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
    writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify({ name }));
    manifest[name] = { workingDirectory: `stacks/${name}` };
  }
  writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify({ stacks: manifest }));
  return dir;
}

/** The `name=value` lines a command appended to its GITHUB_OUTPUT file. */
export function stepOutputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/**
 * A production job's context over the provider doubles (`doublesEnv`): the fleet's deploy identity (ARM_CLIENT_ID,
 * TF_VAR_miradore_ci_identity=deploy) and nothing of this process's MIRADORE_, GITHUB_, ARM_ or TF_VAR_ variables.
 */
export function deployJobContext(
  cwd: string,
  doublesEnv: Readonly<Record<string, string>>,
  options: { readonly out?: (text: string) => void; readonly env?: Readonly<Record<string, string>> } = {},
): CommandContext {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MIRADORE_|GITHUB_|ARM_|TF_VAR_)/.test(k)),
  );
  const out = options.out ?? (() => undefined);
  return {
    env: {
      ...inherited,
      ...doublesEnv,
      MIRADORE_RETRY_BASE_MS: "0",
      ARM_CLIENT_ID: DEPLOYER_CLIENT_ID,
      TF_VAR_miradore_ci_identity: "deploy",
      ...options.env,
    },
    cwd,
    stdout: out,
    stderr: out,
    fetch: () => Promise.reject(new Error("no network")),
  };
}

/** Runs a pipeline command in a one-stack fleet: it must exit 1 with exactly one line of error, containing `message`. */
export async function expectOneLineFailure(args: readonly string[], message: string): Promise<void> {
  const { ctx, err } = recordingContext(synthesizedFleet(["miradore-a"], "one-line-failure-"));
  expect(await runPipeline(args, ctx)).toBe(1);
  expect(err.join("")).toContain(message);
  expect(err.join("").trim().split("\n")).toHaveLength(1);
}
