// ci:notice: turns `expiry-check --json` output into the operator notice (the tracking issue's body) and says whether
// the issue should be open or closed. Run before ci:issue.
import { type CommandContext } from "../command-context";
import { parseCommandArgs, readTextFile, required, writeTextFile } from "../command-args";
import { annotate, setStepOutputs } from "../github-output";
import { parseExpiryReport, renderOperatorNotice } from "../operator-notice";
import { runUrl } from "../run-url";

export async function noticeCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("notice", argv, { "out-file": { type: "string" } }, 1);
  const source = positionals[0]!;
  const report = parseExpiryReport(readTextFile(context, source, "expiry report"), source);
  const notice = renderOperatorNotice(report.stacks, report.now, runUrl(context));
  writeTextFile(context, required("notice", "out-file", values["out-file"]), notice.markdown);
  for (const s of notice.stacks) {
    annotate(
      context,
      s.verdict === "expiring" ? "warning" : "notice",
      `${s.stack}: ${s.verdict}`,
      s.verdict === "expiring"
        ? s.warnings.join("; ")
        : `paste the new client secret into Miradore by ${s.handoff.deadline.date}`,
    );
  }
  setStepOutputs(context, { state: notice.state });
  return 0;
}
