// Several real RaftNodes on a seeded SimNetwork with a virtual clock. Each node has a MemoryDisk
// that survives crash/restart; the shell here does what an agent's does with each Ready
// (persist snapshot, entries, hard state; send; apply; advance) and the safety checker watches
// every step. One seed = one exact run (KEEL_SEED replays it).
import { type Rng, seededRng } from "../lib/rng.ts";
import { type RaftTiming, validateRaftConfig } from "../raft/config.ts";
import type { Entry, RaftMessage, Ready } from "../raft/messages.ts";
import { RaftNode } from "../raft/raft-node.ts";
import { emptyMemoryDisk, type MemoryDisk, MemoryRaftStorage } from "../storage/memory-raft-storage.ts";
import { checkLivenessAfterHeal } from "./checkers/raft-liveness.ts";
import { chainHash, RaftSafetyChecker } from "./checkers/raft-safety.ts";
import { type LinkFaults, PERFECT_LINK, SimNetwork } from "./sim-network.ts";

export interface RaftClusterOptions {
  seed: number;
  voters: readonly string[];
  timing?: Partial<RaftTiming>;
  /** How often each node's tick(nowMs) is called. */
  tickMs?: number;
  faults?: LinkFaults;
  /** Take a snapshot once this many applied entries sit in the log; 0 never compacts. */
  compactEvery?: number;
  /** Extra bytes in each snapshot (state machines are bigger than a counter and a hash). */
  snapshotPadBytes?: number;
}

/** The simulated state machine: how far it has applied and a digest of everything applied. */
interface Applied {
  index: number;
  hash: number;
}

interface Host {
  id: string;
  node: RaftNode | null;
  disk: MemoryDisk;
  storage: MemoryRaftStorage;
  applied: Applied;
}

/** Padding makes snapshots span several chunks, so chunked InstallSnapshot is exercised. */
function encodeApplied(a: Applied, padBytes: number): Uint8Array {
  return new TextEncoder().encode(`${a.index}:${a.hash}:${".".repeat(padBytes)}`);
}

function decodeApplied(data: Uint8Array): Applied {
  const [index, hash] = new TextDecoder().decode(data).split(":").map(Number);
  return { index: index ?? 0, hash: hash ?? 0 };
}

export class RaftCluster {
  readonly rng: Rng;
  readonly net: SimNetwork<RaftMessage>;
  readonly checker = new RaftSafetyChecker();
  readonly hosts = new Map<string, Host>();
  nowMs = 0;
  readonly tickMs: number;
  private nextTickMs: number;
  private readonly compactEvery: number;
  /** Delivered messages and ticks processed, for throughput numbers. */
  steps = 0;

  constructor(readonly opts: RaftClusterOptions) {
    this.rng = seededRng(opts.seed);
    this.net = new SimNetwork<RaftMessage>(this.rng.fork(), opts.faults ?? PERFECT_LINK);
    this.tickMs = opts.tickMs ?? 10;
    this.nextTickMs = this.tickMs;
    this.compactEvery = opts.compactEvery ?? 0;
    for (const id of opts.voters) {
      const disk = emptyMemoryDisk();
      const host: Host = {
        id,
        node: null,
        disk,
        storage: new MemoryRaftStorage(disk),
        applied: { index: 0, hash: 0 },
      };
      this.hosts.set(id, host);
      this.start(host);
    }
  }

  host(id: string): Host {
    const h = this.hosts.get(id);
    if (h === undefined) throw new RangeError(`no node ${id}`);
    return h;
  }

  private start(h: Host): void {
    const cfg = validateRaftConfig(h.id, this.opts.voters, this.opts.timing);
    if (!cfg.ok) throw new RangeError(cfg.error.detail);
    const loaded = h.storage.load();
    h.applied = loaded.snapshot ? decodeApplied(loaded.snapshot.data) : { index: 0, hash: 0 };
    h.node = new RaftNode({ config: cfg.value, rng: this.rng.fork(), nowMs: this.nowMs, ...loaded });
  }

  alive(): RaftNode[] {
    const out: RaftNode[] = [];
    for (const h of this.hosts.values()) if (h.node) out.push(h.node);
    return out;
  }

  /** The live leader with the highest term, if any. */
  leader(): RaftNode | null {
    let best: RaftNode | null = null;
    for (const n of this.alive()) {
      const s = n.status();
      if (s.role === "leader" && (best === null || s.term > best.status().term)) best = n;
    }
    return best;
  }

  crash(id: string): void {
    const h = this.host(id);
    h.node = null;
    this.net.dropInFlight(id);
    this.checker.forgetCommit(id);
  }

