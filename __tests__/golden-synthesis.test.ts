// Construct ids and logical ids are a public contract: a changed id replaces a real app registration, consent or
// secret. This test synthesizes every kind of site, the example, both bootstrap configurations and a fleet large enough
// for worker threads, through the commands as `npm run synth` and `npm run bootstrap:synth` build them, and compares
// what they write byte for byte with the files in __tests__/fixtures/golden-synthesis/expected/, which the commit
// before issue 17's refactoring wrote (the fleet as one SHA-256 per file). A difference is a change to deployed
// resources: review it as one. To accept a deliberate change, run this file with MIRADORE_UPDATE_GOLDEN=1 and commit
// the fixtures with the reason.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, buildForTest, REPOSITORY } from "../test-support/build-for-test";

const FIXTURES = join(__dirname, "fixtures", "golden-synthesis");
const EXPECTED = join(FIXTURES, "expected");
const UPDATE = process.env.MIRADORE_UPDATE_GOLDEN === "1";
const FLEET_SIZE = 120;

let work: string;
let main: string;
let bootstrap: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "miradore-golden-"));
  main = buildApp().script("main");
  bootstrap = buildForTest({ bootstrap: "bootstrap.ts" }).script("bootstrap");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a bundled command with only the variables given (no MIRADORE_* override from the caller's shell). */
function synthesize(script: string, env: Record<string, string>): string {
  const outdir = mkdtempSync(join(work, "out-"));
  const result = spawnSync(process.execPath, [script], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH, CDKTF_OUTDIR: join(outdir, "cdktf.out"), ...env },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`synthesis failed (${result.status}): ${result.stderr}`);
  return join(outdir, "cdktf.out");
}

const stackFiles = (outdir: string) =>
  readdirSync(join(outdir, "stacks"))
    .sort()
    .map((stack) => ({ stack, text: readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8") }));

/** Compares `text` with the expected file `name`, or writes it in update mode. */
function expectGolden(name: string, text: string): void {
  const file = join(EXPECTED, name);
  if (UPDATE) {
    mkdirSync(EXPECTED, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect({ name, text }).toEqual({ name, text: readFileSync(file, "utf8") });
}

test("every kind of site is written byte for byte as before", () => {
  const outdir = synthesize(main, {
    MIRADORE_CONFIG: join(FIXTURES, "sites.config.yaml"),
    MIRADORE_SYNTH_WORKERS: "1",
  });
  const stacks = stackFiles(outdir);
  expect(stacks.map((s) => s.stack)).toHaveLength(12);
  for (const { stack, text } of stacks) expectGolden(`${stack}.cdk.tf.json`, text);
  expectGolden("sites.manifest.json", readFileSync(join(outdir, "manifest.json"), "utf8"));
});

test("the example configuration is written byte for byte as before", () => {
  const outdir = synthesize(main, { MIRADORE_CONFIG: join(REPOSITORY, "miradore.config.yaml") });
  const [example] = stackFiles(outdir);
  expect(example!.stack).toBe("miradore-example");
  expectGolden("miradore-example.cdk.tf.json", example!.text);
});

test.each([
  ["the example bootstrap", join(REPOSITORY, "bootstrap.config.yaml")],
  ["a bootstrap with gated pull request plans and Azure state", join(FIXTURES, "bootstrap-pr-environment.config.yaml")],
])("%s is written byte for byte as before", (_, config) => {
  const outdir = synthesize(bootstrap, { MIRADORE_BOOTSTRAP_CONFIG: config });
  const [only] = stackFiles(outdir);
  expectGolden(`${only!.stack}.cdk.tf.json`, only!.text);
});

test(`a fleet of ${FLEET_SIZE} sites synthesized by worker threads is written byte for byte as before`, () => {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  const sites = Array.from({ length: FLEET_SIZE }, (_, i) =>
    [
      `  - name: site-${String(i).padStart(3, "0")}`,
      `    tenantId: ${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}`,
      i % 3 === 0 ? "    groupFiltering: false" : "",
      i % 5 === 0
        ? `    keyVault: { id: /subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-${i} }`
        : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );
  const config = join(work, "fleet.config.yaml");
  writeFileSync(config, `sites:\n${sites.join("\n")}\n`);
  const outdir = synthesize(main, { MIRADORE_CONFIG: config, MIRADORE_SYNTH_WORKERS: "2" });
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const digests = Object.fromEntries(stackFiles(outdir).map(({ stack, text }) => [stack, sha256(text)]));
  digests["manifest.json"] = sha256(readFileSync(join(outdir, "manifest.json"), "utf8"));
  expect(Object.keys(digests)).toHaveLength(FLEET_SIZE + 1);
  expectGolden("fleet.sha256.json", `${JSON.stringify(digests, null, 2)}\n`);
});
