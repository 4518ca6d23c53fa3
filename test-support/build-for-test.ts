// Bundles commands as tools/build.mjs does (esbuild, types stripped), so tests run them exactly as `npm run …` does,
// into node_modules/.cache/test-builds/<hash of the sources>/: never .build/, which the developer and the sandbox
// rebuild, and built once for all test files (and runs) until a source file changes.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";

// The externals tools/build.mjs uses (CommonJS, so both it and this file can load it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolExternals } = require("../tools/tool-externals.cjs") as {
  toolExternals: (packageJson: Record<string, unknown>) => string[];
};

export const REPOSITORY = resolve(__dirname, "..");

/** What a bundle can be made of: every source folder and root file the commands import, and the lockfile. */
const SOURCES = [
  "main.ts",
  "bootstrap.ts",
  "package-lock.json",
  "package.json",
  "app",
  "config",
  "constructs",
  "rotation",
  "tools",
  "test-support",
];

/** Builds older than this are removed when a new one is made (a changed source file makes a new hash). */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

function sourceFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(join(REPOSITORY, path));
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(join(REPOSITORY, path))
    .filter((name) => name !== "fixtures")
    .flatMap((name) => sourceFiles(`${path}/${name}`));
}

export interface TestBuild {
  /** The folder holding `<name>.js` for every entry point. */
  readonly dir: string;
  /** `<dir>/<name>.js`. */
  readonly script: (name: string) => string;
}

/**
 * Bundles `entryPoints` (name → path relative to the repository). The app (main.ts, bootstrap.ts) carries its
 * dependencies, as `npm run synth` builds it; tools load the library's peers from node_modules and carry the rest.
 */
export function buildForTest(
  entryPoints: Readonly<Record<string, string>>,
  options: { bundleDependencies?: boolean } = {},
): TestBuild {
  const hash = createHash("sha256").update(JSON.stringify({ entryPoints, options }));
  for (const file of SOURCES.flatMap(sourceFiles).sort())
    hash.update(file).update(readFileSync(join(REPOSITORY, file)));
  const dir = join(REPOSITORY, "node_modules", ".cache", "test-builds", hash.digest("hex").slice(0, 16));
  const script = (name: string) => join(dir, `${name}.js`);
  if (Object.keys(entryPoints).every((name) => existsSync(script(name)))) return { dir, script };
  // Into a private folder, then renamed: test files running in parallel may build the same bundle at once.
  const staging = `${dir}.${process.pid}.${randomUUID()}.tmp`;
  buildSync({
    entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([name, path]) => [name, join(REPOSITORY, path)])),
    outdir: staging,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: options.bundleDependencies
      ? []
      : toolExternals(JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8"))),
    logLevel: "error",
  });
  const cache = join(dir, "..");
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  for (const old of readdirSync(cache)) {
    const path = join(cache, old);
    if (path !== dir && Date.now() - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS)
      rmSync(path, { recursive: true, force: true });
  }
  return { dir, script };
}

/** The app as `npm run synth` builds it: main and its synthesis worker side by side, dependencies bundled in. */
export function buildApp(): TestBuild {
  return buildForTest(
    { main: "main.ts", "synthesis-worker": "app/synthesis/synthesis-worker.ts" },
    { bundleDependencies: true },
  );
}

/**
 * Options that make a child process run as an unprivileged user when the tests run as root (as in some containers):
 * root ignores file permissions, so a test of a read-only folder needs someone the permissions apply to.
 */
export function unprivileged(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}
