// The shell commands of the README's ```sh blocks, and which of them a test can run as written. A command runs when it
// matches RUNNABLE (offline: no Azure, no real providers); it is left out only by a NOT_RUN rule, each with its
// reason. A command that matches neither is an error, so a new README example is either run or left out on purpose.

/** One command of a README example: `a && b` are two, a line continued with `\` is one. */
export interface ReadmeCommand {
  readonly text: string;
  /** 1-based line in the README where the command starts. */
  readonly line: number;
  /** Whether its ```sh block also uses the Azure CLI. */
  readonly inAzureBlock: boolean;
}

export type Verdict =
  { readonly run: true; readonly exitCodes: readonly number[] } | { readonly run: false; readonly reason: string };

/** Commands that run offline, as written, in a checkout of the repository. */
const RUNNABLE: readonly { readonly pattern: RegExp; readonly exitCodes?: readonly number[] }[] = [
  { pattern: /^npm run (?:synth|bootstrap:synth|fleet|rotation-timeline|sandbox|plan-review)(?:\s|$)/ },
  // Only with a small fleet: without options it is the hour-long weekly rehearsal.
  { pattern: /^npm run rehearse:fleet -- --sites \d \S/ },
  // Its exit code is its answer (README: 0 ok, 10 a handoff is pending, 20 a secret expires soon; 2 is bad input).
  { pattern: /^npm run expiry-check(?:\s|$)/, exitCodes: [0, 10, 20] },
];

/** Commands a test cannot run, and why. */
export const NOT_RUN: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  { pattern: /^npm ci(?:\s|$)/, reason: "installs the dependencies: the tests run in a checkout that has them" },
  { pattern: /^npm test(?:\s|$)/, reason: "runs the test suite this test is part of" },
  {
    pattern: /^npm install miradore-entra-cdktf /,
    reason:
      "installs the library from the registry into another project: library-package.terraform.test.ts installs the " +
      "packed tarball with the same peers into a new project, offline",
  },
  {
    pattern: /^npx cdktf (?:diff|deploy|output)(?:\s|$)/,
    reason: "deploys with the real providers: needs an Entra tenant and credentials",
  },
  {
    pattern: /^terraform(?:\s|$)/,
    reason: "runs the real providers: needs an Entra tenant and credentials (npm run sandbox runs Terraform offline)",
  },
  { pattern: /^az(?:\s|$)/, reason: "the Azure CLI: needs an Azure subscription and tenant" },
  {
    pattern: /^(?:ARM_[A-Z_]+=<[^>]+> )*npm run onboard -- --tenant <customer tenant id>$/,
    reason:
      "needs the bootstrap's client ids and a customer's tenant id (placeholders here); what it prints and writes is " +
      "tested in __tests__/multi-tenant-identity.test.ts",
  },
  {
    pattern: /^cd cdktf\.out[^\s]*\/stacks\//,
    reason: "enters a stack's folder for the Terraform commands after it",
  },
  {
    pattern: /^(?:cp \.terraform\.lock\.hcl |cd \.\.\/\.\.\/\.\.$|git add \.terraform\.lock\.hcl$)/,
    reason: "commits the provider lock file that `terraform providers lock` (with registry access) wrote just before",
  },
];

/** Shell glue (loops, variables) in a block that uses the Azure CLI: it only makes sense with that tenant. */
const AZURE_BLOCK_REASON = "part of an Azure CLI example (needs an Azure subscription and tenant)";

/** What a test does with `command`; undefined when no rule says (an error in the rules or the README). */
export function verdictOn(command: ReadmeCommand): Verdict | undefined {
  const runnable = RUNNABLE.find((rule) => rule.pattern.test(command.text));
  if (runnable) return { run: true, exitCodes: runnable.exitCodes ?? [0] };
  const rule = NOT_RUN.find((candidate) => candidate.pattern.test(command.text));
  if (rule) return { run: false, reason: rule.reason };
  if (command.inAzureBlock) return { run: false, reason: AZURE_BLOCK_REASON };
  return undefined;
}

/** The text before an unquoted `#` that starts a comment. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === quote && line[i - 1] !== "\\") quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === "#" && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Every command of every ```sh block in `markdown`, in order. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split("\n");
  const commands: ReadmeCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```sh\s*$/.test(lines[i]!)) continue;
    const block: { text: string; line: number }[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) {
      let text = lines[i]!;
      const line = i + 1;
      while (text.trimEnd().endsWith("\\") && i + 1 < lines.length)
        text = `${text.trimEnd().slice(0, -1)} ${lines[++i]}`;
      const command = withoutComment(text).trim().replace(/\s+/g, " ");
      if (command !== "") block.push({ text: command, line });
    }
    const inAzureBlock = block.some((entry) => /(?:^|&&\s*)az\s/.test(entry.text));
    for (const entry of block) {
      for (const part of entry.text.split("&&")) commands.push({ text: part.trim(), line: entry.line, inAzureBlock });
    }
  }
  return commands;
}
