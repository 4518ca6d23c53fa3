// tools/pipeline/private-files.ts on its own: the private folder (0700, under RUNNER_TEMP, gone afterwards even when
// the body throws), owner-only writes whatever the umask and whatever was there, and the umask Terraform starts with.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CommandContext } from "../tools/pipeline/command-context";
import {
  privateTempRoot,
  restrictToOwner,
  withOwnerOnlyUmask,
  withPrivateFolder,
  writePrivateFile,
} from "../tools/pipeline/private-files";

let work: string;
let umaskBefore: number;
beforeEach(() => {
  umaskBefore = process.umask(0o022);
  work = mkdtempSync(join(tmpdir(), "private-files-unit-"));
});
afterEach(() => {
  process.umask(umaskBefore);
  rmSync(work, { recursive: true, force: true });
});

const context = (env: NodeJS.ProcessEnv): CommandContext => ({
  env,
  cwd: work,
  stdout: () => {},
  stderr: () => {},
  fetch: () => Promise.reject(new Error("no network")),
});
const mode = (path: string) => statSync(path).mode & 0o777;

test("private folders are made under RUNNER_TEMP, else TMPDIR", () => {
  expect(privateTempRoot(context({ RUNNER_TEMP: join(work, "runner"), TMPDIR: join(work, "tmp") }))).toBe(
    join(work, "runner"),
  );
  expect(privateTempRoot(context({ TMPDIR: join(work, "tmp") }))).toBe(join(work, "tmp"));
});

test("a private folder is 0700 while the body runs, and gone afterwards, also when the body throws", async () => {
  const ctx = context({ RUNNER_TEMP: join(work, "runner") });
  let seen = "";
  const result = await withPrivateFolder(ctx, "miradore-test", async (folder) => {
    seen = folder.path;
    expect(dirname(folder.path)).toBe(join(work, "runner"));
    expect(mode(folder.path)).toBe(0o700);
    writeFileSync(folder.file("tfplan"), "secret");
    return 42;
  });
  expect(result).toBe(42);
  expect(existsSync(seen)).toBe(false);

  await expect(
    withPrivateFolder(ctx, "miradore-test", async (folder) => {
      seen = folder.path;
      writeFileSync(folder.file("tfplan"), "secret");
      throw new Error("terraform failed");
    }),
  ).rejects.toThrow("terraform failed");
  expect(existsSync(seen)).toBe(false);
  expect(readdirSync(join(work, "runner"))).toEqual([]);
});

test("a private file is 0600 even where a looser file was, and nothing is left beside it", () => {
  const file = join(work, "out", "plan.json");
  writePrivateFile(file, "first");
  expect(mode(file)).toBe(0o600);
  // As an earlier version, or another tool, may have left it: rewriting in place would keep this mode.
  rmSync(file);
  writeFileSync(file, "loose", { mode: 0o644 });
  expect(mode(file)).toBe(0o644);
  writePrivateFile(file, "second");
  expect(mode(file)).toBe(0o600);
  expect(readFileSync(file, "utf8")).toBe("second");
  expect(readdirSync(join(work, "out"))).toEqual(["plan.json"]);
});

test("restrictToOwner tightens the files that exist and skips the others", () => {
  const file = join(work, "terraform.tfstate");
  writeFileSync(file, "{}", { mode: 0o644 });
  restrictToOwner([file, `${file}.backup`]);
  expect(mode(file)).toBe(0o600);
  expect(existsSync(`${file}.backup`)).toBe(false);
});

test("a child started with withOwnerOnlyUmask creates owner-only files; this process keeps its umask", () => {
  const created = join(work, "created-by-child");
  const child = withOwnerOnlyUmask(() => spawnSync("sh", ["-c", `umask; touch "${created}"`], { encoding: "utf8" }));
  expect(child.stdout.trim()).toBe("0077");
  expect(mode(created)).toBe(0o600);
  expect(process.umask(0o022)).toBe(0o022);
});
