// ci:issue: opens, updates or closes the single tracking issue of a kind (secret rotation, drift).
import { type CommandContext } from "../command-context";
import { oneOf, parseCommandArgs, readTextFile, required } from "../command-args";
import { gitHubApi } from "../github-api";
import { syncTrackingIssue, TRACKING_ISSUES, type TrackingIssueKey } from "../tracking-issue";

export async function issueCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs("issue", argv, {
    kind: { type: "string" },
    "body-file": { type: "string" },
    state: { type: "string" },
  });
  const kind = oneOf(
    "issue",
    "kind",
    required("issue", "kind", values.kind),
    Object.keys(TRACKING_ISSUES) as TrackingIssueKey[],
  );
  const state = oneOf("issue", "state", required("issue", "state", values.state), ["open", "closed"] as const);
  const body = readTextFile(context, required("issue", "body-file", values["body-file"]), "issue body");
  const outcome = await syncTrackingIssue(gitHubApi(context), kind, state, body);
  context.stdout(`${kind} issue: ${outcome}\n`);
  return 0;
}
