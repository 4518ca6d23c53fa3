// The operator notice: the body of the single "secret rotation" issue, from `expiry-check --json` output and each
// stack's apply result. Dates, key ids and instructions only; it is a function of the secrets' dates and the runs'
// results, not of the day it is rendered, so a daily run leaves the issue (and the operator's ticked boxes) untouched
// until something changes. Every stack the run was meant to check appears: one whose apply failed is shown with its
// secrets' expiry from the last state it has, and one the run has no data for is named as such. With Entra's sign-in
// logs (expiry-check --sign-ins) it also says what Miradore last signed in with: while a stack needs attention, that
// line changes with each day's sign-in, so the body is then rewritten daily and boxes ticked in it are reset
// until the logs show the switch (which closes the handoff by itself).
import { z } from "zod";
import { PipelineError } from "./command-context";
import type { ApplyRecord } from "./apply-records";
import { escapeMarkdown } from "../plan-review/markdown";
import { trackingMarker } from "./tracking-issue";
import { adminConsentUrl } from "../../app/onboarding/admin-consent-url";
import { STILL_USED } from "../sign-in-logs/still-used";

const dated = z.object({ date: z.string(), daysFromNow: z.number() });
const status = z.object({
  stack: z.string(),
  verdict: z.enum(["ok", "handoff-pending", "expiring"]),
  warnings: z.array(z.string()),
  current: z.object({ keyId: z.string().optional(), start: dated, end: dated }),
  previous: z.object({ end: dated }),
  handoff: z.object({ pending: z.boolean(), deadline: dated }),
  nextRotation: dated,
  /** What Entra's sign-in logs show (expiry-check --sign-ins); absent without them. */
  observed: z
    .object({
      available: z.boolean(),
      unavailable: z.string().optional(),
      lastSignIn: z
        .object({ at: z.string(), keyId: z.string(), role: z.enum(["current", "previous", "unknown"]) })
        .optional(),
      failing: z.object({ at: z.string(), errorCode: z.number(), keyId: z.string().nullable() }).optional(),
    })
    .optional(),
});
const report = z.union([
  z.object({ now: z.string(), warnDays: z.number(), exitCode: z.number(), stacks: z.array(status) }),
  z.object({ exitCode: z.literal(2), error: z.string() }),
]);

export type ExpiryStackStatus = z.infer<typeof status>;

export interface OperatorNotice {
  /** "open" while an operator has something to do, else "closed". */
  readonly state: "open" | "closed";
  readonly markdown: string;
  /** The stacks that need attention, most urgent first. */
  readonly stacks: readonly ExpiryStackStatus[];
}

/** `expiry-check --json` output: the stacks' statuses, or why the check could not run (its exit code 2 answer). */
export type ExpiryReport =
  | { readonly now: string; readonly stacks: ExpiryStackStatus[] }
  | { readonly now?: undefined; readonly stacks: []; readonly error: string };

/** Parses `expiry-check --json` output; its "bad input" answer (exit code 2) is returned as such. */
export function parseExpiryReport(text: string, source: string): ExpiryReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError(
      `${source} is not JSON (${text.trim() === "" ? "it is empty" : `${text.length} characters`}); expected the output of \`npm run --silent expiry-check -- <outputs.json> --json\``,
    );
  }
  const parsed = report.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError(
      `${source}: ${issue.path.join(".") || "(root)"} ${issue.message}; expected expiry-check --json output`,
    );
  }
  if ("error" in parsed.data) return { stacks: [], error: parsed.data.error };
  return parsed.data;
}

const day = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const code = (text: string) => `\`${text.replace(/`/g, "")}\``;

/** What the run knows besides the secrets' dates. */
export interface RunResults {
  /** Each stack's apply result, by stack (absent: the job left none). */
  readonly records?: ReadonlyMap<string, ApplyRecord>;
  /** Every stack the run was meant to check (the workflow's matrix). */
  readonly expected?: readonly string[];
  /** Why the expiry check could not read the outputs, when it could not. */
  readonly expiryError?: string;
}

