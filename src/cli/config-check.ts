// `keel config check`: validates the config file and says either "OK" or every problem in it.
import { loadConfig, resolveConfigPath } from "../config/load.ts";
import { type CodedError, defineCommand, success } from "./command.ts";
import { reportConfigIssues, renderWarning, withConfigOption } from "./config-option.ts";
import { wordError } from "./render-error.ts";

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

export const configCheckCommand = defineCommand({
  command: "config check",
  describe: "Validate the config file and report every problem in it at once",
  builder: (y) =>
    withConfigOption(y).option("json", { type: "boolean", default: false, describe: "JSON output" }),
  async run(args, io) {
    // yargs reads the word after "config" as a positional named "check"; anything else is a typo.
    const sub = (args as { check?: unknown }).check;
    if (sub !== "check") {
      return {
        error: {
          code: "cli.usage",
          detail: `unknown command 'config ${String(sub)}'; did you mean 'config check'?`,
        } as CodedError,
        exitCode: EXIT_USAGE,
      };
    }
    const path = resolveConfigPath(args.config, io.env);
    const loaded = loadConfig(args.config, io.env);
    if (args.json) {
      const issues = loaded.ok ? [] : loaded.error;
      const warnings = loaded.ok ? loaded.value.warnings : [];
      const words = (list: typeof issues) => list.map((i) => ({ ...i, ...wordError(i) }));
      const cfg = loaded.ok
        ? { cluster: loaded.value.config.cluster, nodeId: loaded.value.config.nodeId }
        : {};
      io.out(
        JSON.stringify({ ok: loaded.ok, path, ...cfg, issues: words(issues), warnings: words(warnings) }),
      );
      return { exitCode: loaded.ok ? 0 : EXIT_INVALID };
    }
    if (!loaded.ok) {
      reportConfigIssues(loaded.error, io);
      return { exitCode: EXIT_INVALID };
    }
    const { config, warnings } = loaded.value;
    io.out(`config OK: ${path} (cluster ${config.cluster}, node ${config.nodeId})`);
    for (const w of warnings) io.err(renderWarning(w));
    return success;
  },
});
