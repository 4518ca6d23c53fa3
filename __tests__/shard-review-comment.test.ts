// Pull request plan reviews for a fleet: ci:comment --reviews-dir --shard posts one comment for a shard when more than
// --combine-above of its stacks change (a `defaults` change touches every site), keeps every comment it posted before
// up to date whichever form it had, and marks a combined comment of an older shard layout out of date. Against the
// fake GitHub API.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import { GITHUB_COMMENT_MAX_CHARS, renderPlanReview } from "../tools/plan-review/render-plan-review";
import { reviewHeadline } from "../tools/pipeline/shard-review-comment";
import { recordingContext } from "../test-support/pipeline-context";
import { FakeGitHub } from "./pipeline-fake-github";

const PR = 7;
let github: FakeGitHub;
beforeAll(async () => {
  github = await FakeGitHub.start();
});
afterAll(() => github.stop());
beforeEach(() => github.comments.clear());

/** A plan that renames the app (`changed`), or one without changes, as `terraform show -json` writes them. */
function plan(changed: boolean, name = "Miradore (new)") {
  const change = {
    address: "azuread_application.miradore",
    mode: "managed",
    type: "azuread_application",
    name: "miradore",
    provider_name: "registry.terraform.io/hashicorp/azuread",
    change: { actions: ["update"], before: { display_name: "Miradore" }, after: { display_name: name } },
  };
  return { format_version: "1.2", planned_values: {}, ...(changed ? { resource_changes: [change] } : {}) };
}

/** A reviews folder as ci:shard-plan leaves it: `<stack>.md` and `<stack>.checked.json` for each stack. */
function reviewsDir(stacks: readonly string[], changed: (stack: string) => boolean, name?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "shard-reviews-"));
  for (const stack of stacks) {
    writeFileSync(join(dir, `${stack}.md`), renderPlanReview(plan(changed(stack), name), { stack }));
    writeFileSync(join(dir, `${stack}.checked.json`), JSON.stringify({ stack, changes: changed(stack) }));
  }
  return dir;
}

async function comment(dir: string, ...extra: string[]) {
  const summary = join(dir, "summary.md");
  const { ctx, out, err } = recordingContext(
    dir,
    {
      GITHUB_TOKEN: "test-token",
      GITHUB_REPOSITORY: "contoso/miradore",
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: summary,
    },
    (input, init) => fetch(input, init),
  );
  const code = await runPipeline(["comment", "--pr", String(PR), "--reviews-dir", dir, ...extra], ctx);
  return { code, out: out.join(""), err: err.join(""), summary };
}

const comments = () => github.comments.get(PR) ?? [];
const markers = () => comments().map((c) => c.body.split("\n", 1)[0]);
const stacks = (n: number) => Array.from({ length: n }, (_, i) => `miradore-site-${String(i).padStart(2, "0")}`);

test("more changed stacks than --combine-above: one comment for the shard, its table naming each changed stack", async () => {
  const names = stacks(12);
  const dir = reviewsDir(names, (s) => names.indexOf(s) < 8);
  const result = await comment(dir, "--shard", "shard-1-of-1");
  expect(result.code).toBe(0);
  expect(markers()).toEqual(["<!-- miradore-plan-review-shard:shard-1-of-1 -->"]);
  const body = comments()[0]!.body;
  expect(body).toContain("### Terraform plans of `shard-1-of-1`: 8 stacks of 12 change");
  for (const stack of names.slice(0, 8))
    expect(body).toContain(
      `| \`${stack}\` | Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy. | nothing to report |`,
    );
  expect(body).not.toContain(`| \`${names[8]}\` |`);
  expect(result.out).toContain("miradore-site-00: plan review comment skipped (in the shard's comment)");
});

test("at most --combine-above changed stacks: each its own comment, as without --shard", async () => {
  const names = stacks(12);
  const dir = reviewsDir(names, (s) => names.indexOf(s) < 8);
  expect((await comment(dir, "--shard", "shard-1-of-1", "--combine-above", "8")).code).toBe(0);
  expect(markers()).toEqual(names.slice(0, 8).map((s) => `<!-- miradore-plan-review:${s} -->`));
});