  /** Crash in the middle of persisting a Ready: a random prefix of its entries reached the disk,
   *  hard state and messages never did. This is the torn tail a real disk leaves. */
  crashTorn(id: string): void {
    const n = this.host(id).node;
    if (n?.hasReady()) {
      const rd = n.ready();
      const kept = rd.entries.slice(0, this.rng.int(rd.entries.length + 1));
      if (!rd.snapshot && kept.length > 0) this.host(id).storage.append(kept);
    }
    this.crash(id);
  }

  restart(id: string): void {
    const h = this.host(id);
    if (h.node === null) this.start(h);
  }

  propose(data: Uint8Array): { index: number; term: number } | null {
    const lead = this.leader();
    if (lead === null) return null;
    const r = lead.propose(data);
    this.handleReady(this.host(lead.id));
    return r.ok ? r.value : null;
  }

  private handleReady(h: Host): void {
    const n = h.node;
    if (n === null || !n.hasReady()) return;
    const rd = n.ready();
    this.persist(h, rd);
    for (const m of rd.messages) this.net.send(m.from, m.to, m, this.nowMs);
    this.apply(h, rd.committed);
    n.advance();
    this.observe(h, n, rd);
    this.maybeCompact(h, n);
  }

  private persist(h: Host, rd: Ready): void {
    if (rd.snapshot) {
      h.storage.saveSnapshot(rd.snapshot);
      h.applied = decodeApplied(rd.snapshot.data);
      this.checker.observeApplied(h.id, h.applied.index, h.applied.hash);
    }
    if (rd.entries.length > 0) {
      const r = h.storage.append(rd.entries);
      if (!r.ok) throw new Error(`sim storage refused an append: ${r.error.code}`);
    }
    if (rd.hardState) h.storage.saveHardState(rd.hardState);
  }

  private apply(h: Host, committed: readonly Entry[]): void {
    for (const e of committed) {
      if (e.index !== h.applied.index + 1) {
        this.checker.observeApplyOrder(h.id, e.index, h.applied.index + 1);
        continue;
      }
      h.applied = { index: e.index, hash: chainHash(h.applied.hash, e) };
      this.checker.observeApplied(h.id, e.index, h.applied.hash);
    }
  }

  private observe(h: Host, n: RaftNode, rd: Ready): void {
    if (rd.entries.length > 0) this.checker.observeAppended(h.id, rd.entries, n.log);
    this.checker.observeCommit(h.id, n.log);
    for (const ev of rd.events) {
      if (ev.type === "role-changed" && ev.role === "leader") {
        this.checker.observeLeader(h.id, ev.term);
        this.checker.observeBecameLeader(h.id, ev.term, n.log);
      }
    }
  }

  private maybeCompact(h: Host, n: RaftNode): void {
    if (this.compactEvery <= 0 || h.applied.index - (n.log.firstIndex() - 1) < this.compactEvery) return;
    const snap = n.compact(h.applied.index, encodeApplied(h.applied, this.opts.snapshotPadBytes ?? 0));
    if (snap.ok) h.storage.saveSnapshot(snap.value);
  }

  /** Processes the next due deliveries or tick, whichever comes first. */
  step(): void {
    const due = this.net.nextDeliveryAtMs() ?? Number.POSITIVE_INFINITY;
    this.nowMs = Math.min(due, this.nextTickMs);
    if (due <= this.nowMs) {
      for (const d of this.net.deliverDue(this.nowMs)) {
        const h = this.hosts.get(d.to);
        if (!h?.node) continue;
        h.node.step(d.msg, this.nowMs);
        this.steps++;
        this.handleReady(h);
      }
    }
    if (this.nowMs >= this.nextTickMs) {
      this.nextTickMs += this.tickMs;
      for (const h of this.hosts.values()) {
        if (!h.node) continue;
        h.node.tick(this.nowMs);
        this.steps++;
        this.handleReady(h);
      }
    }
  }

  runFor(ms: number): void {
    const until = this.nowMs + ms;
    while (this.nowMs < until && this.checker.violations.length === 0) this.step();
  }

  /** Steps until `done` holds; false if `maxMs` of virtual time passed first. */
  runUntil(done: () => boolean, maxMs: number): boolean {
    const until = this.nowMs + maxMs;
    while (!done()) {
      if (this.nowMs >= until || this.checker.violations.length > 0) return false;
      this.step();
    }
    return true;
  }

  appliedIndex(id: string): number {
    return this.host(id).applied.index;
  }
}

// --- seeded fault schedules --------------------------------------------------------------

export interface ScheduleOptions {
  /** Virtual ms of faults before healing. */
  safetyMs?: number;
  /** Virtual ms allowed after healing for a leader and a committed proposal everywhere. */
  livenessBoundMs?: number;
  voters?: readonly string[];
}

export interface ScheduleResult {
  seed: number;
  voters: readonly string[];
  violations: RaftCluster["checker"]["violations"];
  faults: string[];
  steps: number;
  committed: number;
  leaderAfterHealMs: number | null;
}

