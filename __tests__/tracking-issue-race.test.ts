// Issue 13: two scheduled runs at once must not leave two tracking issues open. Several syncTrackingIssue calls run
// at the same time against the fake GitHub, which holds their first look at the open issues until every run has
// asked, so each of them finds none and creates one: they must still end with exactly one open issue.
import type { CommandContext } from "../tools/pipeline/command-context";
import { gitHubApi } from "../tools/pipeline/github-api";
import { syncTrackingIssue, trackingMarker } from "../tools/pipeline/tracking-issue";
import { FakeGitHub } from "./pipeline-fake-github";

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(() => github.stop());

function api() {
  const context: CommandContext = {
    env: { GITHUB_TOKEN: "test-token", GITHUB_REPOSITORY: "contoso/miradore", GITHUB_API_URL: github.url },
    cwd: process.cwd(),
    stdout: () => {},
    stderr: () => {},
    fetch: (input, init) => fetch(input, init),
  };
  return gitHubApi(context);
}

const openIssues = (label: string) => github.issues.filter((i) => i.state === "open" && i.labels.includes(label));

test.each([2, 4])("%i runs opening the drift issue at once leave exactly one open, the oldest", async (runs) => {
  github.holdIssueLists(runs);
  const outcomes = await Promise.all(
    Array.from({ length: runs }, (_, run) => syncTrackingIssue(api(), "drift", "open", `drift seen by run ${run}`)),
  );

  // Every run found nothing and created an issue (the race happened), and one label exists.
  expect(github.issues).toHaveLength(runs);
  expect(github.labels).toEqual(["miradore-drift"]);
  const open = openIssues("miradore-drift");
  expect(open).toHaveLength(1);
  const kept = open[0]!;
  expect(kept.number).toBe(Math.min(...github.issues.map((i) => i.number)));
  expect(kept.body.startsWith(trackingMarker("drift"))).toBe(true);
  expect(outcomes.filter((o) => o === "opened")).toHaveLength(1);

  // Each duplicate is closed as not planned, with a comment pointing at the one kept.
  for (const duplicate of github.issues.filter((i) => i !== kept)) {
    expect(duplicate.state).toBe("closed");
    expect(github.comments.get(duplicate.number)?.map((c) => c.body)).toContainEqual(
      expect.stringMatching(new RegExp(`^Duplicate of #${kept.number}:`)),
    );
  }

  // The next run finds the one issue and updates it in place.
  expect(await syncTrackingIssue(api(), "drift", "open", "drift seen later")).toBe("updated");
  expect(openIssues("miradore-drift")).toEqual([expect.objectContaining({ number: kept.number })]);
});

test("duplicates left by an earlier race are closed: the oldest stays open, or all close when nothing is due", async () => {
  github.holdIssueLists(2);
  await Promise.all([1, 2].map((run) => syncTrackingIssue(api(), "secret-rotation", "open", `handoff ${run}`)));
  // Simulate an earlier version's leftovers: reopen the duplicate.
  const [older, newer] = [...github.issues].sort((a, b) => a.number - b.number);
  newer!.state = "open";

  expect(await syncTrackingIssue(api(), "secret-rotation", "open", "handoff 3")).toBe("updated");
  expect(openIssues("miradore-secret-rotation").map((i) => i.number)).toEqual([older!.number]);

  newer!.state = "open";
  expect(await syncTrackingIssue(api(), "secret-rotation", "closed", "all fine")).toBe("closed");
  expect(openIssues("miradore-secret-rotation")).toEqual([]);
});
