// Bundles the doubles' entry point (serve.ts) to one CommonJS file for Node, with esbuild, into
// node_modules/.cache/provider-doubles/<content hash>/ so its dependencies resolve from the project's node_modules.
// Rebuilt only when a source file changes; the proto files are copied next to it.
import { createHash, randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => f.endsWith(".ts") || f.endsWith(".proto"))
    .sort();
}

export interface DoublesBundle {
  /** The bundled entry point: `node <serveScript> plugin azuread` or `node <serveScript> reattach`. */
  readonly serveScript: string;
}

export async function bundleDoubles(repoRoot: string): Promise<DoublesBundle> {
  // From the repository root, not __dirname: callers may themselves be bundled elsewhere (tools/ → .build/).
  const SOURCE_DIR = join(repoRoot, "test-support", "provider-doubles");
  const hash = createHash("sha256");
  for (const f of sourceFiles(SOURCE_DIR)) hash.update(f).update(readFileSync(f));
  const outDir = join(repoRoot, "node_modules", ".cache", "provider-doubles", hash.digest("hex").slice(0, 16));
  const serveScript = join(outDir, "serve.js");
  if (existsSync(serveScript)) return { serveScript };

  const { build } = await import("esbuild");
  // Build into a private folder, then rename: parallel test files, and concurrent tests in one file, may bundle at the
  // same time.
  const staging = `${outDir}.${process.pid}.${randomUUID()}.tmp`;
  await build({
    entryPoints: [join(SOURCE_DIR, "serve.ts")],
    outfile: join(staging, "serve.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    logLevel: "warning",
  });
  mkdirSync(join(staging, "proto"), { recursive: true });
  for (const f of readdirSync(join(SOURCE_DIR, "proto")))
    copyFileSync(join(SOURCE_DIR, "proto", f), join(staging, "proto", f));
  try {
    renameSync(staging, outDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(serveScript)) throw error;
  }
  return { serveScript };
}
