// What the tool bundles (`npm run <tool>`, the pipeline and plan review CI runs) load from node_modules, and what they
// carry. The package's dependencies are the construct library's (its peerDependencies: cdktf, constructs and the
// provider bindings); the app's own runtime libraries are devDependencies, which the library's users never install.
// The jobs that hold a credential install with `npm ci --omit=dev`, so the tool bundles carry those libraries
// themselves, and load only what such an install has: node's modules and the library's peers.
const CARRIED = ["fastest-levenshtein", "yaml", "zod"];

/** esbuild `external` patterns: every package package.json names, except those the tools carry. */
function toolExternals(packageJson) {
  const names = new Set(
    ["dependencies", "devDependencies", "peerDependencies"].flatMap((field) => Object.keys(packageJson[field] ?? {})),
  );
  for (const name of CARRIED) names.delete(name);
  return [...names].sort().flatMap((name) => [name, `${name}/*`]);
}

module.exports = { CARRIED_BY_TOOLS: CARRIED, toolExternals };
