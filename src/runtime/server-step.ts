// One plan step against one server, over an admin connection: what a target's agent runs on its
// own mysqld when the leader asks, and what the leader runs against the server's advertised
// address when that agent is gone. Every step is one of src/mysql/actions.ts's idempotent,
// verified, bounded operations; the answer is a short line for the ledger and the audit.
import type { StepAction } from "../failover/plan-steps.ts";
import {
  type ActionError,
  demoteToReplica,
  fence,
  makeWritable,
  promote,
  type ReplicationCredentials,
  repoint,
  resumeReceiving,
  type SourceAddress,
  stopReceiving,
  waitCaughtUp,
  waitRelayApplied,
} from "../mysql/actions.ts";
import { type AdminConnection, openAdminConnection } from "../mysql/admin-connection.ts";
import type { ProbeTarget } from "../mysql/connect.ts";
import { setSemiSync } from "../mysql/statements.ts";
import type { StepOutcome } from "./step-rpc.ts";

export interface ServerAccess {
  /** Where and as whom to connect (the local server, or the target's advertised address). */
  target: ProbeTarget;
  replication: ReplicationCredentials;
  /** Turn semi-sync's source side on when making a server writable (failover.semi_sync). */
  semiSync: boolean;
}

export interface ServerStepArgs {
  action: StepAction;
  /** repoint/demote: the new source as the leader resolved it. */
  source: SourceAddress | null;
  /** wait-caught-up: the position the old primary reached. */
  gtid: string | null;
  boundMs: number;
}

const monoMs = (): number => performance.now();

export function describeActionError(e: ActionError): string {
  const statement = e.statement === "" ? "" : ` [${e.statement}]`;
  return `${e.action} on ${e.host}:${e.port} failed: ${e.errorCode} ${e.message}${statement}`;
}

/** Everything retrieved applied, judged by GTIDs (on MariaDB against gtid_slave_pos): actions.ts. */
async function relayApplied(c: AdminConnection, boundMs: number): Promise<StepOutcome> {
  const startedMs = monoMs();
  const r = await waitRelayApplied(c, boundMs, "replication-status");
  if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
  return { ok: true, detail: `relay log applied (waited ${Math.round(monoMs() - startedMs)} ms)` };
}

async function writable(c: AdminConnection, semiSync: boolean): Promise<StepOutcome> {
  const r = await makeWritable(c);
  if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
  if (semiSync) {
    const on = await c.run("make-writable", setSemiSync(c.dialect, "source", true));
    if (!on.ok) return { ok: true, detail: `writable; semi-sync source not enabled: ${on.error.errorCode}` };
  }
  return { ok: true, detail: r.value.changed ? "read_only turned off" : "was already writable" };
}

function needSource(args: ServerStepArgs): SourceAddress | StepOutcome {
  return args.source ?? { ok: false, detail: "the new source's address is unknown" };
}

/** Performs the step on an open connection (the caller closes it). */
export async function runServerStep(
  c: AdminConnection,
  access: ServerAccess,
  args: ServerStepArgs,
): Promise<StepOutcome> {
  const a = args.action;
  switch (a.kind) {
    case "detach": {
      const r = await stopReceiving(c, args.boundMs);
      if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
      const was = r.value.wasReceiving ? "stopped receiving" : "was not receiving";
      return { ok: true, detail: `${was}; executed ${r.value.executedGtid}` };
    }
    case "reattach": {
      const r = await resumeReceiving(c);
      if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
      return { ok: true, detail: r.value.changed ? "receiving again" : "was receiving or has no source" };
    }
    case "wait-relay-applied":
      return relayApplied(c, args.boundMs);
    case "wait-caught-up": {
      if (args.gtid === null) return { ok: false, detail: `the position of ${a.fromNodeId} is unknown` };
      const r = await waitCaughtUp(c, args.gtid, args.boundMs);
      return r.ok
        ? { ok: true, detail: `caught up with ${args.gtid} in ${Math.round(r.value.waitedMs)} ms` }
        : { ok: false, detail: describeActionError(r.error) };
    }
    case "promote": {
      const r = await promote(c, { relayApplyTimeoutMs: args.boundMs });
      if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
      const was = r.value.wasReplica ? "replication stopped and reset" : "had no replication";
      return { ok: true, detail: `${was}; executed ${r.value.executedGtid}` };
    }
    case "make-writable":
      return writable(c, access.semiSync);
    case "fence": {
      const r = await fence(c, { openSecond: () => openAdminConnection(access.target) });
      if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
      return { ok: true, detail: r.value.changed ? "read_only turned on" : "was already read-only" };
    }
    case "repoint":
    case "demote": {
      const source = needSource(args);
      if ("ok" in source) return source;
      const r =
        a.kind === "repoint"
          ? await repoint(c, source, access.replication)
          : await demoteToReplica(c, source, access.replication);
      if (!r.ok) return { ok: false, detail: describeActionError(r.error) };
      const where = `${source.host}:${source.port}`;
      return {
        ok: true,
        detail: r.value.changed ? `replicating from ${where}` : `already replicating from ${where}`,
      };
    }
    default:
      return { ok: false, detail: `${a.kind} is not a server step` };
  }
}

/** Connects, performs the step, closes. Never throws. */
export async function performServerStep(access: ServerAccess, args: ServerStepArgs): Promise<StepOutcome> {
  const opened = await openAdminConnection(access.target);
  if (!opened.ok) return { ok: false, detail: describeActionError(opened.error) };
  const c = opened.value;
  try {
    return await runServerStep(c, access, args);
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  } finally {
    c.close();
  }
}
