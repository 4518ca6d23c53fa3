// A stack whose apply keeps failing stays in sight: two sites run the rotation workflow's steps (apply with its result
// file, outputs, collect, expiry check, notice) through Terraform and the provider doubles every two weeks for seven
// months. From the third run on, every apply of one site fails (its identity lost Graph read access), while its
// secret runs out. The notice must say so at every run, with the failure and the secret's expiry read from the last
// state, and name a stack of the matrix that left no data at all; the healthy site keeps its ordinary notices.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { daysToMinutes } from "../rotation/minutes";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { describeWithTerraform, ProviderDoubles, REPO_ROOT } from "../test-support/terraform-harness";
import { noticeStep } from "../test-support/notice-step";

const T0 = new Date("2026-03-02T08:00:00Z");
const DAY_MS = daysToMinutes(1) * 60_000;
const NORTH_TENANT = "5a5a5a5a-1111-4222-8333-444455556666";
const SOUTH_TENANT = "6b6b6b6b-1111-4222-8333-444455556666";
const STACKS = ["miradore-north", "miradore-south"] as const;
/** In the matrix, but its job never got as far as the state (it left no outputs and no result). */
const SILENT_STACK = "miradore-west";
const FAILING_FROM_RUN = 2;
const RUN_DAYS = Array.from({ length: 15 }, (_, i) => i * 14); // day 0 … day 196
const LIMIT_MS = 900_000;

describeWithTerraform("a stack whose apply fails for months stays in the operator notice", () => {
  let work: string;
  let doubles: Record<(typeof STACKS)[number], ProviderDoubles>;
  const notices: { day: number; markdown: string; state: string }[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "failing-stack-"));
    writeFileSync(
      join(work, "miradore.config.yaml"),
      `sites:\n  - name: north\n    tenantId: ${NORTH_TENANT}\n  - name: south\n    tenantId: ${SOUTH_TENANT}\n`,
    );
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, MIRADORE_CONFIG: join(work, "miradore.config.yaml") };
    execFileSync("npm", ["run", "--silent", "synth"], {
      cwd: REPO_ROOT,
      env: { ...env, CDKTF_OUTDIR: join(work, "cdktf.out") },
      stdio: "ignore",
    });
    // One fake directory per site, as each lives in its own tenant.
    doubles = { "miradore-north": await ProviderDoubles.start(), "miradore-south": await ProviderDoubles.start() };

    for (const [index, day] of RUN_DAYS.entries()) {
      const now = new Date(T0.getTime() + day * DAY_MS);
      if (index === FAILING_FROM_RUN) {
        doubles["miradore-south"].setFaults([
          {
            operation: "read",
            type: "azuread_application",
            summary: "Retrieving application",
            error:
              "unexpected status 403 (403 Forbidden) with error: Authorization_RequestDenied: Insufficient privileges to complete the operation.",
          },
        ]);
      }
      const outputs = join(work, `run-${index}`, "outputs");
      for (const stack of STACKS) {
        doubles[stack].setClock(now);
        const context = contextFor(doubles[stack]);
        const resultFile = join(outputs, `${stack}.result.json`);
        await runPipeline(
          [
            "apply",
            "--stack",
            stack,
            "--out-dir",
            join(work, "cdktf.out"),
            "--result-file",
            resultFile,
            "--now",
            now.toISOString(),
          ],
          context,
        );
        const outputsFile = join(outputs, `${stack}.json`);
        expect(
          await runPipeline(
            ["outputs", "--stack", stack, "--out-dir", join(work, "cdktf.out"), "--out-file", outputsFile],
            context,
          ),
        ).toBe(0);
      }
      const { markdown, state } = await noticeStep(contextFor(doubles["miradore-north"]), {
        resultsDir: outputs,
        runDir: join(work, `run-${index}`),
        now,
        expectedStacks: [...STACKS, SILENT_STACK],
      });
      notices.push({ day, markdown, state });
    }
  }, LIMIT_MS);

  afterAll(async () => {
    await Promise.all(Object.values(doubles ?? {}).map((d) => d.stop()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function contextFor(d: ProviderDoubles): CommandContext {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("MIRADORE_") && !k.startsWith("GITHUB_")),
    );
    return {
      env: { ...inherited, ...d.env(), MIRADORE_RETRY_BASE_MS: "0" },
      cwd: work,
      stdout: () => undefined,
      stderr: () => undefined,
      fetch: () => Promise.reject(new Error("no network")),
    };
  }

  test("from the first failed run to the last, the notice names the failing stack, why, and its secret's expiry", () => {
    const failing = notices.slice(FAILING_FROM_RUN);
    expect(failing).toHaveLength(RUN_DAYS.length - FAILING_FROM_RUN);
    for (const { day, markdown, state } of failing) {
      expect([day, state]).toEqual([day, "open"]);
      const block = markdown.split("\n### ").find((b) => b.startsWith("`miradore-south`"));
      expect([day, block?.split("\n")[0]]).toEqual([day, "`miradore-south`: the pipeline could not apply it"]);
      // Lost Graph access (403) is the tenant's administrator's to fix: the notice names the tenant and the link.
      expect(block).toMatch(
        new RegExp(
          `- The last run failed: stack miradore-south: terraform plan failed: Retrieving application: tenant ${SOUTH_TENANT} refused the CI identity`,
        ),
      );
      // The first deploy's current secret (180 days) is what the last state has.
      expect(block).toMatch(
        /From its last state: the current secret `[0-9a-f-]{36}` was made 2026-03-02 08:\d\d UTC and expires \*\*2026-08-29 08:\d\d UTC\*\*/,
      );
    }
  });

  test("it escalates as the secret runs out, and says so once it has expired", () => {
    const block = (markdown: string) => markdown.split("\n### ").find((b) => b.startsWith("`miradore-south`")) ?? "";
    const warned = notices.filter(({ day }) => day >= 180 - 14 && day < 180).map((n) => block(n.markdown));
    expect(warned.length).toBeGreaterThan(0);
    for (const text of warned) expect(text).toContain("the current secret expires within 14 days");
    const expired = notices.filter(({ day }) => day >= 182).map((n) => block(n.markdown));
    expect(expired.length).toBeGreaterThan(0);
    for (const text of expired) expect(text).toContain("the current secret has expired: Miradore cannot connect");
  });

  test("a stack of the matrix without any data is named at every run, never dropped", () => {
    for (const { markdown } of notices) {
      expect(markdown).toContain("### `miradore-west`: no data from this run");
    }
  });

  test("the healthy site is not reported as failing, and before the fault nothing fails", () => {
    for (const { markdown } of notices)
      expect(markdown).not.toContain("`miradore-north`: the pipeline could not apply it");
    for (const { markdown } of notices.slice(0, FAILING_FROM_RUN)) expect(markdown).not.toContain("could not apply it");
  });
});
