// CLI: the steps the GitHub Actions workflows run, one command each (npm run ci:<command> -- …).
//   pipeline <stacks|plan|apply|shard|shard-plan|force-rotate|outputs|collect-outputs|comment|notice|credentials|drift-report|issue|fork-notice|fleet-record|sign-ins> [options]
// Exit code 0 on success, 1 with one line on stderr when a step fails, 2 for an unknown command. Nothing printed is
// ever a secret. --debug (or MIRADORE_DEBUG=1) adds the stack trace of an unexpected error.
import { runCli, startedAsCommand } from "./cli/run-cli";
import { type CommandContext, PipelineError, processContext } from "./pipeline/command-context";
import { applyCommand } from "./pipeline/commands/apply";
import { collectOutputsCommand } from "./pipeline/commands/collect-outputs";
import { commentCommand } from "./pipeline/commands/comment";
import { credentialsCommand } from "./pipeline/commands/credentials";
import { driftReportCommand } from "./pipeline/commands/drift-report";
import { fleetRecordCommand } from "./pipeline/commands/fleet-record";
import { forceRotateCommand } from "./pipeline/commands/force-rotate";
import { forkNoticeCommand } from "./pipeline/commands/fork-notice";
import { issueCommand } from "./pipeline/commands/issue";
import { noticeCommand } from "./pipeline/commands/notice";
import { outputsCommand } from "./pipeline/commands/outputs";
import { planCommand } from "./pipeline/commands/plan";
import { shardCommand } from "./pipeline/commands/shard";
import { shardPlanCommand } from "./pipeline/commands/shard-plan";
import { signInsCommand } from "./pipeline/commands/sign-ins";
import { stacksCommand } from "./pipeline/commands/stacks";

type Command = (argv: readonly string[], context: CommandContext) => Promise<number>;

export const PIPELINE_COMMANDS: Readonly<Record<string, Command>> = {
  stacks: stacksCommand,
  plan: planCommand,
  apply: applyCommand,
  shard: shardCommand,
  "shard-plan": shardPlanCommand,
  "force-rotate": forceRotateCommand,
  outputs: outputsCommand,
  "collect-outputs": collectOutputsCommand,
  comment: commentCommand,
  notice: noticeCommand,
  credentials: credentialsCommand,
  "drift-report": driftReportCommand,
  issue: issueCommand,
  "fork-notice": forkNoticeCommand,
  "fleet-record": fleetRecordCommand,
  "sign-ins": signInsCommand,
};

export async function runPipeline(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : PIPELINE_COMMANDS[name];
  if (!command) {
    context.stderr(
      `pipeline: ${name === undefined ? "no command given" : `unknown command ${JSON.stringify(name)}`}; one of: ${Object.keys(PIPELINE_COMMANDS).join(", ")}\n`,
    );
    return 2;
  }
  try {
    return await command(rest, context);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    context.stderr(`pipeline ${name}: ${error.message}\n`);
    return 1;
  }
}

if (startedAsCommand("pipeline")) void runCli("pipeline", (argv) => runPipeline(argv, processContext()));
