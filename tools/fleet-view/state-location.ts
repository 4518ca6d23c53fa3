import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { App, TerraformStack } from "cdktf";
import type { StateConfig } from "../../config/config-schema";
import { configureStateBackend } from "../../app/state-backend";

/** Where a site's Terraform state lives, as its synthesized stack says. Never includes credentials. */
export type StateLocation =
  | {
      readonly backend: "local";
      /** As written in cdk.tf.json: relative to the stack's folder, cdktf.out/stacks/<stack>/. */
      readonly path: string;
      /** The same file from the project root (assuming the default output folder, cdktf.out). */
      readonly pathFromProjectRoot: string;
    }
  | {
      readonly backend: "azurerm";
      readonly storageAccountName: string;
      readonly containerName: string;
      readonly key: string;
    }
  | { readonly backend: "cloud"; readonly hostname: string; readonly organization: string; readonly workspace: string }
  /** A backend this view does not know how to summarize; cdk.tf.json has the details. */
  | { readonly backend: string };

/** cdktf's default output folder, where Terraform runs each stack. */
const STACKS_DIR = "cdktf.out/stacks";

interface SynthesizedTerraformBlock {
  backend?: Record<string, Record<string, unknown>>;
  cloud?: { hostname: string; organization: string; workspaces: { name?: string; tags?: string[] } };
}

/**
 * Asks the stack's own backend code (app/state-backend.ts) where the state goes, by configuring a bare
 * stack and reading its Terraform block, so this view can never disagree with what synthesis writes.
 */
export function stateLocationOf(state: StateConfig, stackName: string, app = scratchApp()): StateLocation {
  const stack = new TerraformStack(app, stackName);
  configureStateBackend(stack, stackName, state);
  const terraform = (stack.toTerraform() as { terraform?: SynthesizedTerraformBlock }).terraform ?? {};
  if (terraform.cloud) {
    const { hostname, organization, workspaces } = terraform.cloud;
    return {
      backend: "cloud",
      hostname,
      organization,
      workspace: workspaces.name ?? `tags: ${(workspaces.tags ?? []).join(", ")}`,
    };
  }
  const [type, settings] = Object.entries(terraform.backend ?? {})[0] ?? ["none", {}];
  const text = (name: string) => String(settings[name]);
  if (type === "local") {
    const path = text("path");
    const pathFromProjectRoot = posix.isAbsolute(path)
      ? path
      : posix.normalize(posix.join(STACKS_DIR, stackName, path));
    return { backend: "local", path, pathFromProjectRoot };
  }
  if (type === "azurerm") {
    return {
      backend: "azurerm",
      storageAccountName: text("storage_account_name"),
      containerName: text("container_name"),
      key: text("key"),
    };
  }
  return { backend: type };
}

/** One line: "local terraform.miradore-x.tfstate", "azurerm account/container/key", "cloud host/org/workspace". */
export function describeStateLocation(location: StateLocation): string {
  if ("pathFromProjectRoot" in location) return `local ${location.pathFromProjectRoot}`;
  if ("storageAccountName" in location)
    return `azurerm ${location.storageAccountName}/${location.containerName}/${location.key}`;
  if ("organization" in location) return `cloud ${location.hostname}/${location.organization}/${location.workspace}`;
  return `${location.backend} (see the stack's cdk.tf.json)`;
}

/**
 * An app whose stacks are only read, never synthesized. cdktf's App makes its output folder (and `stacks/` in it)
 * when constructed, so it gets a temporary one, removed at once: a read-only view writes nothing into the project.
 */
export function scratchApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), "miradore-scratch-app-"));
  try {
    return new App({ stackTraces: false, outdir });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
