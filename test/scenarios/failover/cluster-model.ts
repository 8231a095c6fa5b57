// A toy MariaDB cluster for narrated failover scenarios: servers with read_only, one source each
// and a single-domain GTID position, agents that may be cut off from the quorum, and the ledger's
// primary and epoch. Just enough state for plans and the reconciler to act on and be observed.
import type { StepFacts } from "../../../src/failover/plan-done.ts";
import type { LocalAction } from "../../../src/failover/reconcile.ts";
import { compareGtid } from "../../../src/gtid/compare.ts";
import type { LastKnownPosition } from "../../../src/model/cluster-view.ts";
import type { InstanceState, ReachableInstance } from "../../../src/model/instance-state.ts";
import { healthy, keyOf } from "../../unit/failover/view-builder.ts";

export interface Server {
  id: string;
  serverId: number;
  up: boolean;
  readOnly: boolean;
  source: string | null;
  ioError: boolean;
  /** IO thread stopped without an error (a failover's detach): it receives nothing. */
  ioStopped: boolean;
  /** Last GTID of domain 0, "0-<server>-<seq>"; "" before any write. */
  pos: string;
  /** gtid_slave_pos: what it last applied as a replica (kept across RESET SLAVE ALL). */
  slavePos: string;
  /** The position at the last successful probe, as gossiped. */
  lastKnown: string;
  /** mysqld hangs (SIGSTOP, an I/O freeze) since this nowMs: the port is open, nothing answers. */
  hungSinceMs: number | null;
  /** How long it had not answered when it last woke up; taken by the next reconcile. */
  unansweredBeforeMs: number;
  /** Its agent asked for read_only while it hung: the SET waits, and lands when it wakes. */
  fenceQueued: boolean;
}

const template = healthy("mariadb", 2);
const TEMPLATE_INSTANCE = template.inst("db1");
const TEMPLATE_CHANNEL = template.channel("db2");

function seqOf(pos: string): number {
  return pos === "" ? 0 : Number(pos.split("-")[2]);
}

export class ClusterModel {
  readonly servers = new Map<string, Server>();
  readonly cut = new Map<string, number>(); // agent → nowMs when it lost the quorum
  nowMs = 0;
  ledger = { primary: null as string | null, epoch: 0 };

  add(id: string, primary: boolean): void {
    const serverId = this.servers.size + 1;
    this.servers.set(id, {
      id,
      serverId,
      up: true,
      readOnly: !primary,
      source: null,
      ioError: false,
      ioStopped: false,
      pos: "",
      slavePos: "",
      lastKnown: "",
      hungSinceMs: null,
      unansweredBeforeMs: 0,
      fenceQueued: false,
    });
    if (primary) {
      this.ledger = { primary: id, epoch: 1 };
      for (const s of this.servers.values()) if (s.id !== id) s.source = id;
    } else if (this.ledger.primary !== null) {
      (this.servers.get(id) as Server).source = this.ledger.primary;
    }
  }

  server(id: string): Server {
    const s = this.servers.get(id);
    if (s === undefined) throw new Error(`no server ${id}`);
    return s;
  }

  write(id: string, count: number): string {
    const s = this.server(id);
    if (s.hungSinceMs !== null) return `${id} does not answer (hung)`;
    if (!s.up || s.readOnly) return `${id} refuses writes (${s.up ? "read-only" : "down"})`;
    s.pos = `0-${s.serverId}-${seqOf(s.pos) + count}`;
    return `${id} at ${s.pos}`;
  }

  /** Every running replica copies its source's position when the source is ahead of it. */
  replicate(): string[] {
    const out: string[] = [];
    for (const s of this.servers.values()) {
      if (!s.up || s.hungSinceMs !== null || s.source === null || s.ioError || s.ioStopped) continue;
      const src = this.server(s.source);
      if (!src.up || src.hungSinceMs !== null || src.pos === s.pos) continue;
      const order = compareGtid(src.pos, s.pos === "" ? "0-0-0" : s.pos, "mariadb");
      if (order.ok && order.value === "ahead") {
        s.pos = src.pos;
        s.slavePos = src.pos;
        out.push(`${s.id} applied up to ${s.pos}`);
      }
    }
    return out;
  }

  probeAll(): void {
    for (const s of this.servers.values()) if (s.up && s.hungSinceMs === null) s.lastKnown = s.pos;
  }

