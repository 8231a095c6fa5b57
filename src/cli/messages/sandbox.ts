// Words for the sandbox's error codes: each names what went wrong and what to do next.
import type { SandboxError } from "../../sandbox/sandbox-types.ts";
import { defineMessages } from "./define.ts";

function tail(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `; last log lines: ${lines.join(" | ")}`;
}

export const sandboxMessages = defineMessages<SandboxError>({
  "sandbox.mariadbd-missing": (e) => ({
    problem: `MariaDB server binary not found or not executable at ${e.path}`,
    fix: "apt-get install -y mariadb-server",
  }),
  "sandbox.invalid-options": (e) => ({
    problem: `invalid sandbox options: ${e.detail}`,
    fix: "run 'keel sandbox --help' for the flags and their ranges",
  }),
  "sandbox.already-running": (e) => ({
    problem: `a sandbox is already running in ${e.dir} (ports ${e.ports.join(", ")})`,
    fix: `run 'keel sandbox down --dir ${e.dir}' first, or pick another --dir`,
  }),
  "sandbox.not-found": (e) => ({
    problem: `no sandbox in ${e.dir} (no sandbox.json)`,
    fix: "pass the --dir you gave 'keel sandbox up', or start one with 'keel sandbox up'",
  }),
  "sandbox.state-corrupt": (e) => ({
    problem: `sandbox state file ${e.path} is unreadable: ${e.detail}`,
    fix: `check that no mariadbd runs from that directory (pgrep -af ${e.path.replace(/\/sandbox\.json$/, "")}), then delete the directory`,
  }),
  "sandbox.unknown-port": (e) => ({
    problem: `the sandbox in ${e.dir} has no instance on port ${e.port}`,
    fix: `use one of its ports: ${e.ports.join(", ")}`,
  }),
  "sandbox.port-in-use": (e) => ({
    problem: `port ${e.port} on 127.0.0.1 is already in use by another process`,
    fix: `pick a free --base-port, or find the user with 'ss -ltnp sport = :${e.port}'`,
  }),
  "sandbox.path-too-long": (e) => ({
    problem: `socket path ${e.path} is longer than the ${e.limit}-byte unix socket limit`,
    fix: "use a shorter --dir",
  }),
  "sandbox.fs-failed": (e) => ({
    problem: `file operation on ${e.path} failed: ${e.detail}`,
    fix: "check the path exists, is writable and the disk is not full",
  }),
  "sandbox.install-failed": (e) => ({
    problem: `initialising a MariaDB datadir failed: ${e.detail}${tail(e.logTail)}`,
    fix: "check the MariaDB installation (mariadb-install-db --help) and free disk space in the temp dir",
  }),
  "sandbox.start-failed": (e) => ({
    problem: `sandbox instance on port ${e.port} did not start: ${e.reason}${tail(e.logTail)}`,
    fix: `read ${e.errorLog}; then 'keel sandbox down' and 'keel sandbox up' again`,
  }),
  "sandbox.stop-timeout": (e) => ({
    problem: `sandbox instance on port ${e.port} (pid ${e.pid}) was still running ${e.waitedMs} ms after the signal`,
    fix: `kill it with 'kill -9 ${e.pid}', then retry`,
  }),
  "sandbox.sql-failed": (e) => ({
    problem: `could not ${e.action} on sandbox instance 127.0.0.1:${e.port}: ${e.detail}`,
    fix: "check the instance runs ('keel sandbox status') and read its error.log in the sandbox dir",
  }),
  "sandbox.replication-not-running": (e) => ({
    problem: `replica 127.0.0.1:${e.port} is not replicating from port ${e.sourcePort} (IO ${e.ioRunning}, SQL ${e.sqlRunning}${e.lastError ? `, error: ${e.lastError}` : ""})`,
    fix: "read both instances' error.log in the sandbox dir; 'keel sandbox down' then 'up' starts clean",
  }),
});
