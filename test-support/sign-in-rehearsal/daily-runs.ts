// A rehearsal of the daily rotation workflow with Entra's sign-in logs on, through real Terraform, the provider
// doubles and the fake Graph: every simulated day a simulated Miradore signs in with the secret an operator pasted
// (the fake directory logs it, with the key id, and the logs show it `delayMinutes` later), then the workflow's steps
// run as the workflow runs them, in its order: ci:sign-ins (on the outputs of the state before the apply),
// ci:apply --sign-ins (plan, apply guard, apply), the outputs, expiry-check --sign-ins and ci:notice. The steps are
// the commands' own functions, called in this process: a year of daily runs through `npm run` would spend most of
// its time starting Node. Terraform plans every day; `terraform output` runs only after a day whose apply changed
// something (the state, and so the outputs, are otherwise as the day before).
// What each day did is recorded for the test to judge: the notice, the apply's result, what Miradore used, and which
// passwords the directory held. Nothing recorded holds a secret value.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main as expiryCheck } from "../../tools/expiry-check";
import type { CommandContext } from "../../tools/pipeline/command-context";
import { applyWithRecord } from "../../tools/pipeline/commands/apply";
import { publicOutputs } from "../../tools/pipeline/public-outputs";
import { runPipeline } from "../../tools/pipeline";
import { inUseFromFile } from "../../tools/sign-in-logs/guard-sign-ins";
import type { FakeGraphApi } from "../fake-graph-api";
import { DEFAULT_TENANT_ID, updateTenant } from "../provider-doubles/fake-entra/directory-store";
import { signInWithSecret } from "../provider-doubles/fake-entra/sign-in-log";
import { site, synthSite } from "../synth-site";
import { ProviderDoubles, TerraformWorkspace } from "../terraform-harness";

export const STACK = "miradore-rehearsal";
export const REHEARSAL_LIFETIME_DAYS = 300;
const DAY_MS = 86_400_000;

/** What the operator knows when deciding what to paste (after the day's run). */
export interface OperatorView {
  readonly day: number;
  /** The notice the day's run wrote. */
  readonly notice: string;
  /** Days since the current secret was made (0 on the day it appears). */
  readonly currentAgeDays: number;
  readonly currentKeyId: string;
  /** The key id Miradore is set to, or "wrong" / undefined. */
  readonly miradoreKeyId: string | undefined;
}

/** What the operator pastes into Miradore after reading the day's notice: the current secret, a wrong value, or nothing. */
export type OperatorAction = "paste-current" | "paste-wrong" | undefined;

export interface Operator {
  readonly name: string;
  act(view: OperatorView): OperatorAction;
}

export interface RehearsalOptions {
  readonly days: number;
  readonly start: Date;
  /** The tenant has an Entra ID P1/P2 licence. */
  readonly licensed: boolean;
  /** Minutes until a sign-in shows in the logs. */
  readonly logDelayMinutes: number;
}

/** One day, after its run. */
export interface RehearsalDay {
  readonly day: number;
  readonly at: Date;
  readonly result: string;
  /** The apply record's reasons (the guard's holds). */
  readonly reasons: readonly string[];
  readonly notice: string;
  readonly noticeState: string;
  readonly outputs: {
    readonly currentKeyId: string;
    readonly previousKeyId: string;
    readonly currentStart: string;
    readonly handoffDeadline: string;
  };
  /** Miradore's latest attempt the logs could show at the run (after the delay): key id used and success. */
  readonly visibleAttempt?: { readonly at: Date; readonly keyId: string | null; readonly ok: boolean };
  /** Key id Miradore was set to during the run, whether it was a valid password before the run, and after it. */
  readonly miradore: { readonly keyId?: string; readonly validBefore: boolean; readonly existsAfter: boolean };
  /** The operator's action after the run. */
  readonly action: OperatorAction;
  /** Whether the notice, the expiry report, an observation, the outputs or a step's log held a pasted secret value. */
  readonly showsSecret: boolean;
  /** Wall time of the day, milliseconds. */
  readonly ms: number;
}

