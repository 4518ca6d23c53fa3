// Issue 13: files that hold the client secrets are private. The pipeline's steps run (in process, as the workflows run
// them) against Terraform and the provider doubles with the usual umask 022: a plan before the first deploy, a deploy
// that adopts consent granted in the portal, public outputs, a pull request's plan and a drift check after it, and a
// forced rotation. Then every file left in the repository folder and in RUNNER_TEMP is scanned: whatever holds a
// secret value (read from the state) must be the owner's only, state and plan files must be 0600, no plan file may be
// left, and nothing may be left in the private temporary folders. A Terraform wrapper records, for every plan file
// Terraform writes, its folder's and its own mode and the umask Terraform ran with.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DEFAULT_TENANT_ID } from "../test-support/provider-doubles/fake-entra/directory-store";
import { grantConsentInPortal } from "../test-support/provider-doubles/fake-entra/portal-actions";
import { permissionDenied } from "../test-support/provider-doubles/fake-entra/provider-faults";
import { FakeGraphApi } from "../test-support/fake-graph-api";
import { site, synthSite } from "../test-support/synth-site";
import { describeWithTerraform, ProviderDoubles } from "../test-support/terraform-harness";
import { runPipeline } from "../tools/pipeline";

const STACK = "miradore-private";
const NOW = new Date("2026-03-02T08:00:00Z");

