// Bundles main.ts (and its synthesis worker) or the given tools into .build/ with esbuild: types stripped, no
// type-checking (that is `npm run typecheck`). The app carries its dependencies (cdktf, constructs, the provider
// classes) in the bundle: one file loads in half the time of the ~400 files cdktf spreads over node_modules, which
// every synthesis worker pays again. Tools load the library's peers from node_modules and carry the app's own runtime
// libraries (tools/tool-externals.cjs). A bundle whose inputs have not changed since it was
// built is not built again, so the synth command costs only the synthesis itself when nothing changed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { argv } from "node:process";
import toolExternalsModule from "./tool-externals.cjs";

const outdir = ".build";
// Without arguments: the app and its synthesis worker, side by side in .build/.
const isApp = argv.slice(2).length === 0;
const entries = isApp ? { main: "main.ts", "synthesis-worker": "app/synthesis/synthesis-worker.ts" } : argv.slice(2);
const external = isApp ? [] : toolExternalsModule.toolExternals(JSON.parse(readFileSync("package.json", "utf8")));
const record = `${outdir}/.inputs-${createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 16)}.json`;

/** True when every output exists and is newer than every input of the last build (this script and tsconfig.json included). */
function upToDate() {
  if (!existsSync(record)) return false;
  const { inputs, outputs } = JSON.parse(readFileSync(record, "utf8"));
  if (!outputs.every((file) => existsSync(file))) return false;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return [...inputs, "tools/build.mjs", "tools/tool-externals.cjs", "package.json", "tsconfig.json"].every(
    (file) => existsSync(file) && statSync(file).mtimeMs < built,
  );
}

if (!upToDate()) {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external,
    // Linked, not inline: the app's dependencies bring maps of their own that would triple the bundle's size.
    sourcemap: isApp ? "linked" : "inline",
    logLevel: "warning",
    metafile: true,
  });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(
    record,
    JSON.stringify({ inputs: Object.keys(result.metafile.inputs), outputs: Object.keys(result.metafile.outputs) }),
  );
}
