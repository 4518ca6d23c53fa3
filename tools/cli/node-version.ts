// The oldest Node.js this project runs on, checked by every command before it does anything, so an old Node fails
// with a sentence instead of a syntax error deep inside a dependency. package.json's `engines` and .nvmrc say the same
// (a test keeps the three in step).

/** `engines.node` in package.json is `>=` this. 20.9 is the first Node 20 LTS release with everything we use. */
export const MINIMUM_NODE_VERSION = "20.9.0";

/** Why this Node.js is too old, or undefined when it is new enough. `version` as in `process.version` ("v20.9.0"). */
export function nodeVersionProblem(version: string = process.version): string | undefined {
  const parse = (text: string) => text.replace(/^v/, "").split(/[.-]/).slice(0, 3).map(Number);
  const have = parse(version);
  const need = parse(MINIMUM_NODE_VERSION);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = need[i]!;
    if (Number.isNaN(a)) break;
    if (a > b) return undefined;
    if (a < b) {
      const shown = need[2] === 0 ? `${need[0]}.${need[1]}` : MINIMUM_NODE_VERSION;
      return `needs Node.js ${shown} or later, this is ${version}; see .nvmrc (with nvm: nvm install && nvm use)`;
    }
  }
  return undefined;
}