describeWithTerraform("files the pipeline leaves behind", () => {
  let doubles: ProviderDoubles;
  let graph: FakeGraphApi;
  let work: string;
  let repo: string;
  let runnerTemp: string;
  let umaskBefore: number;
  const printed: string[] = [];

  beforeAll(async () => {
    // The usual default: without the pipeline's care, Terraform and node would write files others can read.
    umaskBefore = process.umask(0o022);
    doubles = await ProviderDoubles.start({ now: NOW });
    graph = await FakeGraphApi.start({ directoryRoot: doubles.directoryRoot });
    work = mkdtempSync(join(tmpdir(), "private-files-"));
    chmodSync(work, 0o755);
    repo = join(work, "repo");
    runnerTemp = join(work, "runner-temp");
    mkdirSync(runnerTemp, { recursive: true, mode: 0o755 });
    const stackDir = join(repo, "cdktf.out", "stacks", STACK);
    mkdirSync(stackDir, { recursive: true });
    // The default local backend: the state file at the repository's root, next to cdktf.out.
    const { json } = synthSite(site({ name: "private", tenantId: DEFAULT_TENANT_ID }));
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(json, null, 2));
    writeFileSync(
      join(repo, "cdktf.out", "manifest.json"),
      JSON.stringify({ stacks: { [STACK]: { workingDirectory: `stacks/${STACK}` } } }),
    );
    writeFileSync(
      join(work, "terraform"),
      [
        "#!/bin/sh",
        'out=""',
        'for a in "$@"; do case "$a" in -out=*) out="${a#-out=}";; esac; done',
        'terraform "$@"; rc=$?',
        `if [ -n "$out" ]; then echo "$(umask) $(stat -c %a "$(dirname "$out")") $(stat -c %a "$out") $out" >> "${join(work, "plan-files")}"; fi`,
        "exit $rc",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  }, 60_000);

  afterAll(async () => {
    process.umask(umaskBefore);
    await graph?.stop();
    await doubles?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function step(args: readonly string[]): Promise<number> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(MIRADORE_|GITHUB_|TF_|RUNNER_)/.test(k) && k !== "TMPDIR"),
    );
    return runPipeline(args, {
      env: {
        ...inherited,
        ...doubles.env(),
        RUNNER_TEMP: runnerTemp,
        MIRADORE_TERRAFORM: join(work, "terraform"),
        MIRADORE_RETRY_BASE_MS: "20",
        ...graph.env(),
      },
      cwd: repo,
      stdout: (t) => printed.push(t),
      stderr: (t) => printed.push(t),
      fetch: (input, init) => fetch(input, init),
    });
  }
  async function ok(args: readonly string[]): Promise<void> {
    const code = await step(args);
    if (code !== 0) throw new Error(`pipeline ${args.join(" ")} exited with ${code}:\n${printed.slice(-5).join("")}`);
  }

  const stateFile = () => join(repo, `terraform.${STACK}.tfstate`);
  const modeOf = (path: string) => lstatSync(path).mode & 0o777;
  function secretsInState(): string[] {
    const state = JSON.parse(readFileSync(stateFile(), "utf8")) as {
      resources: { type: string; instances: { attributes: { value?: string } }[] }[];
    };
    return state.resources
      .filter((r) => r.type === "azuread_application_password")
      .flatMap((r) => r.instances.map((i) => i.attributes.value ?? ""))
      .filter(Boolean);
  }
  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return entry.isFile() ? [path] : [];
    });
  }

  test("hold no secret anyone but the runner's user can read, and leave no plan file", async () => {
    const secrets = new Set<string>();
    const planJson = join(runnerTemp, "plan.json");

    // A pull request's plan before anything is deployed.
    await ok(["plan", "--stack", STACK, "--plan-json", planJson]);

    // The first deploy may not grant consent; an administrator grants it in the portal; the next deploy adopts it.
    doubles.setFaults([permissionDenied("azuread_app_role_assignment", 1, 2)]);
    expect(await step(["apply", "--stack", STACK])).toBe(1);
    doubles.setFaults([]);
    doubles.changeTenant((doc) => grantConsentInPortal(doc, ["User.Read.All", "Group.Read.All"]));
    await ok(["apply", "--stack", STACK]);
    expect(printed.join("")).toMatch(/adopted the admin consent that exists outside Terraform/);
    for (const secret of secretsInState()) secrets.add(secret);
    await ok(["outputs", "--stack", STACK, "--out-file", join(runnerTemp, "outputs", `${STACK}.json`)]);

    // State files an earlier version wrote with the default umask, and a plan JSON left from an earlier run, are
    // tightened by the next step rather than kept as they were.
    chmodSync(stateFile(), 0o644);
    if (existsSync(`${stateFile()}.backup`)) chmodSync(`${stateFile()}.backup`, 0o644);
    writeFileSync(planJson, "{}", { mode: 0o644 });
    chmodSync(planJson, 0o644);

    // A pull request's plan and a drift check after the deploy: both JSON files hold the current secrets.
    await ok(["plan", "--stack", STACK, "--plan-json", planJson]);
    await ok(["plan", "--stack", STACK, "--plan-json", join(runnerTemp, "drift.json"), "--refresh-only"]);

    // A forced rotation replaces both secrets.
    await ok(["force-rotate", "--stack", STACK, "--mode", "revoke"]);
    for (const secret of secretsInState()) secrets.add(secret);
    expect(secrets.size).toBeGreaterThanOrEqual(4);

    // Every plan file Terraform wrote was in a private folder of RUNNER_TEMP, 0600, written with umask 077.
    const planFiles = readFileSync(join(work, "plan-files"), "utf8").trim().split("\n");
    expect(planFiles.filter((l) => /\/miradore-plan-/.test(l))).toHaveLength(3); // the three ci:plan runs
    for (const line of planFiles) {
      const [umask, folderMode, fileMode, path] = line.split(" ");
      expect({ path, umask, folderMode, fileMode }).toEqual({
        path,
        umask: "0077",
        folderMode: "700",
        fileMode: "600",
      });
      // Any step's private folder (withPrivateFolder: "<purpose>-XXXXXX"), e.g. ci:plan's, the adoption's, an apply's.
      expect(relative(runnerTemp, path!)).toMatch(/^miradore-[a-z0-9-]+-[A-Za-z0-9]{6}\/[^/]+$/);
      expect(existsSync(path!)).toBe(false);
    }
    expect(planFiles.some((l) => /\/miradore-adopt-/.test(l))).toBe(true);

    // The scan: what the pipeline left in the repository folder (stack folder, .terraform, state) and in RUNNER_TEMP.
    const holding: string[] = [];
    for (const file of [...filesUnder(repo), ...filesUnder(runnerTemp)]) {
      const name = relative(work, file);
      expect(name).not.toMatch(/(^|\/)tfplan$|\.tfplan$/);
      if (/\.tfstate(\.backup)?$/.test(file)) expect([name, modeOf(file).toString(8)]).toEqual([name, "600"]);
      const text = readFileSync(file, "latin1");
      if (![...secrets].some((secret) => text.includes(secret))) continue;
      holding.push(name);
      expect([name, (modeOf(file) & 0o077).toString(8)]).toEqual([name, "0"]);
    }
    // The scan found the files that must hold secrets, so it is not vacuous; nothing else holds one.
    expect(holding.sort()).toEqual(
      [
        `repo/terraform.${STACK}.tfstate`,
        `repo/terraform.${STACK}.tfstate.backup`,
        "runner-temp/drift.json",
        "runner-temp/plan.json",
      ].sort(),
    );
    // Only what the steps were asked to write is left in RUNNER_TEMP: no private folder survives its run.
    expect(readdirSync(runnerTemp).sort()).toEqual(["drift.json", "outputs", "plan.json"]);
    expect(modeOf(planJson)).toBe(0o600);
    expect(modeOf(join(runnerTemp, "outputs", `${STACK}.json`))).toBe(0o600);

    // And nothing printed a secret.
    const log = printed.join("");
    for (const secret of secrets) expect(log.includes(secret)).toBe(false);
  }, 300_000);
});
