// Builds the construct library as the package ships it: an empty dist/, then constructs/ compiled into it by the
// TypeScript 5.9 compiler (tsconfig.build.json: CommonJS JavaScript and .d.ts declarations). `npm pack` runs this
// (prepack), so a tarball never holds a file of a module that no longer exists. Exits non-zero with tsc's messages.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync("dist", { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (result.status !== 0) {
  process.stderr.write(`build:lib failed: tsc -p tsconfig.build.json exited with ${result.status ?? result.signal}\n`);
  process.exit(1);
}
