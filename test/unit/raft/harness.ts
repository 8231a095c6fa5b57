// A hand-routed group of RaftNodes for unit tests: messages queue FIFO and are delivered by
// stabilize(); `cut` links drop them. Durable state is kept per node the way a shell would.
import { seededRng } from "../../../src/lib/rng.ts";
import { validateRaftConfig } from "../../../src/raft/config.ts";
import type { Entry, HardState, RaftMessage, Snapshot } from "../../../src/raft/messages.ts";
import { RaftNode } from "../../../src/raft/raft-node.ts";

export interface Disk {
  hardState: HardState;
  entries: Entry[];
  snapshot: Snapshot | null;
  applied: Entry[];
}

export class Harness {
  readonly nodes = new Map<string, RaftNode>();
  readonly disks = new Map<string, Disk>();
  readonly queue: RaftMessage[] = [];
  readonly cut = new Set<string>();
  nowMs = 0;
  /** Sees every message a node hands to the network, delivered or not. */
  onSend: (m: RaftMessage) => void = () => {};

  constructor(
    readonly ids: string[],
    readonly seed = 1,
  ) {
    for (const id of ids) {
      this.disks.set(id, {
        hardState: { term: 0, vote: null, commit: 0 },
        entries: [],
        snapshot: null,
        applied: [],
      });
      this.start(id);
    }
  }

  node(id: string): RaftNode {
    return this.nodes.get(id) as RaftNode;
  }

  start(id: string): void {
    const cfg = validateRaftConfig(id, this.ids);
    if (!cfg.ok) throw new Error(cfg.error.detail);
    const d = this.disks.get(id) as Disk;
    const rng = seededRng(this.seed * 1000 + this.ids.indexOf(id));
    const n = new RaftNode({ config: cfg.value, rng, nowMs: this.nowMs, ...d });
    d.applied = d.applied.filter((e) => e.index <= (d.snapshot?.index ?? 0));
    this.nodes.set(id, n);
  }

  crash(id: string): void {
    this.nodes.delete(id);
  }

  isolate(id: string): void {
    for (const o of this.ids) {
      this.cut.add(`${id}>${o}`);
      this.cut.add(`${o}>${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Persist, collect messages, apply: what a shell does with one Ready. */
  private handleReady(id: string): void {
    const n = this.node(id);
    if (!n.hasReady()) return;
    const rd = n.ready();
    const d = this.disks.get(id) as Disk;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = d.entries.filter((e) => e.index > (rd.snapshot as Snapshot).index);
    }
    if (rd.entries.length > 0) {
      const first = (rd.entries[0] as Entry).index;
      d.entries = d.entries.filter((e) => e.index < first).concat(rd.entries);
    }
    if (rd.hardState) d.hardState = rd.hardState;
    for (const m of rd.messages) {
      this.onSend(m);
      if (!this.cut.has(`${m.from}>${m.to}`)) this.queue.push(m);
    }
    d.applied.push(...rd.committed);
    n.advance();
  }

  readyAll(): void {
    for (const id of this.nodes.keys()) this.handleReady(id);
  }

  /** Delivers until no node has anything to send; returns delivered message count. */
  stabilize(filter?: (m: RaftMessage) => boolean): number {
    let delivered = 0;
    this.readyAll();
    while (this.queue.length > 0) {
      const m = this.queue.shift() as RaftMessage;
      const to = this.nodes.get(m.to);
      if (!to || (filter && !filter(m))) continue;
      to.step(m, this.nowMs);
      delivered++;
      this.handleReady(m.to);
      if (delivered > 100_000) throw new Error("no quiescence");
    }
    return delivered;
  }

  /** Advances time in steps of `stepMs`, ticking everyone and stabilizing after each step. */
  advance(totalMs: number, stepMs = 10): void {
    for (let t = 0; t < totalMs; t += stepMs) {
      this.nowMs += stepMs;
      for (const n of this.nodes.values()) n.tick(this.nowMs);
      this.stabilize();
    }
  }

  leaders(): string[] {
    return [...this.nodes.values()].filter((n) => n.status().role === "leader").map((n) => n.id);
  }
}
