// The sandbox's shapes and error codes: a local MariaDB topology for tests, demos and benches.
// Errors are values; src/cli/messages/sandbox.ts words each code with its fix.
import type { AgentPortOffsets, SandboxAgent } from "./agent-config.ts";

/** Fixed local credentials (like dbdeployer): the servers listen on 127.0.0.1 only. */
export const SANDBOX_ADMIN = { user: "keel", password: "keel" } as const;
export const SANDBOX_REPL = { user: "repl", password: "repl" } as const;

export const DEFAULT_MARIADBD = "/usr/sbin/mariadbd";
export const SANDBOX_STATE_FILE = "sandbox.json";

export interface SandboxOptions {
  dir: string;
  instances: number;
  basePort: number;
  semiSync?: boolean;
  /** The last instance replicates from instance 2 (an intermediate primary). Needs 3+ instances. */
  chained?: boolean;
  mariadbd?: string;
  /** Process whose death marks this sandbox orphaned (test sweeps); defaults to this process. */
  ownerPid?: number;
  /** Also run a keel agent per instance; true = default port offsets (agent-config.ts). */
  agents?: boolean | AgentPortOffsets;
}

export interface SandboxInstance {
  port: number;
  serverId: number;
  datadir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  /** null = the primary. */
  sourcePort: number | null;
}

export interface SandboxState {
  dir: string;
  basePort: number;
  instances: SandboxInstance[];
  ownerPid: number;
  semiSync: boolean;
  chained: boolean;
  createdAtWallMs: number;
  /** The server binary the instances run; restarts use the same one. */
  mariadbd: string;
  /** `up --agents`: one keel agent per instance (agent-config.ts); absent otherwise. */
  agents?: SandboxAgent[];
}

export type IoThreadRunning = "yes" | "no" | "connecting";

/** What `sandbox status` observed about one instance. Null fields: not observable (server down). */
export interface InstanceStatus {
  port: number;
  serverId: number;
  pid: number | null;
  alive: boolean;
  /** Accepted an admin connection and answered. */
  reachable: boolean;
  /** Observed: replica when it has a replication connection configured. */
  role: "primary" | "replica" | "unknown";
  /** The sandbox's wiring: which port it was set up to replicate from. */
  plannedSourcePort: number | null;
  readOnly: boolean | null;
  sourcePort: number | null;
  ioRunning: IoThreadRunning | null;
  sqlRunning: boolean | null;
  secondsBehind: number | null;
  gtidCurrentPos: string | null;
  lastError: string | null;
}

export type SandboxError =
  | { code: "sandbox.mariadbd-missing"; path: string }
  | { code: "sandbox.invalid-options"; detail: string }
  | { code: "sandbox.already-running"; dir: string; ports: number[] }
  | { code: "sandbox.not-found"; dir: string }
  | { code: "sandbox.state-corrupt"; path: string; detail: string }
  | { code: "sandbox.unknown-port"; dir: string; port: number; ports: number[] }
  | { code: "sandbox.port-in-use"; port: number }
  | { code: "sandbox.path-too-long"; path: string; limit: number }
  | { code: "sandbox.fs-failed"; path: string; detail: string }
  | { code: "sandbox.install-failed"; detail: string; logTail: string[] }
  | { code: "sandbox.start-failed"; port: number; errorLog: string; reason: string; logTail: string[] }
  | { code: "sandbox.stop-timeout"; port: number; pid: number; waitedMs: number }
  | { code: "sandbox.sql-failed"; port: number; action: string; detail: string }
  | {
      code: "sandbox.replication-not-running";
      port: number;
      sourcePort: number;
      ioRunning: string;
      sqlRunning: string;
      lastError: string;
    };
