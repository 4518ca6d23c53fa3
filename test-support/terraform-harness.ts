// Runs the real Terraform CLI against the provider doubles (test-support/provider-doubles): start the doubles, copy a
// synthesized stack (cdktf.out/stacks/<name>/cdk.tf.json) into a temporary workspace, run init / validate / plan /
// apply / show / output / destroy there, and hand back the parsed JSON. The fake directory behind the doubles is a
// folder tests can read and change, with a clock they set.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleDoubles } from "./provider-doubles/bundle";
import {
  DEFAULT_TENANT_ID,
  readTenant,
  releaseGate,
  writeClock,
  writeFaults,
  writeTenant,
  type FaultRule,
  type TenantDocument,
} from "./provider-doubles/fake-entra/directory-store";
import {
  openKeyVault,
  parseKeyVaultId,
  readKeyVault,
  writeKeyVault,
  type KeyVaultDocument,
} from "./provider-doubles/fake-entra/key-vault-store";
import { PROVIDERS } from "./provider-doubles/provider-schema";
import { describeWhenAvailable } from "./required-in-ci";
import { assertTerraformLane } from "./test-lanes";

export const REPO_ROOT = resolve(__dirname, "..");

/** `npm run synth` of the configuration file `config` into `outDir`, with only what a user's shell would have. */
export function synthesizeWithNpm(config: string, outDir: string): void {
  execFileSync("npm", ["run", "--silent", "synth"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, MIRADORE_CONFIG: config, CDKTF_OUTDIR: outDir },
    stdio: "ignore",
  });
}

// ---- is Terraform here? ----

export interface TerraformAvailability {
  readonly available: boolean;
  /** Why the Terraform-backed tests are skipped, when they are. */
  readonly reason?: string;
  readonly version?: string;
}

function probeTerraform(): TerraformAvailability {
  const probe = spawnSync("terraform", ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (probe.error || probe.status !== 0) {
    return {
      available: false,
      reason: `the terraform CLI is not on the PATH (${probe.error?.message ?? probe.stderr.trim()})`,
    };
  }
  const version = (JSON.parse(probe.stdout) as { terraform_version: string }).terraform_version;
  return { available: true, version };
}

export const terraform: TerraformAvailability = probeTerraform();

/**
 * `describe` when Terraform is installed, else `describe.skip` with the reason printed: Jest then reports these tests
 * as skipped, never as passed; under CI=true they fail instead (test-support/required-in-ci.ts). Only in a
 * `*.terraform.test.ts` file (test-support/test-lanes.ts).
 */
export function describeWithTerraform(name: string, body: () => void): void {
  assertTerraformLane(`describeWithTerraform("${name}")`);
  describeWhenAvailable(
    name,
    terraform.available ? { available: true } : { available: false, reason: terraform.reason ?? "no terraform" },
    body,
  );
}

// ---- the provider doubles ----

export type DoublesMode = "reattach" | "mirror";

export interface ProviderDoublesOptions {
  /**
   * "reattach": one long-lived process serves all providers through TF_REATTACH_PROVIDERS (fast, the default).
   * "mirror": Terraform installs and starts each provider itself from a generated filesystem mirror.
   * @default "reattach"
   */
  readonly mode?: DoublesMode;
  /** The fake clock's starting time. @default the real time */
  readonly now?: Date;
  /**
   * Where the doubles read reference schemas; a folder without them makes the doubles derive their schemas from the
   * installed provider packages' jsii manifests.
   * @default MIRADORE_SCHEMAS_DIR, else the repository's copies in test-support/fixtures/provider-schemas
   */
  readonly schemasDir?: string;
  /**
   * Serve this existing fake directory (another ProviderDoubles' `directoryRoot`) instead of a new one: several
   * processes over one directory let Terraform runs for different tenants run at once (ProviderDoublesPool).
   * stop() leaves it in place.
   * @default a new directory, deleted by stop()
   */
  readonly directoryRoot?: string;
}

/** How long stop() lets the doubles' process exit on its own before killing it (it normally takes milliseconds). */
const STOP_GRACE_MS = 10_000;

const TERRAFORM_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };

/** The provider doubles and the fake Entra directory (and Key Vaults) behind them. */
export class ProviderDoubles {
  private constructor(
    readonly mode: DoublesMode,
    /** Root of the fake directory: tenants/<tenantId>.json, keyvaults/<vault>.json, clock.json, faults.json. */
    readonly directoryRoot: string,
    private readonly tempRoot: string,
    private readonly terraformEnv: Readonly<Record<string, string>>,
    private readonly server: ChildProcess | undefined,
  ) {}