test("no comment is left showing an old plan when a later push switches between the two forms", async () => {
  const names = stacks(12);
  // Push 1: three stacks change, each gets its own comment.
  await comment(
    reviewsDir(names, (s) => names.indexOf(s) < 3, "First"),
    "--shard",
    "shard-1-of-1",
  );
  expect(comments()).toHaveLength(3);
  // Push 2: every stack changes: the shard's comment, and the three earlier ones updated, none added.
  await comment(
    reviewsDir(names, () => true, "Second"),
    "--shard",
    "shard-1-of-1",
  );
  expect(comments()).toHaveLength(4);
  for (const c of comments()) expect(c.body).not.toContain("First");
  // Push 3: two change: their own comments (one new), and the shard's comment now says two.
  await comment(
    reviewsDir(names, (s) => names.indexOf(s) < 2, "Third"),
    "--shard",
    "shard-1-of-1",
  );
  expect(comments()).toHaveLength(4);
  const shardComment = comments().find((c) => c.body.includes("miradore-plan-review-shard"))!;
  expect(shardComment.body).toContain("2 stacks of 12 change");
  expect(shardComment.body).not.toContain("Second");
  // The third stack's own comment shows its plan now: no change.
  expect(comments().find((c) => c.body.startsWith(`<!-- miradore-plan-review:${names[2]} -->`))!.body).toContain(
    "No changes",
  );
});

test("a combined comment of an older shard layout is marked out of date by every shard that took its stacks", async () => {
  const names = stacks(12);
  await comment(
    reviewsDir(names, () => true),
    "--shard",
    "shard-1-of-1",
  );
  const old = comments()[0]!;
  // A site more: the stacks are now in two shards, each job run on its own.
  await comment(
    reviewsDir(names.slice(0, 6), () => true),
    "--shard",
    "shard-1-of-2",
  );
  await comment(
    reviewsDir(names.slice(6), () => true),
    "--shard",
    "shard-2-of-2",
  );
  expect(old.body).toBe(
    "<!-- miradore-plan-review-shard:shard-1-of-1 -->\n_This combined plan review is out of date: the shards changed, and its stacks are reviewed in newer comments._\n",
  );
  expect(markers()).toEqual([
    "<!-- miradore-plan-review-shard:shard-1-of-1 -->",
    "<!-- miradore-plan-review-shard:shard-1-of-2 -->",
    "<!-- miradore-plan-review-shard:shard-2-of-2 -->",
  ]);
});

test("fifty large reviews: the comment stays within GitHub's limit, and what does not fit goes to the job summary", async () => {
  const names = stacks(50);
  const dir = reviewsDir(names, () => true, "x".repeat(200));
  // Each review padded to about 4 kB, as a stack with many changes renders.
  for (const stack of names) {
    const file = join(dir, `${stack}.md`);
    writeFileSync(file, `${readFileSync(file, "utf8")}\n${"- a listed change\n".repeat(220)}`);
  }
  const result = await comment(dir, "--shard", "shard-1-of-1");
  const body = comments()[0]!.body;
  expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
  const folded = (body.match(/<details>/g) ?? []).length;
  expect(folded).toBeGreaterThan(5);
  expect(folded).toBeLessThan(50);
  expect(body).toContain(`_${50 - folded} more reviews did not fit in one comment: the plan job's summary._`);
  // Every stack is in the table, and every review left out is in the summary.
  for (const stack of names) expect(body).toContain(`| \`${stack}\` |`);
  const summary = readFileSync(result.summary, "utf8");
  expect(summary.match(/### Terraform plan for/g)).toHaveLength(50 - folded);
});

test("what the apply guard says leads each stack's row", () => {
  const review = [
    "<!-- miradore-plan-review:miradore-x -->",
    "",
    "> ⛔ **Refused on apply.** **Miradore will be disconnected: this plan deletes the current client secret**",
    "",
    "### Terraform plan for `miradore-x` (Terraform 1.11.4)",
    "",
    "**Plan: 1 to add, 0 to change, 0 to replace, 1 to destroy.**",
  ].join("\n");
  expect(reviewHeadline(review)).toEqual({
    summary: "Plan: 1 to add, 0 to change, 0 to replace, 1 to destroy.",
    guard: ["⛔ **Refused on apply.** **Miradore will be disconnected: this plan deletes the current client secret**"],
  });
  expect(reviewHeadline(renderPlanReview(plan(false), { stack: "miradore-y" }))).toEqual({
    summary: expect.stringMatching(/^No changes/),
    guard: [],
  });
});

test("--shard needs --reviews-dir and a shard's name; --combine-above a whole number", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shard-reviews-"));
  mkdirSync(join(dir, "r"));
  const { ctx, err } = recordingContext(dir, { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "contoso/miradore" });
  expect(
    await runPipeline(["comment", "--pr", "7", "--body-file", "x", "--has-changes", "true", "--shard", "s"], ctx),
  ).toBe(1);
  expect(await runPipeline(["comment", "--pr", "7", "--reviews-dir", "r", "--shard", "a b"], ctx)).toBe(1);
  expect(await runPipeline(["comment", "--pr", "7", "--reviews-dir", "r", "--combine-above", "many"], ctx)).toBe(1);
  expect(err.join("")).toContain('comment: --shard is "s", but must be a shard\'s name');
  expect(err.join("")).toContain('comment: --shard is "a b"');
  expect(err.join("")).toContain('comment: --combine-above is "many", but must be a whole number of at least 0');
});