  instance(id: string): InstanceState {
    const s = this.server(id);
    const key = keyOf(id);
    if (!s.up) {
      const down = { reason: "refused" as const, errorCode: "ECONNREFUSED", message: "connect failed" };
      return { reachable: false, key, probedAtWallMs: 0, probeLatencyMs: 1, ...down };
    }
    if (s.hungSinceMs !== null) {
      const hung = { reason: "timeout" as const, errorCode: "PROBE_DEADLINE", message: "no answer" };
      return { reachable: false, key, probedAtWallMs: 0, probeLatencyMs: 2_000, ...hung };
    }
    const inst: ReachableInstance = structuredClone(TEMPLATE_INSTANCE);
    Object.assign(inst, { key, serverId: s.serverId, readOnly: s.readOnly, gtidExecuted: s.pos });
    inst.mariadbGtid = {
      binlogPos: s.pos,
      binlogState: "",
      currentPos: s.pos,
      slavePos: s.slavePos,
      strictMode: true,
      domainId: 0,
    };
    if (s.source === null) inst.channels = [];
    else {
      const io = s.ioError
        ? { ioState: "no" as const, lastIoErrno: 1236 }
        : s.ioStopped
          ? { ioState: "no" as const, lastIoErrno: 0 }
          : { ioState: "yes" as const };
      const from = { sourceHost: keyOf(s.source).host, retrievedGtidSet: s.pos, executedGtidSet: s.pos };
      inst.channels = [{ ...structuredClone(TEMPLATE_CHANNEL), ...from, ...io }];
    }
    return inst;
  }

  lostForMs(id: string): number {
    const since = this.cut.get(id);
    return since === undefined ? 0 : this.nowMs - since;
  }

  facts(): StepFacts {
    const ids = [...this.servers.keys()];
    const hung = ids.filter((id) => this.server(id).hungSinceMs !== null);
    return {
      ledger: { ...this.ledger },
      // A cut-off agent's record goes stale: its last probe no longer counts as observed.
      instances: Object.fromEntries(ids.map((id) => [id, this.cut.has(id) ? null : this.instance(id)])),
      addresses: Object.fromEntries(ids.map((id) => [id, [keyOf(id)]])),
      silentForMs: Object.fromEntries(ids.map((id) => [id, this.lostForMs(id)])),
      unansweredForMs: Object.fromEntries(
        hung.map((id) => [id, this.nowMs - (this.server(id).hungSinceMs ?? this.nowMs)]),
      ),
    };
  }

  primaryPosition(): LastKnownPosition | null {
    const p = this.ledger.primary === null ? undefined : this.servers.get(this.ledger.primary);
    if (p === undefined || p.lastKnown === "") return null;
    return { flavor: "mariadb", gtidExecuted: p.lastKnown, serverId: p.serverId, serverUuid: null, ageMs: 0 };
  }

  /** The reconcile input's `hung` for a server that hangs now. */
  hungInput(id: string): { hung?: { forMs: number; lastReadOnly: boolean } } {
    const s = this.server(id);
    return s.hungSinceMs === null
      ? {}
      : { hung: { forMs: this.nowMs - s.hungSinceMs, lastReadOnly: s.readOnly } };
  }

  /** What an agent's executor does for one reconciler action. */
  applyLocal(id: string, a: LocalAction): void {
    const s = this.server(id);
    if (a.type === "set-read-only" && s.hungSinceMs !== null) s.fenceQueued = true;
    else if (a.type === "set-read-only") s.readOnly = true;
    else if (a.type === "set-writable") s.readOnly = false;
    else if (a.type === "rejoin" || a.type === "repoint") {
      // MASTER_DEMOTE_TO_SLAVE folds a former primary's own writes into its slave position.
      if (a.type === "rejoin") s.slavePos = s.pos;
      s.source = a.sourceNodeId;
      s.ioError = false;
      s.ioStopped = false;
    }
  }

  status(): string[] {
    const lines = [`ledger: primary ${this.ledger.primary ?? "-"} epoch ${this.ledger.epoch}`];
    for (const s of this.servers.values()) {
      const role = !s.up ? "down" : s.readOnly ? "ro" : "rw";
      const io = s.ioError ? " (io error)" : s.ioStopped ? " (io stopped)" : "";
      const source = s.source === null ? "" : ` <- ${s.source}${io}`;
      const cut = this.cut.has(s.id) ? ` cut ${this.lostForMs(s.id)} ms` : "";
      lines.push(`${s.id} ${role} gtid ${s.pos || "-"}${source}${cut}`);
    }
    return lines;
  }
}