  static async start(options: ProviderDoublesOptions = {}): Promise<ProviderDoubles> {
    assertTerraformLane("ProviderDoubles.start()");
    const mode = options.mode ?? "reattach";
    const tempRoot = mkdtempSync(join(tmpdir(), "tf-doubles-"));
    const directoryRoot = options.directoryRoot ?? join(tempRoot, "entra");
    mkdirSync(directoryRoot, { recursive: true });
    if (options.now) writeClock(directoryRoot, options.now);
    const { serveScript } = await bundleDoubles(REPO_ROOT);
    const doublesEnv: Record<string, string> = { FAKE_ENTRA_DIR: directoryRoot, MIRADORE_REPO_ROOT: REPO_ROOT };
    if (options.schemasDir !== undefined) doublesEnv.MIRADORE_SCHEMAS_DIR = options.schemasDir;
    const pluginCache = join(tempRoot, "plugin-cache");
    mkdirSync(pluginCache);
    const cliConfig = join(tempRoot, "terraform.rc");
    const env: Record<string, string> = {
      ...doublesEnv,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_PLUGIN_CACHE_DIR: pluginCache,
    };

    if (mode === "mirror") {
      const mirror = join(tempRoot, "mirror");
      writeMirror(mirror, serveScript, doublesEnv);
      // Only the mirror: no `direct {}` installation method, so nothing is ever fetched from a registry.
      writeFileSync(
        cliConfig,
        `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
      );
      return new ProviderDoubles(mode, directoryRoot, tempRoot, env, undefined);
    }

    writeFileSync(cliConfig, "# provider doubles: providers attached through TF_REATTACH_PROVIDERS\n");
    const server = spawn(process.execPath, [serveScript, "reattach"], {
      env: { ...process.env, ...doublesEnv },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const reattach = await new Promise<string>((resolveLine, reject) => {
      let buffer = "";
      server.once("error", reject);
      server.once("exit", (code) =>
        reject(new Error(`provider doubles exited with code ${code} before they were ready`)),
      );
      server.stdout!.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        const newline = buffer.indexOf("\n");
        if (newline >= 0)
          resolveLine(
            JSON.stringify((JSON.parse(buffer.slice(0, newline)) as { reattachProviders: unknown }).reattachProviders),
          );
      });
    });
    server.removeAllListeners("exit");
    // A test that fails before stop() must not keep Jest alive: the process exits by itself when our end of its
    // stdin closes, which happens when this process exits.
    server.stdout!.destroy();
    server.unref();
    (server.stdin as unknown as { unref?: () => void }).unref?.();
    env.TF_REATTACH_PROVIDERS = reattach;
    return new ProviderDoubles(mode, directoryRoot, tempRoot, env, server);
  }

  /** Environment for a Terraform command that uses these doubles. */
  env(): Readonly<Record<string, string>> {
    return this.terraformEnv;
  }

  setClock(now: Date): void {
    writeClock(this.directoryRoot, now);
  }

  /** A tenant's directory as it is now (seeded with Microsoft Graph when nothing has touched it yet). */
  tenant(tenantId: string = DEFAULT_TENANT_ID): TenantDocument {
    return readTenant(this.directoryRoot, tenantId);
  }

  /** Changes a tenant outside Terraform, as an administrator in the portal would. */
  changeTenant(change: (doc: TenantDocument) => void, tenantId: string = DEFAULT_TENANT_ID): void {
    const doc = readTenant(this.directoryRoot, tenantId);
    change(doc);
    writeTenant(this.directoryRoot, doc);
  }

  /**
   * A Key Vault as it is now, by name: its secrets with every version (values included, for assertions), and its
   * soft-deleted secrets. Undefined until a key_vault_id has named it.
   */
  keyVault(vaultName: string): KeyVaultDocument | undefined {
    return readKeyVault(this.directoryRoot, vaultName);
  }

  /**
   * Makes a Key Vault, as its owner would have before any stack names it (for a `data "azurerm_key_vault"` to find):
   * `id` is its resource id. Returns it.
   */
  createKeyVault(id: string, options: { tenantId?: string } = {}): KeyVaultDocument {
    const parts = parseKeyVaultId(id);
    if (!parts) throw new Error(`createKeyVault: ${JSON.stringify(id)} is not a Key Vault resource id`);
    const doc = openKeyVault(this.directoryRoot, parts);
    if (!doc) throw new Error(`createKeyVault: a vault named ${parts.vaultName} exists elsewhere`);
    if (options.tenantId !== undefined) {
      doc.tenantId = options.tenantId;
      writeKeyVault(this.directoryRoot, doc);
    }
    return doc;
  }

  /** Changes a Key Vault outside Terraform, as an administrator in the portal would; it must exist. */
  changeKeyVault(vaultName: string, change: (doc: KeyVaultDocument) => void): void {
    const doc = readKeyVault(this.directoryRoot, vaultName);
    if (!doc)
      throw new Error(`key vault ${vaultName} does not exist in ${this.directoryRoot}: nothing has used it yet`);
    change(doc);
    writeKeyVault(this.directoryRoot, doc);
  }

  setFaults(rules: readonly FaultRule[]): void {
    writeFaults(this.directoryRoot, rules);
  }

  /** Lets the calls a `held` fault rule holds at `gate` go on (fake-entra/provider-faults.ts). */
  releaseGate(gate: string): void {
    releaseGate(this.directoryRoot, gate);
  }

  /** Stops the long-lived process and deletes the fake directory, unless `keepFiles`. */
  async stop(options: { keepFiles?: boolean } = {}): Promise<void> {
    const server = this.server;
    if (server && server.exitCode === null && server.signalCode === null) {
      // start() unref'd the process (and its stdin) so that a test failing before stop() cannot keep Jest alive. Here
      // it must keep this process alive until it has exited: otherwise, in a command whose only remaining work is
      // this wait (npm run sandbox after a Terraform error), Node finds nothing left to do and exits with code 0,
      // before the error is printed and before the files below are removed.
      server.ref();
      const exited = new Promise((resolveExit) => server.once("exit", resolveExit));
      server.stdin!.end(); // the doubles exit when their stdin closes (serve.ts)
      const stuck = setTimeout(() => server.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(stuck);
    }
    if (!options.keepFiles) rmSync(this.tempRoot, { recursive: true, force: true });
  }
}

/** A filesystem mirror in the "unpacked" layout: HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION. */
function writeMirror(mirror: string, serveScript: string, doublesEnv: Record<string, string>): void {
  const platform = `${process.platform}_${TERRAFORM_ARCH[process.arch] ?? process.arch}`;
  for (const [name, { address, version }] of Object.entries(PROVIDERS)) {
    const dir = join(mirror, address, version, platform);
    mkdirSync(dir, { recursive: true });
    const defaults = Object.entries(doublesEnv).map(([k, v]) => `: "\${${k}:=${v}}"; export ${k}`);
    const launcher = [
      "#!/bin/sh",
      "# Provider double (test-support/provider-doubles): not the real provider.",
      ...defaults,
      `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(serveScript)} plugin ${name}`,
      "",
    ];
    writeFileSync(join(dir, `terraform-provider-${name}_v${version}`), launcher.join("\n"), { mode: 0o755 });
  }
}

// ---- a Terraform workspace ----

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** A command's error output on one line: Terraform wraps long diagnostics at arbitrary spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ");
}

export class TerraformCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    super(`terraform ${args.join(" ")} exited with ${result.exitCode}:\n${result.stderr || result.stdout}`);
  }
}

/** Parsed `terraform show -json` of a plan (the parts tests read; the rest is there too). */
export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Record<string, { actions: string[]; after_sensitive?: unknown }>;
  readonly planned_values?: unknown;
  readonly [key: string]: unknown;
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    readonly replace_paths?: unknown;
  };
  readonly action_reason?: string;
}

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly values: Record<string, unknown>;
  readonly sensitive_values?: Record<string, unknown>;
}

export interface StateJson {
  readonly values?: {
    readonly root_module: { readonly resources?: readonly StateResource[] };
    readonly outputs?: Record<string, OutputValue>;
  };
}

export interface OutputValue {
  readonly value: unknown;
  readonly sensitive: boolean;
  readonly type?: unknown;
}

export interface ValidateJson {
  readonly valid: boolean;
  readonly error_count: number;
  readonly diagnostics: readonly { severity: string; summary: string; detail?: string }[];
}

/** Reads cdktf.out/manifest.json: stack name → folder holding its cdk.tf.json. */
export function synthesizedStacks(outDir: string = join(REPO_ROOT, "cdktf.out")): Record<string, string> {
  const manifestFile = join(outDir, "manifest.json");
  if (!existsSync(manifestFile)) return {};
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, s]) => [name, join(outDir, s.workingDirectory)]),
  );
}

export class TerraformWorkspace {
  /** Every command run, with its wall time, in order. */
  readonly timings: { command: string; durationMs: number }[] = [];

  private constructor(
    readonly dir: string,
    private readonly doubles: ProviderDoubles,
  ) {}

  /**
   * Copies a stack into a fresh temporary folder. `source` is a synthesized stack folder, or a cdk.tf.json document.
   * The stack's backend is dropped so state stays in the workspace (cdktf writes a local backend whose path points into
   * the repository).
   */
  static create(doubles: ProviderDoubles, source: string | Record<string, unknown>): TerraformWorkspace {
    const dir = mkdtempSync(join(tmpdir(), "tf-workspace-"));
    let config: Record<string, any>;
    if (typeof source === "string") {
      for (const entry of readdirSync(source)) {
        if (entry === ".terraform" || entry.includes(".tfstate") || entry === "cdk.tf.json") continue;
        cpSync(join(source, entry), join(dir, entry), { recursive: true });
      }
      config = JSON.parse(readFileSync(join(source, "cdk.tf.json"), "utf8")) as Record<string, any>;
    } else {
      config = structuredClone(source) as Record<string, any>;
    }
    // Neither a backend nor HCP Terraform (`cloud`): the state stays in the workspace.
    if (config.terraform?.backend) delete config.terraform.backend;
    if (config.terraform?.cloud) delete config.terraform.cloud;
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config, null, 2));
    return new TerraformWorkspace(dir, doubles);
  }

  /** Replaces the workspace's configuration (e.g. to break it on purpose). */
  writeConfig(config: Record<string, unknown>): void {
    writeFileSync(join(this.dir, "cdk.tf.json"), JSON.stringify(config, null, 2));
  }

  readConfig(): Record<string, any> {
    return JSON.parse(readFileSync(join(this.dir, "cdk.tf.json"), "utf8")) as Record<string, any>;
  }

  /** Runs `terraform <args>` in the workspace; rejects with TerraformCommandError on a non-zero exit unless allowed. */
  run(args: readonly string[], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
    assertTerraformLane(`terraform ${args[0] ?? ""}`);
    const started = performance.now();
    const env = {
      ...process.env,
      ...this.doubles.env(),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    };
    return new Promise((resolveRun, reject) => {
      execFile(
        "terraform",
        [...args],
        { cwd: this.dir, env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          const result: CommandResult = {
            exitCode: error ? (typeof error.code === "number" ? error.code : 1) : 0,
            stdout,
            stderr,
            durationMs: performance.now() - started,
          };
          this.timings.push({ command: args[0] ?? "", durationMs: result.durationMs });
          if (result.exitCode !== 0 && !options.allowFailure) reject(new TerraformCommandError(args, result));
          else resolveRun(result);
        },
      );
    });
  }

  async init(): Promise<void> {
    await this.run(["init", "-input=false", "-no-color"]);
  }

  /** `terraform validate -json`: the verdict, also when the configuration is invalid. */
  async validate(): Promise<ValidateJson> {
    const result = await this.run(["validate", "-json", "-no-color"], { allowFailure: true });
    return JSON.parse(result.stdout) as ValidateJson;
  }

  /** `terraform plan -out` then `show -json` of that plan. `extraArgs` e.g. ["-destroy"]. */
  async plan(extraArgs: readonly string[] = []): Promise<PlanJson> {
    await this.run(["plan", "-input=false", "-no-color", "-out=tfplan", ...extraArgs]);
    return this.showPlan();
  }

  /** A plan that must fail: the command result, for its error text. */
  async planFailure(): Promise<CommandResult> {
    const result = await this.run(["plan", "-input=false", "-no-color"], { allowFailure: true });
    if (result.exitCode === 0) throw new Error(`terraform plan succeeded but was expected to fail:\n${result.stdout}`);
    return result;
  }

  async showPlan(): Promise<PlanJson> {
    return JSON.parse((await this.run(["show", "-json", "-no-color", "tfplan"])).stdout) as PlanJson;
  }

  /** Applies the last saved plan. */
  async apply(): Promise<CommandResult> {
    return this.run(["apply", "-input=false", "-no-color", "tfplan"]);
  }

  /** An apply (of the configuration, not a saved plan) that must fail: the command result. */
  async applyFailure(): Promise<CommandResult> {
    const result = await this.run(["apply", "-input=false", "-no-color", "-auto-approve"], { allowFailure: true });
    if (result.exitCode === 0) throw new Error(`terraform apply succeeded but was expected to fail:\n${result.stdout}`);
    return result;
  }

  async state(): Promise<StateJson> {
    return JSON.parse((await this.run(["show", "-json", "-no-color"])).stdout) as StateJson;
  }

  async outputs(): Promise<Record<string, OutputValue>> {
    return JSON.parse((await this.run(["output", "-json", "-no-color"])).stdout) as Record<string, OutputValue>;
  }

  async destroy(): Promise<CommandResult> {
    return this.run(["destroy", "-input=false", "-no-color", "-auto-approve"]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resource changes of a plan that do something (not no-op / read). */
export function effectiveChanges(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? []).filter((c) => !c.change.actions.every((a) => a === "no-op" || a === "read"));
}

/** Managed and data resources of a state, by address. */
export function stateResources(state: StateJson): Record<string, StateResource> {
  return Object.fromEntries((state.values?.root_module.resources ?? []).map((r) => [r.address, r]));
}
