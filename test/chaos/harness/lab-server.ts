// One host's mariadbd: its files (the sandbox's datadir template and my.cnf, bound to the host's
// own address), and starting it inside the host's namespace. Stopping is signalling its pid.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { configFileOf, renderMyCnf } from "../../../src/sandbox/layout.ts";
import type { SandboxInstance } from "../../../src/sandbox/sandbox-types.ts";
import { errorLogTail, findServerPid } from "../../../src/sandbox/server-process.ts";
import { type HostPlan, LAB_MYSQL_PORT } from "./lab-plan.ts";
import { withSocket } from "./lab-sql.ts";
import { inNetns, processRunning } from "./net-admin.ts";

export const SERVER_START_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;

export interface ServerFiles extends SandboxInstance {
  configFile: string;
}

export function serverFilesOf(hostDir: string, host: HostPlan, isPrimary: boolean): ServerFiles {
  const instance: SandboxInstance = {
    port: LAB_MYSQL_PORT,
    serverId: host.serverId,
    datadir: `${hostDir}/data`,
    socket: `${hostDir}/mariadbd.sock`,
    pidFile: `${hostDir}/mariadbd.pid`,
    errorLog: `${hostDir}/error.log`,
    // Only decides which semi-sync side renderMyCnf enables first; the lab adds the other.
    sourcePort: isPrimary ? null : LAB_MYSQL_PORT,
  };
  return { ...instance, configFile: configFileOf(instance) };
}

export interface SemiSyncSettings {
  /** How long a commit waits for a replica's ack before falling back to asynchronous. */
  timeoutMs: number;
}

/**
 * The sandbox's my.cnf bound to the host's address. With semi-sync, every server gets both
 * sides' settings after the sandbox's own (a later line wins), and AFTER_SYNC, so a commit is
 * acknowledged to the client only once a replica has it: the lossless mode the checker assumes.
 */
export function labMyCnf(files: ServerFiles, address: string, semiSync: SemiSyncSettings | null): string {
  const runAsRoot = process.getuid?.() === 0;
  const base = renderMyCnf({ instance: files, semiSync: semiSync !== null, runAsRoot, bindAddress: address });
  if (!semiSync) return base;
  return `${base}${[
    "# keel chaos lab: lossless semi-sync on whichever server ends up primary.",
    "rpl_semi_sync_slave_enabled = ON",
    "rpl_semi_sync_master_wait_point = AFTER_SYNC",
    `rpl_semi_sync_master_timeout = ${semiSync.timeoutMs}`,
  ].join("\n")}\n`;
}

export function writeLabMyCnf(files: ServerFiles, address: string, semiSync: SemiSyncSettings | null): void {
  writeFileSync(files.configFile, labMyCnf(files, address, semiSync));
}

export function serverPid(files: ServerFiles): number | null {
  return findServerPid(files.pidFile, files.configFile);
}

async function loginWorks(files: ServerFiles): Promise<boolean> {
  try {
    await withSocket(files.socket, (s) => s.query("SELECT 1"), 1_000);
    return true;
  } catch {
    return false;
  }
}

/** Starts mariadbd in the namespace unless it runs; resolves once the operator socket answers. */
export async function startServerInNetns(
  mariadbd: string,
  files: ServerFiles,
  netns: string,
): Promise<number> {
  let pid = serverPid(files);
  if (pid === null) {
    const child = spawn("ip", inNetns(netns, [mariadbd, `--defaults-file=${files.configFile}`]), {
      detached: true,
      stdio: "ignore",
    });
    child.on("error", () => {
      // Reported below as "exited during startup", with the error log.
    });
    child.unref();
    pid = child.pid ?? null;
    if (pid === null) throw new Error(`could not spawn ${mariadbd} in ${netns}`);
  }
  const deadline = performance.now() + SERVER_START_TIMEOUT_MS;
  for (;;) {
    if (await loginWorks(files)) return pid;
    // Not judged by command line: right after spawn it is still the forking runtime's.
    const failed = !processRunning(pid)
      ? "mariadbd exited during startup"
      : performance.now() > deadline
        ? `no login within ${SERVER_START_TIMEOUT_MS} ms`
        : null;
    if (failed)
      throw new Error(`${netns}: ${failed}; ${files.errorLog}:\n${errorLogTail(files.errorLog).join("\n")}`);
    await sleep(READY_POLL_MS);
  }
}
