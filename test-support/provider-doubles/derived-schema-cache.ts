// Keeps the schemas jsii-schema.ts derives in node_modules/.cache/provider-doubles/derived-schemas/: azurerm's jsii
// manifest is 88 MB and takes about a second (and 250 MB) to parse, which every doubles process and every test file that
// validates against the schemas would otherwise pay. The file name covers what the result depends on: the package
// (version, manifest size and time) and the deriving code itself, so a changed package or derivation is never served
// stale.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deriveSchemaFromJsii, providerPackageDir } from "./jsii-schema";
import type { ProviderName, ProviderSchema } from "./provider-schema";

/**
 * The code that derives: this file and jsii-schema.ts beside it (run from source), or the bundle this code was built
 * into (serve.js, run by the doubles), which contains both.
 */
function derivingCode(): string[] {
  return [__filename, join(__dirname, "jsii-schema.ts")].filter((f) => existsSync(f));
}

function cacheFile(repoRoot: string, name: ProviderName): string {
  const packageDir = providerPackageDir(repoRoot, name);
  const manifest = statSync(join(packageDir, ".jsii"));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  const hash = createHash("sha256").update(`${name}\0${version}\0${manifest.size}\0${manifest.mtimeMs}\0`);
  for (const file of derivingCode()) hash.update(readFileSync(file));
  const dir = join(repoRoot, "node_modules", ".cache", "provider-doubles", "derived-schemas");
  return join(dir, `${name}-${version}-${hash.digest("hex").slice(0, 16)}.json`);
}

/** deriveSchemaFromJsii, read from the cache when this package and this code derived it before. */
export function cachedSchemaFromJsii(repoRoot: string, name: ProviderName): ProviderSchema {
  const file = cacheFile(repoRoot, name);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ProviderSchema;
  const schema = deriveSchemaFromJsii(repoRoot, name);
  // Written under a private name, then renamed: concurrent test files and doubles processes may derive at once, and a
  // reader must never see half a file.
  const staging = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(staging, JSON.stringify(schema));
    renameSync(staging, file);
  } catch {
    // A read-only node_modules: the schema is still right, only the next caller derives it again.
    rmSync(staging, { force: true });
  }
  return schema;
}