/** 3 voters, 5 voters, or two database agents plus a witness, in turn. */
export function votersForSeed(seed: number): string[] {
  if (seed % 3 === 0) return ["n1", "n2", "n3"];
  if (seed % 3 === 1) return ["n1", "n2", "n3", "n4", "n5"];
  return ["db1", "db2", "witness"];
}

function drawFaults(rng: Rng): LinkFaults {
  return {
    lossRate: rng.chance(0.5) ? rng.next() * 0.3 : 0,
    duplicateRate: rng.chance(0.4) ? rng.next() * 0.2 : 0,
    minDelayMs: 1,
    maxDelayMs: 1 + rng.int(40),
  };
}

function applyRandomFault(c: RaftCluster, rng: Rng): string {
  const ids = [...c.hosts.keys()];
  const up = ids.filter((id) => c.host(id).node !== null);
  const down = ids.filter((id) => c.host(id).node === null);
  const roll = rng.int(10);
  if (roll === 0 && down.length > 0) {
    const id = rng.pick(down);
    c.restart(id);
    return `restart ${id}`;
  }
  if (roll <= 2 && up.length > 0) {
    const lead = c.leader();
    const id = lead && rng.chance(0.5) ? lead.id : rng.pick(up);
    if (rng.chance(0.5)) c.crashTorn(id);
    else c.crash(id);
    return `crash ${id}`;
  }
  if (roll === 3) {
    const shuffled = rng.shuffle(ids);
    const cut = 1 + rng.int(ids.length - 1);
    c.net.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    return `partition ${shuffled.slice(0, cut).join(",")}|${shuffled.slice(cut).join(",")}`;
  }
  if (roll === 4) {
    const id = rng.pick(ids);
    c.net.isolate(id);
    return `isolate ${id}`;
  }
  if (roll === 5) {
    const [a, b] = rng.shuffle(ids) as [string, string];
    c.net.setLinkFaults(a, b, { lossRate: 1, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 1 });
    return `cut ${a}>${b}`;
  }
  if (roll === 6) {
    c.net.setFaults(drawFaults(rng));
    return "faults";
  }
  if (roll <= 8 && down.length > 0) {
    const id = rng.pick(down);
    c.restart(id);
    return `restart ${id}`;
  }
  c.net.heal();
  return "heal";
}

function healAll(c: RaftCluster): void {
  const ids = [...c.hosts.keys()];
  c.net.heal();
  for (const a of ids) for (const b of ids) c.net.setLinkFaults(a, b, null);
  c.net.setFaults({ lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 5 });
  for (const id of ids) c.restart(id);
}

/** One seeded run: faults and proposals for `safetyMs`, then heal and require progress. */
export function runRaftSchedule(seed: number, opts: ScheduleOptions = {}): ScheduleResult {
  const rng = seededRng(seed ^ 0x5eed5eed);
  const voters = opts.voters ?? votersForSeed(seed);
  const cluster = new RaftCluster({
    seed,
    voters,
    faults: drawFaults(rng),
    compactEvery: rng.pick([0, 4, 16]),
    snapshotPadBytes: rng.pick([0, 1_500, 5_000]),
  });
  const safetyMs = opts.safetyMs ?? 2_000 + rng.int(6_000);
  const faults: string[] = [];
  let nextFaultMs = rng.int(600);
  let nextProposeMs = 0;
  let proposals = 0;
  while (cluster.nowMs < safetyMs && cluster.checker.violations.length === 0) {
    if (cluster.nowMs >= nextProposeMs) {
      // Now and then a burst, so appends fill up to their batch limits and followers lag by more
      // than one batch.
      const burst = rng.chance(0.1) ? 5 + rng.int(40) : 1;
      for (let i = 0; i < burst; i++) cluster.propose(new TextEncoder().encode(`${seed}-${proposals++}`));
      nextProposeMs = cluster.nowMs + 5 + rng.int(120);
    }
    if (cluster.nowMs >= nextFaultMs) {
      faults.push(`${cluster.nowMs}ms ${applyRandomFault(cluster, rng)}`);
      nextFaultMs = cluster.nowMs + 50 + rng.int(600);
    }
    cluster.step();
  }
  let leaderAfterHealMs: number | null = null;
  if (cluster.checker.violations.length === 0) {
    healAll(cluster);
    leaderAfterHealMs = checkLivenessAfterHeal(cluster, opts.livenessBoundMs ?? 10_000).leaderAfterMs;
  }
  const committed = Math.max(...[...cluster.hosts.keys()].map((id) => cluster.appliedIndex(id)));
  const violations = cluster.checker.violations;
  return { seed, voters, violations, faults, steps: cluster.steps, committed, leaderAfterHealMs };
}
