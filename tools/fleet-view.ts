// CLI: `npm run fleet [-- --json] [--config FILE] [--record FILE] [--sign-ins DIR]`: the configured sites with their
// tenant, Graph permissions, rotation settings, stack name and state location, for an operator's review; with --record
// (the fleet record the rotation workflow keeps, README "Many sites"), each stack's last run: result and why, when,
// next rotation; with --sign-ins (ci:sign-ins' files), the key Miradore last signed in with. No secret is ever read or
// shown.
// The configuration is read as synthesis reads it (MIRADORE_CONFIG and MIRADORE_* overrides apply); a bad one
// fails with the same messages and exit code 1. Usage errors exit with 2.
import { parseArgs } from "node:util";
import { ConfigError } from "../config/config-error";
import { loadConfig } from "../config/load-config";
import { runCli, startedAsCommand } from "./cli/run-cli";
import { fleetEntries } from "./fleet-view/fleet-entry";
import { type LastRun, lastRuns, renderLastRuns } from "./fleet-view/last-runs";
import { observedKeys } from "./fleet-view/observed-keys";
import { readRecordFile } from "./pipeline/cached-record";
import { parseFleetRecord } from "./pipeline/fleet-record";
import { renderFleetView } from "./fleet-view/render-fleet-view";

const USAGE =
  "usage: fleet [--json] [--config FILE] [--record FLEET-RECORD.json] [--sign-ins DIR]   (default: MIRADORE_CONFIG, else miradore.config.yaml)";

function main(argv: readonly string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        json: { type: "boolean", default: false },
        config: { type: "string" },
        record: { type: "string" },
        /** ci:sign-ins' files (the rotation run's outputs artifacts): the key Miradore last signed in with. */
        "sign-ins": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`fleet: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const config = loadConfig(values.config === undefined ? {} : { path: values.config });
    const observed = values["sign-ins"] === undefined ? undefined : observedKeys(values["sign-ins"]);
    const entries = fleetEntries(config.sites).map((entry) =>
      observed ? { ...entry, observedSignIn: observed.get(entry.stackName) ?? "no sign-in observation" } : entry,
    );
    let runs: LastRun[] | undefined;
    if (values.record !== undefined) {
      const text = readRecordFile(values.record);
      const { record, problem } = parseFleetRecord(text);
      if (problem && text !== undefined) {
        process.stderr.write(`fleet: ${values.record}: ${problem.replace(/: every stack is applied$/, "")}\n`);
        return 1;
      }
      if (text === undefined) {
        process.stderr.write(`fleet: --record ${values.record} does not exist\n`);
        return 1;
      }
      runs = lastRuns(entries, record);
    }
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ source: config.source, sites: entries, ...(runs ? { lastRuns: runs } : {}) }, null, 2)}\n`
        : renderFleetView(entries, config.source) + (runs ? renderLastRuns(runs, values.record!) : ""),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

if (startedAsCommand("fleet-view")) void runCli("fleet", main);