/** Runs `options.days` daily runs (06:00 UTC) for one operator; Miradore syncs daily at 05:00 UTC. */
export async function rehearseDailyRuns(
  doubles: ProviderDoubles,
  graph: FakeGraphApi,
  operator: Operator,
  options: RehearsalOptions,
): Promise<RehearsalDay[]> {
  // A lifetime well beyond the rotation interval (the defaults otherwise): a secret Miradore keeps using is then due
  // for deletion by its slot's rotation months before it expires, so the guard's hold on it is seen for months.
  const { json } = synthSite(
    site({ name: "rehearsal", tenantId: DEFAULT_TENANT_ID, secret: { lifetimeDays: REHEARSAL_LIFETIME_DAYS } }),
  );
  const workspace = TerraformWorkspace.create(doubles, json as unknown as Record<string, unknown>);
  const files = join(workspace.dir, "pipeline-files");
  mkdirSync(files, { recursive: true });
  const outputsFile = join(files, `${STACK}.json`);
  const signInsFile = join(files, `${STACK}.sign-ins.json`);
  const log: string[] = [];
  const context: CommandContext = {
    env: { ...process.env, ...doubles.env(), ...graph.env(), MIRADORE_RETRY_BASE_MS: "0" },
    cwd: workspace.dir,
    stdout: (text) => log.push(text),
    stderr: (text) => log.push(text),
    fetch: (input, init) => fetch(input, init),
  };
  graph.signInLogs.licensed = options.licensed;
  graph.signInLogs.delayMinutes = options.logDelayMinutes;
  const miradore: { secret?: string; keyId?: string } = {};
  /** Every secret value the operator has pasted (right or wrong): none may appear in anything the steps wrote. */
  const pasted = new Set<string>();
  const attempts: { at: Date; keyId: string | null; ok: boolean }[] = [];
  const days: RehearsalDay[] = [];
  try {
    await workspace.init();
    let haveOutputs = false;
    let lastSerial = -1;
    for (let day = 0; day < options.days; day++) {
      const started = performance.now();
      const runAt = new Date(options.start.getTime() + day * DAY_MS);
      // Miradore's daily sync, an hour before the run.
      if (miradore.secret !== undefined && day > 0) {
        const at = new Date(runAt.getTime() - 60 * 60_000);
        const record = updateTenant(doubles.directoryRoot, DEFAULT_TENANT_ID, (doc) =>
          signInWithSecret(doc, { clientId: appIdOf(doc), secret: miradore.secret!, at }),
        );
        attempts.push({ at, keyId: record.servicePrincipalCredentialKeyId, ok: record.status.errorCode === 0 });
      }
      doubles.setClock(runAt);
      const validBefore = miradore.keyId !== undefined && passwordValid(doubles, miradore.keyId, runAt);

      // The workflow's steps.
      if (haveOutputs) {
        await step(context, log, [
          "sign-ins",
          ...["--stack", STACK, "--outputs-file", outputsFile, "--out-file", signInsFile, "--now", runAt.toISOString()],
        ]);
      }
      const resultFile = join(files, `${STACK}.result.json`);
      await applyWithRecord(
        context,
        { name: STACK, dir: workspace.dir },
        {
          now: runAt,
          initialized: true,
          inUse: haveOutputs ? inUseFromFile(context, signInsFile, STACK, runAt) : undefined,
        },
        resultFile,
      ).catch((error: Error) => log.push(`apply failed: ${error.message}\n`));
      const record = JSON.parse(readFileSync(resultFile, "utf8")) as { result: string; reasons: string[] };
      const result = record.result;
      // The outputs are read from the state: unchanged state (same serial), unchanged outputs.
      const serial = stateSerial(workspace.dir);
      if (!haveOutputs || serial !== lastSerial) {
        lastSerial = serial;
        const shown = await workspace.run(["output", "-json", "-no-color"]);
        writeFileSync(outputsFile, `${JSON.stringify(publicOutputs(STACK, shown.stdout), null, 2)}\n`);
        haveOutputs = true;
      }
      const expiry: string[] = [];
      expiryCheck([outputsFile, "--json", "--now", runAt.toISOString(), "--sign-ins", files], {
        stdout: (t) => expiry.push(t),
        stderr: (t) => log.push(t),
        readFile: (p) => readFileSync(p, "utf8"),
      });
      const expiryFile = join(files, "expiry.json");
      writeFileSync(expiryFile, expiry.join(""));
      const noticeFile = join(files, "notice.md");
      const outputFile = join(files, "github-output");
      writeFileSync(outputFile, "");
      await step({ ...context, env: { ...context.env, GITHUB_OUTPUT: outputFile } }, log, [
        "notice",
        expiryFile,
        "--out-file",
        noticeFile,
        "--results-dir",
        files,
      ]);
      const notice = readFileSync(noticeFile, "utf8");
      const noticeState = /state=(\w+)/.exec(readFileSync(outputFile, "utf8"))?.[1] ?? "";
      const outputs = readOutputs(outputsFile);

      // The operator reads the notice and acts; Miradore uses what was pasted from its next sync on.
      const view: OperatorView = {
        day,
        notice,
        currentAgeDays: Math.floor((runAt.getTime() - Date.parse(outputs.currentStart)) / DAY_MS),
        currentKeyId: outputs.currentKeyId,
        miradoreKeyId: miradore.keyId,
      };
      const action = day === 0 ? "paste-current" : operator.act(view);
      if (action === "paste-current") {
        miradore.secret = secretOf(workspace.dir, outputs.currentKeyId);
        miradore.keyId = outputs.currentKeyId;
      } else if (action === "paste-wrong") {
        const right = secretOf(workspace.dir, outputs.currentKeyId);
        miradore.secret = `${right.slice(0, -1)}${right.endsWith("x") ? "y" : "x"}`; // one character off
        miradore.keyId = undefined;
      }
      if (miradore.secret !== undefined) pasted.add(miradore.secret);
      const written = [notice, expiry.join(""), log.join(""), haveOutputs ? readFileSync(outputsFile, "utf8") : ""];
      if (existsSync(signInsFile)) written.push(readFileSync(signInsFile, "utf8"));
      const showsSecret = [...pasted].some((secret) => written.some((text) => text.includes(secret)));
      const visibleUntil = runAt.getTime() - options.logDelayMinutes * 60_000;
      const visibleAttempt = attempts.filter((a) => a.at.getTime() <= visibleUntil).at(-1);
      days.push({
        day,
        at: runAt,
        result,
        reasons: record.reasons,
        notice,
        noticeState,
        outputs,
        ...(visibleAttempt ? { visibleAttempt } : {}),
        miradore: {
          ...(view.miradoreKeyId ? { keyId: view.miradoreKeyId } : {}),
          validBefore,
          existsAfter: view.miradoreKeyId !== undefined && passwordExists(doubles, view.miradoreKeyId),
        },
        action: day === 0 ? "paste-current" : action,
        showsSecret,
        ms: performance.now() - started,
      });
      log.length = 0;
    }
  } finally {
    workspace.remove();
    rmSync(files, { recursive: true, force: true });
  }
  return days;
}

