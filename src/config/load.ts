// The edge where keel.json enters: find the file, read it, parse it, validate it. Everything
// after this works with a frozen Config.
import { CONFIG_FILE_BYTES_MAX } from "../lib/limits.ts";
import { err } from "../lib/result.ts";
import type { Config } from "./config.ts";
import { type ConfigFs, diskConfigFs } from "./config-fs.ts";
import { type ConfigIssue, IssueList } from "./issues.ts";
import { parseJsonText } from "./json-text.ts";
import { formatMode } from "./secrets.ts";
import { type ConfigResult, parseConfig } from "./validate.ts";

export const DEFAULT_CONFIG_PATH = "/etc/keel/keel.json";
export const CONFIG_ENV_VAR = "KEEL_CONFIG";

/** --config wins over $KEEL_CONFIG, which wins over /etc/keel/keel.json. Empty values count as unset. */
export function resolveConfigPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  const fromEnv = env[CONFIG_ENV_VAR];
  return fromEnv ? fromEnv : DEFAULT_CONFIG_PATH;
}

function fileProblem(path: string, kind: "not-found" | "unreadable", detail: string): ConfigIssue[] {
  const issues = new IssueList(path);
  if (kind === "not-found") {
    issues.add({
      code: "config.not-found",
      path: "$",
      expected: "a config file",
      got: `no file ${path}`,
      fix: `run 'keel init --config ${path}' to write one, or point --config / $${CONFIG_ENV_VAR} at yours`,
    });
  } else {
    issues.add({
      code: "config.unreadable",
      path: "$",
      expected: "a readable config file",
      got: detail,
      fix: `check that ${path} is a regular file the keel user can read`,
    });
  }
  return issues.items;
}

function holdsInlineSecrets(config: Config): boolean {
  const inline = (c: { password: unknown; passwordFile: string | null } | null) =>
    c !== null && c.password !== null && c.passwordFile === null;
  return config.keyring.file === null || inline(config.mysql) || inline(config.replication);
}

/** A config file holding secrets should be readable by its owner only: a warning, not a refusal. */
function permissionWarning(path: string, mode: number): ConfigIssue {
  const warnings = new IssueList(path);
  warnings.add({
    code: "config.loose-permissions",
    path: "$",
    expected: `${path} readable by its owner only (it holds a password or key)`,
    got: `mode ${formatMode(mode)}`,
    fix: `chmod 600 ${path}`,
  });
  return warnings.items[0] as ConfigIssue;
}

/** Reads and validates keel.json: the Config and its warnings, or every problem found. */
export function loadConfig(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  fs: ConfigFs = diskConfigFs,
): ConfigResult {
  const path = resolveConfigPath(flag, env);
  const read = fs.read(path, CONFIG_FILE_BYTES_MAX);
  if (!read.ok)
    return err(fileProblem(path, read.error.kind, read.error.kind === "unreadable" ? read.error.detail : ""));
  const parsed = parseJsonText(read.value.text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    const issues = new IssueList(path);
    issues.add({
      code: "config.bad-json",
      path: "$",
      expected: "valid JSON",
      got: message,
      line,
      column,
      fix: `correct ${path} at line ${line}, column ${column}`,
    });
    return err(issues.items);
  }
  const result = parseConfig(parsed.value, path, fs);
  if (!result.ok) return result;
  const { config, warnings } = result.value;
  if ((read.value.mode & 0o044) !== 0 && holdsInlineSecrets(config))
    warnings.unshift(permissionWarning(path, read.value.mode));
  return result;
}
