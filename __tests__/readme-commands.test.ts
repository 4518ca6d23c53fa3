// Which README shell commands the README test runs (readme-examples.terraform.test.ts), by rule: every command is
// either run or left out by a rule that says why, and the rules leave out exactly what needs Azure or the real
// providers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readmeCommands, verdictOn, type ReadmeCommand } from "../test-support/readme-commands";

const README = readFileSync(join(__dirname, "..", "README.md"), "utf8");
const command = (text: string, inAzureBlock = false): ReadmeCommand => ({ text, line: 1, inAzureBlock });

test("every command in the README's sh blocks is either run or left out by a rule", () => {
  const commands = readmeCommands(README);
  expect(commands.length).toBeGreaterThan(15);
  expect(commands.filter((c) => verdictOn(c) === undefined)).toEqual([]);
});

test("the offline ones are run: synthesis, the sandbox, the expiry check, the timeline, the fleet view, a small fleet rehearsal", () => {
  const run = readmeCommands(README)
    .filter((c) => verdictOn(c)?.run)
    .map((c) => c.text);
  expect(run).toEqual([
    "npm run synth",
    "npm run rotation-timeline -- --years 2",
    "npm run rotation-timeline -- --pattern missed-month",
    "npm run sandbox -- --keep",
    "npm run expiry-check -- .sandbox/outputs.json",
    "npm run bootstrap:synth",
    "npm run synth",
    "npm run fleet",
    "npm run rehearse:fleet -- --sites 2 --days 46",
  ]);
});

test.each([
  ["az group create --name rg --location westeurope", "the Azure CLI: needs an Azure subscription and tenant"],
  [
    "terraform init",
    "runs the real providers: needs an Entra tenant and credentials (npm run sandbox runs Terraform offline)",
  ],
  ["npx cdktf deploy miradore-example", "deploys with the real providers: needs an Entra tenant and credentials"],
  ["cd cdktf.out/stacks/miradore-example", "enters a stack's folder for the Terraform commands after it"],
  ["npm ci", "installs the dependencies: the tests run in a checkout that has them"],
  ["npm test", "runs the test suite this test is part of"],
])("leaves out %j: %s", (text, reason) => {
  expect(verdictOn(command(text))).toEqual({ run: false, reason });
});

test("shell glue is left out only inside a block that uses the Azure CLI; anywhere else it needs a rule", () => {
  expect(verdictOn(command('APP_ID=$(az ad app list --query "[0].appId" -o tsv)', true))).toEqual({
    run: false,
    reason: "part of an Azure CLI example (needs an Azure subscription and tenant)",
  });
  expect(verdictOn(command("rm -rf cdktf.out"))).toBeUndefined();
  expect(verdictOn(command("npm run bench"))).toBeUndefined();
});

test("the expiry check may answer with its documented exit codes; everything else must exit 0", () => {
  expect(verdictOn(command("npm run expiry-check -- x.json"))).toEqual({ run: true, exitCodes: [0, 10, 20] });
  expect(verdictOn(command("npm run synth"))).toEqual({ run: true, exitCodes: [0] });
});

test("reads commands as the shell does: continued lines joined, comments dropped, && split", () => {
  const markdown = [
    "```sh",
    "npm ci && npm run synth   # install, then synthesize",
    "# a comment line",
    "az storage account create --name x \\",
    '  --sku Standard_ZRS   # "quoted # is not a comment"',
    "```",
    "  ```sh",
    '  echo "a # b"',
    "  ```",
  ].join("\n");
  expect(readmeCommands(markdown)).toEqual([
    { text: "npm ci", line: 2, inAzureBlock: true },
    { text: "npm run synth", line: 2, inAzureBlock: true },
    { text: "az storage account create --name x --sku Standard_ZRS", line: 4, inAzureBlock: true },
    { text: 'echo "a # b"', line: 8, inAzureBlock: false },
  ]);
});
