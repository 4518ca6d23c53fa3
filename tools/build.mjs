// Bundles main.ts into one CommonJS file with esbuild (types stripped, no type-checking: that is `npm run typecheck`).
// Dependencies stay external so cdktf and the provider classes load exactly as published.
import { build } from "esbuild";
import { argv } from "node:process";

// Without arguments: the app and its synthesis worker, side by side in .build/.
const entries =
  argv.slice(2).length > 0 ? argv.slice(2) : { main: "main.ts", "synthesis-worker": "constructs/synthesis-worker.ts" };
await build({
  entryPoints: entries,
  outdir: ".build",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
