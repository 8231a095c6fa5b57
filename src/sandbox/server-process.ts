// Finding, starting and signalling one sandbox server's mariadbd process. Everything that must
// also run inside a process 'exit' handler (finding and killing) is synchronous.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { SANDBOX_ERROR_LOG_TAIL_LINES } from "../lib/limits.ts";

const POLL_MS = 50;
const TAIL_BYTES = 16 * 1024;

function defaultsArg(configFile: string): string {
  return `--defaults-file=${configFile}`;
}

/**
 * True when pid is a live mariadbd started with this config file. Checking the command line
 * (not just kill(pid, 0)) ignores zombies, whose cmdline is empty, and reused pids.
 */
export function isServerProcess(pid: number, configFile: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.includes(defaultsArg(configFile));
  } catch {
    return false;
  }
}

/** The pid of the server running with configFile, via its pid file or else a /proc scan. */
export function findServerPid(pidFile: string, configFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
    if (pid > 0 && isServerProcess(pid, configFile)) return pid;
  } catch {
    // No pid file yet (still starting) or removed by a clean shutdown: scan instead.
  }
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (isServerProcess(pid, configFile)) return pid;
  }
  return null;
}

/** Starts mariadbd detached, so the server outlives a CLI invocation and ignores its Ctrl-C. */
export function spawnServer(mariadbd: string, configFile: string): number | null {
  const child = spawn(mariadbd, [defaultsArg(configFile)], { detached: true, stdio: "ignore" });
  child.on("error", () => {
    // Reported through the readiness wait (process gone + error log), not as an uncaught event.
  });
  child.unref();
  return child.pid ?? null;
}

export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: the goal of every caller.
  }
}

/** Polls until the server process is gone; false when it outlived timeoutMs. */
export async function waitProcessGone(pid: number, configFile: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isServerProcess(pid, configFile)) {
    if (performance.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** The last lines of a server's error log, for a start failure the user can act on. */
export function errorLogTail(path: string, lines = SANDBOX_ERROR_LOG_TAIL_LINES): string[] {
  if (!existsSync(path)) return [];
  try {
    const size = statSync(path).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buf, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    return lastLines(buf.toString("utf8"), lines);
  } catch {
    return [];
  }
}

export function lastLines(text: string, n: number): string[] {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "")
    .slice(-n);
}

/** Whether something already accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (accepted: boolean) => {
      socket.destroy();
      done(accepted);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}
