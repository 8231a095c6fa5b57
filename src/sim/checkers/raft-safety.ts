// Raft's safety properties (Raft paper, figure 3), checked incrementally after every simulator
// step so a violation is caught at the step that caused it:
//  - election safety:      at most one leader per term;
//  - log matching:         an (index, term) names one entry, and one predecessor term, everywhere;
//  - leader completeness:  a new leader's log holds every entry committed so far;
//  - state-machine safety: no two nodes apply different entries at one index (checked through a
//                          hash of the whole applied prefix, so snapshots are covered too).
// Incremental log matching is complete by induction: every entry passes through exactly one Ready
// when it enters a log, and is checked there against its predecessor's term.
import type { RaftLog } from "../../raft/log.ts";
import type { Entry } from "../../raft/messages.ts";

export type RaftViolation =
  | { code: "sim.raft.two-leaders"; term: number; leaders: string[] }
  | { code: "sim.raft.log-mismatch"; node: string; index: number; term: number; detail: string }
  | { code: "sim.raft.leader-incomplete"; node: string; term: number; index: number }
  | { code: "sim.raft.committed-changed"; node: string; index: number; term: number; was: number }
  | { code: "sim.raft.apply-mismatch"; node: string; index: number; detail: string }
  | { code: "sim.raft.no-progress"; detail: string };

export function dataKey(data: Uint8Array): string {
  let s = "";
  for (const b of data) s += String.fromCharCode(b);
  return s;
}

/** FNV-1a over the previous hash, the entry's term and its bytes: a digest of a whole prefix. */
export function chainHash(prev: number, e: Entry): number {
  let h = (prev ^ 0x811c9dc5) >>> 0;
  const mix = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193) >>> 0;
  };
  for (let t = e.term; t > 0; t = Math.floor(t / 256)) mix(t & 0xff);
  mix(0xfe);
  for (const b of e.data) mix(b);
  return h;
}

export class RaftSafetyChecker {
  readonly violations: RaftViolation[] = [];
  private readonly leaderOfTerm = new Map<number, string>();
  private readonly entryAt = new Map<string, { key: string; prevTerm: number | undefined }>();
  private readonly committed = new Map<number, { term: number; key: string }>();
  private maxCommitted = 0;
  private readonly seenCommit = new Map<string, number>();
  private readonly prefixHash = new Map<number, number>();

  private fail(v: RaftViolation): void {
    if (this.violations.length < 20) this.violations.push(v);
  }

  observeLeader(node: string, term: number): void {
    const known = this.leaderOfTerm.get(term);
    if (known === undefined) this.leaderOfTerm.set(term, node);
    else if (known !== node) this.fail({ code: "sim.raft.two-leaders", term, leaders: [known, node] });
  }

  /** Entries that just entered `node`'s log (a Ready's entries), with the log they are now in. */
  observeAppended(node: string, entries: readonly Entry[], log: RaftLog): void {
    for (const e of entries) {
      const prevTerm = log.term(e.index - 1);
      const id = `${e.index}/${e.term}`;
      const key = dataKey(e.data);
      const known = this.entryAt.get(id);
      if (known === undefined) {
        this.entryAt.set(id, { key, prevTerm });
        continue;
      }
      if (known.key !== key)
        this.fail({
          code: "sim.raft.log-mismatch",
          node,
          index: e.index,
          term: e.term,
          detail: "different data",
        });
      else if (known.prevTerm !== undefined && prevTerm !== undefined && known.prevTerm !== prevTerm)
        this.fail({
          code: "sim.raft.log-mismatch",
          node,
          index: e.index,
          term: e.term,
          detail: "different predecessor",
        });
    }
  }

  /** Records entries newly committed on `node`; a committed index never changes its entry. */
  observeCommit(node: string, log: RaftLog): void {
    const from = Math.max(this.seenCommit.get(node) ?? 0, log.firstIndex() - 1) + 1;
    for (let i = from; i <= log.committed; i++) {
      const e = log.entryAt(i) as Entry;
      const known = this.committed.get(i);
      if (known === undefined) {
        this.committed.set(i, { term: e.term, key: dataKey(e.data) });
        this.maxCommitted = Math.max(this.maxCommitted, i);
      } else if (known.term !== e.term || known.key !== dataKey(e.data)) {
        this.fail({ code: "sim.raft.committed-changed", node, index: i, term: e.term, was: known.term });
      }
    }
    this.seenCommit.set(node, Math.max(this.seenCommit.get(node) ?? 0, log.committed));
  }

  /** A restarted node re-learns its commit index; it may start below what it had seen. */
  forgetCommit(node: string): void {
    this.seenCommit.delete(node);
  }

  observeBecameLeader(node: string, term: number, log: RaftLog): void {
    if (log.lastIndex() < this.maxCommitted) {
      this.fail({ code: "sim.raft.leader-incomplete", node, term, index: this.maxCommitted });
      return;
    }
    for (const [index, c] of this.committed) {
      if (index < log.firstIndex()) continue; // inside its snapshot: committed by construction
      const e = log.entryAt(index);
      if (e === undefined || e.term !== c.term || dataKey(e.data) !== c.key) {
        this.fail({ code: "sim.raft.leader-incomplete", node, term, index });
        return;
      }
    }
  }

  /** An entry applied at `index` leaving the state machine's prefix digest at `hash`. */
  observeApplied(node: string, index: number, hash: number): void {
    const known = this.prefixHash.get(index);
    if (known === undefined) this.prefixHash.set(index, hash);
    else if (known !== hash)
      this.fail({ code: "sim.raft.apply-mismatch", node, index, detail: "applied a different prefix" });
  }

  /** State machines apply each index once, in order. */
  observeApplyOrder(node: string, index: number, expected: number): void {
    if (index !== expected)
      this.fail({
        code: "sim.raft.apply-mismatch",
        node,
        index,
        detail: `applied out of order, expected ${expected}`,
      });
  }

  noProgress(detail: string): void {
    this.fail({ code: "sim.raft.no-progress", detail });
  }
}
