// A few real RaftHosts + Proposers on in-memory storage, wired by hand: channels "r" and "p" are
// FIFO queues delivered by settle(), the clock is a number the test moves. Links can be cut.
import { seededRng } from "../../../../src/lib/rng.ts";
import { validateRaftConfig } from "../../../../src/raft/config.ts";
import type { LedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import { type ProposalResult, Proposer } from "../../../../src/runtime/proposals.ts";
import { RaftHost, type RaftHostEvent } from "../../../../src/runtime/raft-host.ts";
import {
  emptyMemoryDisk,
  type MemoryDisk,
  MemoryRaftStorage,
} from "../../../../src/storage/memory-raft-storage.ts";

export interface Sent {
  from: string;
  to: string;
  channel: "r" | "p";
  msg: unknown;
}

export interface Member {
  id: string;
  disk: MemoryDisk;
  host: RaftHost;
  proposer: Proposer;
  events: RaftHostEvent[];
}

export class HostCluster {
  nowMs = 0;
  readonly members = new Map<string, Member>();
  readonly queue: Sent[] = [];
  /** "a>b" drops everything a sends to b; "a>b:p" only channel p. */
  readonly cut = new Set<string>();
  /** Sees every message, delivered or not. */
  onSend: (s: Sent) => void = () => {};
  private requestSeq = 0;

  constructor(
    readonly ids: readonly string[],
    /** Storage per member (tests that watch the writes pass their own). */
    private readonly storageFor: (id: string, disk: MemoryDisk) => MemoryRaftStorage = (_, d) =>
      new MemoryRaftStorage(d),
  ) {
    for (const id of ids) this.start(id, emptyMemoryDisk());
  }

  start(id: string, disk: MemoryDisk): Member {
    const cfg = validateRaftConfig(id, this.ids);
    if (!cfg.ok) throw new Error(cfg.error.detail);
    const events: RaftHostEvent[] = [];
    const send = (channel: "r" | "p") => (to: string, msg: unknown) => {
      const s: Sent = { from: id, to, channel, msg };
      this.onSend(s);
      this.queue.push(s);
    };
    const created = RaftHost.create({
      config: cfg.value,
      storage: this.storageFor(id, disk),
      nowMs: this.nowMs,
      deps: { send: send("r"), rng: seededRng(this.ids.indexOf(id) + 7), onEvent: (e) => events.push(e) },
    });
    if (!created.ok) throw new Error(created.error.code);
    const host = created.value;
    const proposer = new Proposer({
      host,
      send: send("p"),
      newRequestId: () => `${id}-${++this.requestSeq}`,
    });
    const m = { id, disk, host, proposer, events };
    this.members.set(id, m);
    return m;
  }

  member(id: string): Member {
    const m = this.members.get(id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  crash(id: string): MemoryDisk {
    const m = this.member(id);
    this.members.delete(id);
    return m.disk;
  }

  /** Delivers queued messages (and what they cause) until the queue is empty. */
  settle(): void {
    for (let guard = 0; this.queue.length > 0 && guard < 100_000; guard++) {
      const s = this.queue.shift() as Sent;
      const to = this.members.get(s.to);
      const link = `${s.from}>${s.to}`;
      if (!to || this.cut.has(link) || this.cut.has(`${link}:${s.channel}`)) continue;
      if (s.channel === "r") to.host.onMessage(s.from, s.msg, this.nowMs);
      else to.proposer.onMessage(s.from, s.msg, this.nowMs);
    }
  }

  /** Moves time in ticks of `stepMs`, ticking every member and settling after each. */
  advance(ms: number, stepMs = 10): void {
    const until = this.nowMs + ms;
    while (this.nowMs < until) {
      this.nowMs += stepMs;
      for (const m of this.members.values()) {
        m.host.tick(this.nowMs);
        m.proposer.tick(this.nowMs);
      }
      this.settle();
    }
  }

  leader(): Member | null {
    for (const m of this.members.values()) if (m.host.status().role === "leader") return m;
    return null;
  }

  electLeader(): Member {
    for (let i = 0; i < 100 && this.leader() === null; i++) this.advance(100);
    const l = this.leader();
    if (!l) throw new Error("no leader elected");
    return l;
  }

  /** Starts a proposal and runs the cluster until it resolves (or maxMs passes). */
  async propose(
    from: string,
    cmd: LedgerCommand,
    timeoutMs = 2_000,
    maxMs = 5_000,
  ): Promise<ProposalResult | null> {
    let result: ProposalResult | null = null;
    this.member(from)
      .proposer.propose(cmd, timeoutMs, this.nowMs)
      .then((r) => {
        result = r;
      });
    this.settle();
    for (let t = 0; t < maxMs; t += 10) {
      await null; // lets the resolved promise's callback run
      if (result !== null) break;
      this.advance(10);
    }
    return result;
  }
}
