// CLI: `npm run rehearse:fleet [-- --sites N] [--days N] [--parallel N] [--shard-size N] [--out FILE]`
// A service provider's fleet through real Terraform and the provider doubles (test-support/fleet-rehearsal/): by
// default 1000 sites in 1000 emulated customer tenants, one CI identity, daily sharded rotation runs for a simulated
// quarter, one tenant revoking its consent for two weeks. Prints each day's work, then what every check counted and
// any problem; exits 1 when a check found one. Too long for `npm test` (over an hour on two cores), which runs the
// same rehearsal on ten sites (__tests__/fleet-rehearsal.terraform.test.ts); the weekly rehearsal.yml runs this.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { rehearseFleetQuarter } from "../test-support/fleet-rehearsal/fleet-quarter";
import { terraform } from "../test-support/terraform-harness";
import { CliError, runCli, startedAsCommand } from "./cli/run-cli";

const USAGE =
  "usage: npm run rehearse:fleet [-- --sites N] [--days N] [--parallel N] [--shard-size N] [--out FILE]\n" +
  "  defaults: 1000 sites, 91 days, 4 stacks at once, shards of 50";

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min)
    throw new CliError(
      `rehearse:fleet: --${name} is ${JSON.stringify(text)}, but must be a whole number of at least ${min}\n${USAGE}`,
      2,
    );
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        sites: { type: "string", default: "1000" },
        days: { type: "string", default: "91" },
        parallel: { type: "string", default: "4" },
        "shard-size": { type: "string", default: "50" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new CliError(`rehearse:fleet: ${(error as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const sites = count("sites", values.sites, 2);
  const days = count("days", values.days, 45);
  const parallel = count("parallel", values.parallel, 1);
  const shardSize = count("shard-size", values["shard-size"], 1);
  if (!terraform.available)
    throw new CliError(`rehearse:fleet: needs the Terraform CLI on the PATH: ${terraform.reason}`);

  const started = performance.now();
  let stackRuns = 0;
  const quarter = await rehearseFleetQuarter({
    sites,
    days,
    parallel,
    shardSize,
    afterDay: (day) => {
      stackRuns += day.due.length;
      const failed = day.shardCodes.filter((code) => code !== 0).length;
      process.stderr.write(
        `day ${day.day} (${day.now.slice(0, 10)}): ${day.due.length} of ${sites} stacks run in ` +
          `${day.shardCodes.length} shard(s)${failed ? `, ${failed} shard(s) with a failed stack` : ""}, ` +
          `${(day.ms / 1000).toFixed(1)} s\n`,
      );
    },
  });
  const wallS = (performance.now() - started) / 1000;
  const perDay = quarter.days.slice(1).map((d) => d.due.length);
  const figures = {
    sites,
    days,
    parallel,
    shardSize,
    revoking: quarter.revoking,
    stackRuns,
    stacksRunPerDayAfterTheFirst: {
      min: Math.min(...perDay),
      max: Math.max(...perDay),
      mean: perDay.reduce((sum, n) => sum + n, 0) / perDay.length,
    },
    wallSeconds: Math.round(wallS),
    checks: Object.fromEntries(
      Object.entries(quarter.checks).map(([name, r]) => [name, { count: r.count, problems: r.problems.length }]),
    ),
  };
  if (values.out) writeFileSync(values.out, `${JSON.stringify(figures, null, 2)}\n`);
  const out: string[] = [
    `\n${sites} sites in ${sites} tenants, one CI identity, ${days} daily runs: ${stackRuns} stack runs in ${Math.round(wallS)} s`,
    `stacks run on a day after the first: ${figures.stacksRunPerDayAfterTheFirst.min} to ${figures.stacksRunPerDayAfterTheFirst.max}`,
    `revoked consent: ${quarter.revoking.stack} (tenant ${quarter.revoking.tenantId}), days ${quarter.revoking.fromDay} to ${quarter.revoking.toDay - 1}`,
  ];
  let problems = 0;
  for (const [name, result] of Object.entries(quarter.checks)) {
    problems += result.problems.length;
    out.push(
      `${result.problems.length === 0 ? "ok  " : "FAIL"} ${name}: ${result.count} seen, ${result.problems.length} problem(s)`,
    );
    for (const problem of result.problems.slice(0, 10)) out.push(`       ${problem}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
  if (problems > 0)
    throw new CliError(`rehearse:fleet: ${problems} problem(s) found; the first 10 of each check are listed above`);
  return 0;
}

if (startedAsCommand("fleet-rehearsal")) void runCli("rehearse:fleet", main);