/** A pipeline command in this process; a failure fails the rehearsal with the command's own message. */
async function step(context: CommandContext, log: string[], argv: string[]): Promise<void> {
  const code = await runPipeline(argv, context);
  if (code !== 0) throw new Error(`pipeline ${argv[0]} exited with ${code}: ${log.join("")}`);
}

function appIdOf(doc: { applications: Record<string, { appId: string }> }): string {
  const apps = Object.values(doc.applications);
  if (apps.length !== 1) throw new Error(`expected one application, found ${apps.length}`);
  return apps[0]!.appId;
}

function passwordOf(doubles: ProviderDoubles, keyId: string) {
  return Object.values(doubles.tenant().applications)
    .flatMap((a) => a.passwordCredentials)
    .find((c) => c.keyId === keyId);
}

const passwordExists = (doubles: ProviderDoubles, keyId: string) => passwordOf(doubles, keyId) !== undefined;

function passwordValid(doubles: ProviderDoubles, keyId: string, at: Date): boolean {
  const password = passwordOf(doubles, keyId);
  return password !== undefined && Date.parse(password.endDateTime) > at.getTime();
}

function readOutputs(file: string): RehearsalDay["outputs"] {
  const values = (JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>)[STACK]!;
  return {
    currentKeyId: values.client_secret_key_id!,
    previousKeyId: values.previous_client_secret_key_id!,
    currentStart: values.client_secret_start_date!,
    handoffDeadline: values.handoff_deadline!,
  };
}

function stateSerial(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { serial: number }).serial;
}

/** The value an operator reads with `terraform output -raw client_secret`: from the state, by key id. */
function secretOf(dir: string, keyId: string): string {
  const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as {
    resources: { type: string; instances: { attributes: { key_id?: string; value?: string } }[] }[];
  };
  const value = state.resources
    .filter((r) => r.type === "azuread_application_password")
    .flatMap((r) => r.instances)
    .find((i) => i.attributes.key_id === keyId)?.attributes.value;
  if (!value) throw new Error(`no password with key id ${keyId} in the state`);
  return value;
}
