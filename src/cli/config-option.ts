// The --config flag every config-reading command shares, and the one way those commands load it:
// warnings and every issue go to stderr as one line each, the command gets a Config or an exit.
import type { Argv } from "yargs";
import type { Config } from "../config/config.ts";
import type { ConfigFs } from "../config/config-fs.ts";
import type { ConfigIssue } from "../config/issues.ts";
import { CONFIG_ENV_VAR, DEFAULT_CONFIG_PATH, loadConfig } from "../config/load.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { CommandIo, CommandOutcome } from "./command.ts";
import { renderError, wordError } from "./render-error.ts";

export function withConfigOption<T>(y: Argv<T>) {
  return y.option("config", {
    type: "string",
    requiresArg: true,
    describe: `Config file (default: $${CONFIG_ENV_VAR}, else ${DEFAULT_CONFIG_PATH})`,
  });
}

/** "keel: warning: <problem> (<code>); fix: <fix>" */
export function renderWarning(issue: ConfigIssue): string {
  const w = wordError(issue);
  return `keel: warning: ${w.problem} (${issue.code}); fix: ${w.fix}`;
}

export function reportConfigIssues(issues: readonly ConfigIssue[], io: CommandIo): void {
  for (const issue of issues) io.err(renderError(issue));
}

/**
 * Loads the config named by --config / $KEEL_CONFIG for a command. On failure every issue has
 * already been printed; return the outcome as the command's own.
 */
export function loadConfigForCommand(
  args: { config?: string | undefined },
  io: CommandIo,
  fs?: ConfigFs,
): Result<Config, CommandOutcome> {
  const loaded = loadConfig(args.config, io.env, fs);
  if (!loaded.ok) {
    reportConfigIssues(loaded.error, io);
    return err({ exitCode: 1 });
  }
  for (const w of loaded.value.warnings) io.err(renderWarning(w));
  return ok(loaded.value.config);
}
