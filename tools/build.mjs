// Bundles main.ts (and its synthesis worker) or the given tools into .build/ with esbuild: types stripped, no
// type-checking (that is `npm run typecheck`). Dependencies stay external so cdktf and the provider classes load
// exactly as published. A bundle whose inputs have not changed since it was built is not built again, so the synth
// command costs only the synthesis itself when nothing changed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { argv } from "node:process";

const outdir = ".build";
// Without arguments: the app and its synthesis worker, side by side in .build/.
const entries =
  argv.slice(2).length > 0 ? argv.slice(2) : { main: "main.ts", "synthesis-worker": "constructs/synthesis-worker.ts" };
const record = `${outdir}/.inputs-${createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 16)}.json`;

/** True when every output exists and is newer than every input of the last build (this script and tsconfig.json included). */
function upToDate() {
  if (!existsSync(record)) return false;
  const { inputs, outputs } = JSON.parse(readFileSync(record, "utf8"));
  if (!outputs.every((file) => existsSync(file))) return false;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return [...inputs, "tools/build.mjs", "tsconfig.json"].every((file) => existsSync(file) && statSync(file).mtimeMs < built);
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
    packages: "external",
    sourcemap: "inline",
    logLevel: "warning",
    metafile: true,
  });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(
    record,
    JSON.stringify({ inputs: Object.keys(result.metafile.inputs), outputs: Object.keys(result.metafile.outputs) }),
  );
}
