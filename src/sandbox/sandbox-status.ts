// What each sandbox server looks like right now, read with plain admin queries.
import { err, ok, type Result } from "../lib/result.ts";
import { type Row, withAdmin } from "./admin-sql.ts";
import { configFileOf } from "./layout.ts";
import type { InstanceStatus, IoThreadRunning, SandboxError, SandboxInstance } from "./sandbox-types.ts";
import { findServerPid } from "./server-process.ts";
import { readSandbox } from "./state-file.ts";

const STATUS_SQL_TIMEOUT_MS = 1_500;

function ioStateOf(v: unknown): IoThreadRunning {
  if (v === "Yes") return "yes";
  if (v === "Connecting" || v === "Preparing") return "connecting";
  return "no";
}

function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Folds one server's answers into a status; exported for table tests. */
export function statusFromRows(
  inst: SandboxInstance,
  pid: number,
  vars: Row | undefined,
  replica: Row | undefined,
): InstanceStatus {
  return {
    port: inst.port,
    serverId: inst.serverId,
    pid,
    alive: true,
    reachable: true,
    role: replica ? "replica" : "primary",
    plannedSourcePort: inst.sourcePort,
    readOnly: vars ? Number(vars.read_only) === 1 : null,
    sourcePort: replica ? numberOrNull(replica.Master_Port) : null,
    ioRunning: replica ? ioStateOf(replica.Slave_IO_Running) : null,
    sqlRunning: replica ? replica.Slave_SQL_Running === "Yes" : null,
    secondsBehind: replica ? numberOrNull(replica.Seconds_Behind_Master) : null,
    gtidCurrentPos: vars ? String(vars.gtid_current_pos ?? "") : null,
    lastError: replica ? String(replica.Last_IO_Error || replica.Last_SQL_Error || "") || null : null,
  };
}

function unobserved(inst: SandboxInstance, pid: number | null, lastError: string | null): InstanceStatus {
  return {
    port: inst.port,
    serverId: inst.serverId,
    pid,
    alive: pid !== null,
    reachable: false,
    role: "unknown",
    plannedSourcePort: inst.sourcePort,
    readOnly: null,
    sourcePort: null,
    ioRunning: null,
    sqlRunning: null,
    secondsBehind: null,
    gtidCurrentPos: null,
    lastError,
  };
}

async function statusOf(inst: SandboxInstance): Promise<InstanceStatus> {
  const pid = findServerPid(inst.pidFile, configFileOf(inst));
  if (pid === null) return unobserved(inst, null, null);
  const read = await withAdmin(
    inst.port,
    "read status",
    async (s) => {
      const vars = (
        await s.query("SELECT @@read_only AS read_only, @@gtid_current_pos AS gtid_current_pos")
      )[0];
      const replica = (await s.query("SHOW SLAVE STATUS"))[0];
      return { vars, replica };
    },
    STATUS_SQL_TIMEOUT_MS,
  );
  if (!read.ok)
    return unobserved(inst, pid, read.error.code === "sandbox.sql-failed" ? read.error.detail : null);
  return statusFromRows(inst, pid, read.value.vars, read.value.replica);
}

export async function sandboxStatus(dir: string): Promise<Result<InstanceStatus[], SandboxError>> {
  const state = readSandbox(dir);
  if (!state.ok) return err(state.error);
  return ok(await Promise.all(state.value.instances.map(statusOf)));
}
