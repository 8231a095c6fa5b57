// keel's entry point: builds yargs from the registry, runs one command, maps its outcome to an
// exit code. Usage errors exit 2, command errors 1; errors print as one line, never a stack.
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import type { Argv } from "yargs";
import type { CodedError, CommandIo, CommandOutcome, RegistryEntry } from "./cli/command.ts";
import { commands } from "./cli/registry.ts";
import { renderError } from "./cli/render-error.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function realIo(): CommandIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
  };
}

export async function runCli(argv: string[], io: CommandIo = realIo()): Promise<number> {
  let outcome: CommandOutcome | undefined;
  let pending: (() => Promise<CommandOutcome>) | undefined;
  let usageError: string | undefined;
  const parser = yargs(argv)
    .scriptName("keel")
    .locale("en")
    .usage("keel <command> [options]\n\nMySQL/MariaDB high availability: agents, gossip, quorum, failover.")
    .strict()
    .demandCommand(1, "no command given")
    .recommendCommands()
    .completion("completion", "Print a bash/zsh completion script")
    .help()
    .alias("h", "help")
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, e) => {
      // Handlers only record what to run, so anything yargs reports here is about the input.
      usageError = msg ?? e?.message ?? "invalid usage";
    });
  const register = (y: Argv, entry: RegistryEntry): void => {
    if ("subcommands" in entry) {
      y.command(entry.command, entry.describe, (sub) => {
        for (const child of entry.subcommands) register(sub, child);
        return sub.demandCommand(1, `name what '${entry.command}' should do (see --help)`);
      });
      return;
    }
    y.command({
      command: entry.command as string | string[],
      describe: entry.describe,
      builder: entry.builder,
      // Run only after yargs has validated everything: a bad flag must not half-run a command.
      handler: (args) => {
        pending = () => entry.run(args, io);
      },
    });
  };
  for (const entry of commands) register(parser, entry);
  try {
    await parser.parseAsync();
    if (usageError === undefined && pending) outcome = await pending();
  } catch (e) {
    if (io.env.KEEL_DEBUG) io.err(String((e as Error)?.stack ?? e));
    outcome = { error: { code: "cli.internal", detail: String((e as Error)?.message ?? e) } as CodedError };
  }
  if (usageError !== undefined) {
    io.err(renderError({ code: "cli.usage", detail: usageError } as CodedError));
    io.err(await parser.getHelp());
    return EXIT_USAGE;
  }
  if (!outcome) return EXIT_OK; // --help, completion
  if ("error" in outcome) {
    io.err(renderError(outcome.error));
    return outcome.exitCode ?? EXIT_FAILURE;
  }
  return outcome.exitCode;
}

if (import.meta.main) {
  const code = await runCli(hideBin(process.argv));
  process.exitCode = code;
}
