// Step outputs for GitHub Actions: appended to the file named by GITHUB_OUTPUT, or printed when run by hand.
import { appendFileSync } from "node:fs";
import type { CommandContext } from "./command-context";

/** Sets step outputs; values are single-line by construction (names, JSON, booleans), never secrets. */
export function setStepOutputs(context: CommandContext, outputs: Readonly<Record<string, string>>): void {
  const lines = Object.entries(outputs).map(([name, value]) => {
    if (/[\r\n]/.test(value)) throw new Error(`step output ${name} must be one line`);
    return `${name}=${value}\n`;
  });
  const file = context.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, lines.join(""));
  else context.stdout(lines.join(""));
}

/** A one-line annotation GitHub shows on the run (::notice:: / ::warning::); plain text elsewhere. */
export function annotate(context: CommandContext, level: "notice" | "warning", title: string, message: string): void {
  const escape = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  context.stdout(`::${level} title=${escape(title).replace(/[:,]/g, " ")}::${escape(message)}\n`);
}

/** Appends Markdown to the run's summary page (GITHUB_STEP_SUMMARY), when there is one. */
export function appendStepSummary(context: CommandContext, markdown: string): void {
  const file = context.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdown}\n`);
}
