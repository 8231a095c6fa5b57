// A process run inside a host's namespace (such as `keel agent`), tracked so the nemesis can kill
// it and the lab can reap it. Output goes to a log file in the host's directory.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { inNetns } from "./net-admin.ts";

export interface SpawnOptions {
  /** Identifies the process to the nemesis (e.g. "agent"); defaults to the program's base name. */
  name?: string;
  env?: Record<string, string>;
  cwd?: string;
}

export interface LabProcess {
  readonly name: string;
  readonly argv: readonly string[];
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  running(): boolean;
  signal(sig: NodeJS.Signals): void;
}

export function spawnInNetns(
  netns: string,
  argv: readonly string[],
  logFile: string,
  o: SpawnOptions = {},
): LabProcess {
  if (argv.length === 0) throw new Error("spawn needs a program");
  const fd = openSync(logFile, "a");
  const child = spawn("ip", inNetns(netns, argv), {
    // Its own process group: a Ctrl-C meant for the test runner reaches it only via our teardown.
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...process.env, ...o.env },
    cwd: o.cwd,
  });
  closeSync(fd);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", () => {
      done = true;
      resolve(null);
    });
    child.on("exit", (code) => {
      done = true;
      resolve(code);
    });
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${argv[0]} in ${netns}`);
  const pid = child.pid;
  return {
    name: o.name ?? argv[0]!.split("/").pop()!,
    argv: [...argv],
    pid,
    logFile,
    exited,
    running: () => !done,
    signal(sig) {
      if (done) return;
      try {
        process.kill(pid, sig);
      } catch {
        // Exited between the check and the kill.
      }
    },
  };
}
