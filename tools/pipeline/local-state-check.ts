// The local backend rewrites its state file in place (truncate, then write): Terraform killed in that instant leaves
// it empty or cut off. Terraform would read an empty file as "no state", plan to create everything again and fail on
// the app's duplicate name, so every pipeline step stops before running Terraform and says what to do.
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PipelineError } from "./command-context";

/** A run holding the lock may be in the middle of a write: the file is read again this often before it counts as cut off. */
const READS = 5;
const READ_INTERVAL_MS = 200;

/** The absolute path of the local state file of the stack in `dir`; `undefined` when its state is elsewhere. */
export function localStateFile(dir: string): string | undefined {
  const config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
    terraform?: { backend?: { local?: { path?: string } } };
  };
  const local = config.terraform?.backend?.local;
  return local ? resolve(dir, local.path ?? "terraform.tfstate") : undefined;
}

/** Rejects when the stack in `dir` keeps its state in a local file that exists but is empty or not complete JSON. */
export async function assertLocalStateReadable(dir: string): Promise<void> {
  const file = localStateFile(dir);
  if (!file) return;
  let text = "";
  for (let read = 1; read <= READS; read++) {
    if (!existsSync(file)) return;
    text = readFileSync(file, "utf8");
    if (isCompleteJson(text)) return;
    if (read < READS) await sleep(READ_INTERVAL_MS);
  }
  throw new PipelineError(
    `stack ${basename(dir)}: the state file ${file} is ${text.trim() === "" ? "empty" : "cut off"}: Terraform was stopped while ` +
      `writing it. Nothing was applied. Restore it from ${file}.backup (the state before that run) and import what that run ` +
      "created (README, taking over a hand-made installation), or the next apply would try to create everything again",
  );
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
