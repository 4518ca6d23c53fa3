// The operator notice: the body of the single "secret rotation" issue, from `expiry-check --json` output. Dates,
// key ids and instructions only; it is a function of the secrets' dates, not of the day it is rendered, so a daily
// run leaves the issue (and the operator's ticked boxes) untouched until something changes.
import { z } from "zod";
import { PipelineError } from "./command-context";
import { trackingMarker } from "./tracking-issue";

const dated = z.object({ date: z.string(), daysFromNow: z.number() });
const status = z.object({
  stack: z.string(),
  verdict: z.enum(["ok", "handoff-pending", "expiring"]),
  warnings: z.array(z.string()),
  current: z.object({ keyId: z.string().optional(), start: dated, end: dated }),
  previous: z.object({ end: dated }),
  handoff: z.object({ pending: z.boolean(), deadline: dated }),
  nextRotation: dated,
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

/** Parses `expiry-check --json` output; its own "bad input" answer (exit code 2) becomes a PipelineError. */
export function parseExpiryReport(text: string, source: string): { now: string; stacks: ExpiryStackStatus[] } {
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
  if ("error" in parsed.data) throw new PipelineError(`expiry-check rejected its input: ${parsed.data.error}`);
  return parsed.data;
}

const day = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const code = (text: string) => `\`${text.replace(/`/g, "")}\``;

/** Renders the notice for the stacks that need attention; `runUrl` links the run that checked. */
export function renderOperatorNotice(
  stacks: readonly ExpiryStackStatus[],
  checkedAt: string,
  runUrl?: string,
): OperatorNotice {
  const urgent = stacks.filter((s) => s.verdict === "expiring");
  const handoffs = stacks.filter((s) => s.verdict === "handoff-pending");
  const attention = [...urgent, ...handoffs];
  const lines = [trackingMarker("secret-rotation")];
  if (attention.length === 0) {
    lines.push(
      "## Miradore client secrets: nothing to do",
      "",
      `Checked ${day(checkedAt)}${runUrl ? ` by [this run](${runUrl})` : ""}: no handoff is pending and no secret expires soon in ${stacks.length} ${stacks.length === 1 ? "stack" : "stacks"}. Closed automatically; the scheduled run reopens it when there is something to do.`,
    );
    return { state: "closed", markdown: `${lines.join("\n")}\n`, stacks: [] };
  }
  lines.push(
    "## Miradore client secrets: operator action needed",
    "",
    "This issue is kept up to date by the scheduled rotation workflow and closes itself when nothing is left to do. " +
      "It never contains a secret: read the secret from Terraform state as shown below and paste it only into Miradore.",
  );
  for (const s of urgent) lines.push("", ...urgentBlock(s));
  for (const s of handoffs) lines.push("", ...handoffBlock(s));
  const fine = stacks.length - attention.length;
  if (fine > 0) lines.push("", `${fine} other ${fine === 1 ? "stack is" : "stacks are"} fine.`);
  return { state: "open", markdown: `${lines.join("\n")}\n`, stacks: attention };
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
    "",
    `- [ ] Someone with read access to the Terraform state runs ${code(`npm ci && npm run synth && cd cdktf.out/stacks/${s.stack} && terraform init && terraform output -raw client_secret`)}`,
    "- [ ] and pastes the value into Miradore's Microsoft Entra ID (Azure AD) connection as the client secret, then tests the connection there;",
    `- [ ] optionally checks in the Entra admin center (App registrations → the app → Certificates & secrets) that the secret in use has key id ${code(s.current.keyId ?? "client_secret_key_id output")}.`,
    ...s.warnings.map((w) => `- ⚠️ ${w}`),
  ];
}

function urgentBlock(s: ExpiryStackStatus): string[] {
  return [
    `### ${code(s.stack)}: a secret expires soon or has expired`,
    "",
    ...s.warnings.map((w) => `- ⚠️ ${w}`),
    `- Current secret${s.current.keyId ? ` ${code(s.current.keyId)}` : ""}: made ${day(s.current.start.date)}, expires **${day(s.current.end.date)}**; previous secret expires ${day(s.previous.end.date)}; next rotation ${day(s.nextRotation.date)}.`,
    s.handoff.pending
      ? `- A handoff is pending: paste the current secret into Miradore by **${day(s.handoff.deadline.date)}** (see the steps in the README, "Deploying").`
      : "- Check that the scheduled rotation workflow runs and succeeds (Actions → rotation); a failed run leaves due rotations undone.",
    `- If a secret leaked, run the rotation workflow by hand with ${code(`stack: ${s.stack}`)} and ${code("rotation: revoke")}.`,
  ];
}