/** Renders the notice for the stacks that need attention; `runUrl` links the run that checked. */
export function renderOperatorNotice(
  stacks: readonly ExpiryStackStatus[],
  checkedAt: string,
  runUrl?: string,
  results: RunResults = {},
): OperatorNotice {
  const records = results.records ?? new Map<string, ApplyRecord>();
  const byStack = new Map(stacks.map((s) => [s.stack, s]));
  const failed = [...records.values()]
    .filter((r) => r.result === "failed")
    .sort((a, b) => a.stack.localeCompare(b.stack));
  const named = new Set([...byStack.keys(), ...records.keys()]);
  const missing = (results.expected ?? []).filter(
    (stack) => !byStack.has(stack) && records.get(stack)?.result !== "failed",
  );
  const failedStacks = new Set(failed.map((r) => r.stack));
  const held = [...records.values()].filter(
    (r) => r.result === "held" && byStack.has(r.stack) && !failedStacks.has(r.stack),
  );
  const heldStacks = new Set(held.map((r) => r.stack));
  const urgent = stacks.filter(
    (s) => s.verdict === "expiring" && !failedStacks.has(s.stack) && !heldStacks.has(s.stack),
  );
  const handoffs = stacks.filter(
    (s) => s.verdict === "handoff-pending" && !failedStacks.has(s.stack) && !heldStacks.has(s.stack),
  );
  const attention = [...urgent, ...handoffs, ...held.map((r) => byStack.get(r.stack)!)];
  const total = new Set([...named, ...missing]).size;
  const lines = [trackingMarker("secret-rotation")];
  const logs = signInLogsLine(stacks);
  if (attention.length === 0 && failed.length === 0 && missing.length === 0) {
    lines.push(
      "## Miradore client secrets: nothing to do",
      "",
      `Checked ${day(checkedAt)}${runUrl ? ` by [this run](${runUrl})` : ""}: no handoff is pending and no secret expires soon in ${total} ${total === 1 ? "stack" : "stacks"}. Closed automatically; the scheduled run reopens it when there is something to do.`,
      ...logs,
    );
    return { state: "closed", markdown: `${lines.join("\n")}\n`, stacks: [] };
  }
  lines.push(
    "## Miradore client secrets: operator action needed",
    "",
    "This issue is kept up to date by the scheduled rotation workflow and closes itself when nothing is left to do. " +
      "It never contains a secret: read the secret from Terraform state as shown below and paste it only into Miradore.",
    ...logs,
  );
  for (const record of failed) lines.push("", ...failedBlock(record, byStack.get(record.stack)));
  for (const stack of missing) lines.push("", ...noDataBlock(stack, results.expiryError));
  for (const s of urgent) lines.push("", ...urgentBlock(s));
  for (const record of held) lines.push("", ...heldBlock(record, byStack.get(record.stack)!));
  for (const s of handoffs) lines.push("", ...handoffBlock(s));
  const fine = total - attention.length - failed.length - missing.length;
  if (fine > 0) lines.push("", `${fine} other ${fine === 1 ? "stack is" : "stacks are"} fine.`);
  return { state: "open", markdown: `${lines.join("\n")}\n`, stacks: attention };
}

/**
 * Said once, not per stack: the sign-in logs could not be read (no licence, no permission), so this notice goes by the
 * handoff dates alone, as without them.
 */
function signInLogsLine(stacks: readonly ExpiryStackStatus[]): string[] {
  const reasons = [...new Set(stacks.flatMap((s) => (s.observed?.unavailable ? [s.observed.unavailable] : [])))];
  if (reasons.length === 0) return [];
  return [
    "",
    `ℹ️ Entra's sign-in logs could not be read (${reasons.map(escapeMarkdown).join("; ")}): this notice cannot see which secret Miradore uses and goes by the handoff dates alone.`,
  ];
}

/** What the sign-in logs say Miradore last signed in with, as a notice line; none without logs. */
function lastSignInLine(s: ExpiryStackStatus): string[] {
  const last = s.observed?.lastSignIn;
  if (!last) return [];
  const what =
    last.role === "unknown"
      ? `key id ${code(last.keyId)}, which is not one of this stack's secrets (deleted since, or added outside Terraform)`
      : `the ${last.role} secret`;
  return [
    `- 🔎 Miradore last signed in with ${what} on ${day(last.at)}` +
      (last.role === "previous" ? ` — paste the new one by **${day(s.handoff.deadline.date)}**.` : "."),
  ];
}

/** The secrets of a stack as its last state says, in one line; or that there is no state to say it. */
function secretsLine(s: ExpiryStackStatus | undefined): string {
  if (!s) return "- Its secrets' dates are not known: the state has none (was it ever deployed?).";
  return (
    `- From its last state: the current secret${s.current.keyId ? ` ${code(s.current.keyId)}` : ""} was made ` +
    `${day(s.current.start.date)} and expires **${day(s.current.end.date)}**; ` +
    `the previous one expires ${day(s.previous.end.date)}.`
  );
}

function failedBlock(record: ApplyRecord, s: ExpiryStackStatus | undefined): string[] {
  return [
    `### ${code(record.stack)}: the pipeline could not apply it`,
    "",
    // Without the run's date: the body stays the same while the failure does, so the issue is not rewritten daily.
    `- The last run failed: ${record.reasons.map(escapeMarkdown).join(" ") || "no reason was recorded"}`,
    ...tenantAccessLines(record),
    secretsLine(s),
    ...(s?.warnings ?? []).map((w) => `- ⚠️ ${w}`),
    "- Until it applies, no rotation happens for this stack, and its secrets run out at the dates above: fix what the " +
      "failure says (the run's log has Terraform's error), then run the rotation workflow by hand for this stack.",
  ];
}

