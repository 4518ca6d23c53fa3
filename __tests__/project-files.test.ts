// What a fresh clone needs besides the code: the licence package.json names, and the Node.js version for nvm.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MINIMUM_NODE_VERSION } from "../tools/cli/node-version";

const read = (file: string) => readFileSync(join(__dirname, "..", file), "utf8");
const pkg = JSON.parse(read("package.json")) as { license: string; engines: { node: string } };

test("LICENSE is the MIT licence package.json names, held by the project's authors", () => {
  expect(pkg.license).toBe("MIT");
  expect(read("LICENSE")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the miradore-entra-cdktf authors\n/);
  expect(read("LICENSE")).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
});

test(".nvmrc, package.json's engines and the commands' own check agree on the oldest Node.js", () => {
  expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE_VERSION}`);
  // nvm installs the newest 20.x for "20", which is at least 20.9.
  expect(read(".nvmrc")).toBe(`${MINIMUM_NODE_VERSION.split(".")[0]}\n`);
});
