// What the notice must say on a rehearsal day, from what the simulation knows independently of the pipeline: the
// last attempt of Miradore's that the logs could show at the run, and the secrets' dates and key ids after it. Returns
// the day's problems (empty: the notice said the right thing), and checks that a secret Miradore was using, still
// valid, was not deleted by the run (nothing in a rehearsal revokes).
import { STILL_USED } from "../../tools/sign-in-logs/still-used";
import type { RehearsalDay } from "./daily-runs";

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function noticeProblems(day: RehearsalDay, licensed: boolean): string[] {
  const problems: string[] = [];
  const { notice, noticeState, outputs } = day;
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(`day ${day.day} (${day.at.toISOString()}): ${what}`);
  };
  const has = (text: string) => notice.includes(text);
  const handoffBlock = `paste the new client secret into Miradore by **${when(outputs.handoffDeadline)}**`;
  const pendingByDates =
    day.at.getTime() >= Date.parse(outputs.currentStart) && day.at.getTime() < Date.parse(outputs.handoffDeadline);

  expect(
    !day.miradore.validBefore || day.miradore.existsAfter,
    `the run deleted Miradore's secret ${day.miradore.keyId}`,
  );

  expect(!day.showsSecret, "a step printed or wrote a secret value");

  if (!licensed) {
    // From the second run on: the first (the deploy) has no app whose sign-ins could be read.
    const once = notice.split("sign-in logs could not be read").length === 2;
    expect(day.day === 0 || once, "says once that the sign-in logs cannot be read");
    expect(has(handoffBlock) === pendingByDates, `shows the handoff block exactly while it is pending by the dates`);
    expect(!has("Miradore last signed in"), "claims to know what Miradore signed in with");
    return problems;
  }
  expect(!has("could not be read"), "says the sign-in logs cannot be read");
  const attempt = day.visibleAttempt;
  if (!attempt) {
    expect(has(handoffBlock) === pendingByDates, "before any sign-in, goes by the handoff dates");
    return problems;
  }
  if (!attempt.ok) {
    expect(has("Miradore's sign-ins fail"), "says that Miradore's sign-ins fail");
    expect(noticeState === "open", "is open while Miradore's sign-ins fail");
    return problems;
  }
  expect(!has("Miradore's sign-ins fail"), "says sign-ins fail while the last one succeeded");
  if (attempt.keyId === outputs.currentKeyId) {
    expect(!has(handoffBlock), "asks for a handoff although Miradore signs in with the current secret");
    expect(!has(STILL_USED), "escalates although Miradore signs in with the current secret");
    expect(noticeState === "closed", "stays open although Miradore signs in with the current secret");
  } else if (attempt.keyId === outputs.previousKeyId) {
    expect(noticeState === "open", "is closed while Miradore signs in with the previous secret");
    if (pendingByDates) {
      expect(
        has(`Miradore last signed in with the previous secret on ${when(attempt.at.toISOString())}`) &&
          has(`— paste the new one by **${when(outputs.handoffDeadline)}**`),
        "says Miradore last signed in with the previous secret, and by when to paste the new one",
      );
    } else {
      expect(has(STILL_USED), `escalates ("${STILL_USED}") after the handoff deadline`);
    }
  } else {
    expect(has("not a secret this stack manages"), `flags the unknown key ${attempt.keyId}`);
  }
  return problems;
}