/** For a tenant that does not let the CI identity in: whom to ask, with the link (built from GUIDs only). */
function tenantAccessLines(record: ApplyRecord): string[] {
  if (!record.tenantAccess) return [];
  const { tenantId, clientId } = record.tenantAccess;
  return [
    `- Tenant ${code(tenantId)} does not let the CI identity ${code(clientId)} in (its consent is missing or was ` +
      `revoked): send that tenant's administrator the [admin consent link](${adminConsentUrl(tenantId, clientId)}), ` +
      'or, if the customer has left, remove the site (README, "Many sites").',
  ];
}

function noDataBlock(stack: string, expiryError: string | undefined): string[] {
  return [
    `### ${code(stack)}: no data from this run`,
    "",
    "- The run was meant to check this stack, but left neither its outputs nor its apply result" +
      (expiryError ? ` (the expiry check could not read the outputs: ${escapeMarkdown(expiryError)})` : "") +
      ": its job may have been cancelled or failed before reading the state. Look at the run's log, and run the " +
      "rotation workflow again; until then nothing here says how long its secrets stay valid.",
  ];
}

function heldBlock(record: ApplyRecord, s: ExpiryStackStatus): string[] {
  const stillUsed = s.observed?.lastSignIn?.role === "previous";
  return [
    `### ${code(record.stack)}: ${stillUsed ? STILL_USED : "a rotation is held: paste the newest client secret into Miradore now"}`,
    "",
    ...record.reasons.map((reason) => `- ⏸️ ${escapeMarkdown(reason)}`),
    secretsLine(s),
    "- The held rotation waits until Miradore may no longer use the secret it would delete; pasting the newest " +
      `secret (see below) ends the wait at the next run after its handoff deadline, **${day(s.handoff.deadline.date)}**.`,
    ...handoffBlock(s).slice(3),
  ];
}

function handoffBlock(s: ExpiryStackStatus): string[] {
  return [
    `### ${code(s.stack)}: paste the new client secret into Miradore by **${day(s.handoff.deadline.date)}**`,
    "",
    `A new client secret${s.current.keyId ? ` (key id ${code(s.current.keyId)})` : ""} was made on ${day(s.current.start.date)}, ` +
      "by a scheduled rotation or because the secret before it was deleted outside Terraform (the pipeline re-creates a deleted " +
      `secret). After a rotation, Miradore keeps working with the previous secret until it expires on ${day(s.previous.end.date)} ` +
      `or the next rotation (${day(s.nextRotation.date)}) deletes it, whichever is first. If the secret Miradore used was ` +
      "deleted, Miradore is disconnected until the new secret is pasted: do it now.",
    ...lastSignInLine(s),
    "",
    `- [ ] Someone with read access to the Terraform state runs ${code(`npm ci && npm run synth && cd cdktf.out/stacks/${s.stack} && terraform init && terraform output -raw client_secret`)}`,
    "- [ ] and pastes the value into Miradore's Microsoft Entra ID (Azure AD) connection as the client secret, then tests the connection there;",
    `- [ ] optionally checks in the Entra admin center (App registrations → the app → Certificates & secrets) that the secret in use has key id ${code(s.current.keyId ?? "client_secret_key_id output")}.`,
    ...s.warnings.map((w) => `- ⚠️ ${w}`),
  ];
}

function urgentBlock(s: ExpiryStackStatus): string[] {
  const observedProblem =
    s.observed?.failing !== undefined || (s.observed?.lastSignIn?.role ?? "current") !== "current";
  return [
    `### ${code(s.stack)}: ${observedProblem ? "Miradore needs the current client secret now" : "a secret expires soon or has expired"}`,
    "",
    ...s.warnings.map((w) => `- ⚠️ ${w}`),
    ...lastSignInLine(s),
    `- Current secret${s.current.keyId ? ` ${code(s.current.keyId)}` : ""}: made ${day(s.current.start.date)}, expires **${day(s.current.end.date)}**; previous secret expires ${day(s.previous.end.date)}; next rotation ${day(s.nextRotation.date)}.`,
    s.handoff.pending
      ? `- A handoff is pending: paste the current secret into Miradore by **${day(s.handoff.deadline.date)}** (see the steps in the README, "Deploying").`
      : "- Check that the scheduled rotation workflow runs and succeeds (Actions → rotation); a failed run leaves due rotations undone.",
    `- If a secret leaked, run the rotation workflow by hand with ${code(`stack: ${s.stack}`)} and ${code("rotation: revoke")}.`,
  ];
}
