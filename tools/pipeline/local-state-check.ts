// The local backend rewrites its state file in place (truncate, then write): Terraform killed in that instant leaves
// it empty or cut off. Terraform would read an empty file as "no state", plan to create everything again and fail on
// the app's duplicate name, so every pipeline step stops before running Terraform and says what to do.
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { PipelineError } from "./command-context";

/** Throws when the stack in `dir` keeps its state in a local file that exists but is empty or not complete JSON. */
export function assertLocalStateReadable(dir: string): void {
  const config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
    terraform?: { backend?: { local?: { path?: string } } };
  };
  const local = config.terraform?.backend?.local;
  if (!local) return;
  const file = resolve(dir, local.path ?? "terraform.tfstate");
  if (!existsSync(file)) return;
  const text = readFileSync(file, "utf8");
  try {
    if (text.trim() !== "") return void JSON.parse(text);
  } catch {
    // reported below
  }
  throw new PipelineError(
    `stack ${basename(dir)}: the state file ${file} is ${text.trim() === "" ? "empty" : "cut off"}: Terraform was stopped while ` +
      `writing it. Nothing was applied. Restore it from ${file}.backup (the state before that run) and import what that run ` +
      "created (README, taking over a hand-made installation), or the next apply would try to create everything again",
  );
}
