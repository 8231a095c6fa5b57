// Words for config problems. Each issue already carries its specifics (path, expected, got, fix);
// this table shapes them into the one line a person reads.
import type { ConfigIssue, ConfigIssueCode } from "../../config/issues.ts";
import type { ConfigWriteError } from "../../config/write-config.ts";
import { defineMessages } from "./define.ts";

/** ConfigIssue as a union on its code, so each message gets its own variant. */
export type ConfigIssueError = { [K in ConfigIssueCode]: ConfigIssue & { code: K } }[ConfigIssueCode];
export type ConfigError = ConfigIssueError | ConfigWriteError;

/** "$.mysql.port", or "/etc/keel/keyring.json $.primary" for a file the config points to. */
function where(e: ConfigIssue): string {
  return e.role === "config" ? e.path : `${e.file} ${e.path}`;
}

const mismatch = (e: ConfigIssue) => ({
  problem: `${where(e)}: expected ${e.expected}, got ${e.got}`,
  fix: e.fix,
});

export const configMessages = defineMessages<ConfigError>({
  "config.unknown-key": (e) => ({ problem: `${where(e)}: unknown key ${e.got}`, fix: e.fix }),
  "config.wrong-type": mismatch,
  "config.out-of-range": mismatch,
  "config.invalid-value": mismatch,
  "config.bad-key-material": mismatch,
  "config.missing-key": (e) => ({ problem: `${where(e)}: missing, expected ${e.expected}`, fix: e.fix }),
  "config.conflict": (e) => ({
    problem: `${where(e)}: conflicting settings, expected ${e.expected}, got ${e.got}`,
    fix: e.fix,
  }),
  "config.not-found": (e) => ({
    problem: e.path === "$" ? `config file ${e.file} not found` : `${where(e)}: ${e.got}`,
    fix: e.fix,
  }),
  "config.unreadable": (e) => ({
    problem:
      e.path === "$" ? `cannot read config file ${e.file}: ${e.got}` : `${where(e)}: cannot read ${e.got}`,
    fix: e.fix,
  }),
  "config.bad-json": (e) => ({
    problem: `${e.file}:${e.line}:${e.column}: not valid JSON: ${e.got}`,
    fix: e.fix,
  }),
  "config.loose-permissions": (e) => ({
    problem:
      e.path === "$"
        ? `${e.file} holds a password or key but is readable by group or others (${e.got})`
        : `${where(e)}: expected ${e.expected}, got ${e.got}`,
    fix: e.fix,
  }),
  "config.exists": (e) => ({
    problem: `${e.file} already exists; keel init never overwrites a config`,
    fix: `check it with 'keel config check --config ${e.file}', or move it away first`,
  }),
  "config.unwritable": (e) => ({
    problem: `cannot write ${e.file}: ${e.detail}`,
    fix: "run as a user that may write there (root for /etc/keel), or pick another path with --config",
  }),
});
