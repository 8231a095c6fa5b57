// The leader's half of replication: per-follower progress, appends (pipelined or probing),
// heartbeats, chunked snapshots, and the commit rule. Driven by RaftNode, never by timers.
import {
  RAFT_APPEND_ENTRIES_MAX,
  RAFT_ENTRY_OVERHEAD_BYTES,
  RAFT_INFLIGHT_APPENDS_MAX,
  RAFT_MESSAGE_BYTES_MAX,
  RAFT_MESSAGE_HEADER_BYTES,
  RAFT_SNAPSHOT_CHUNK_BYTES,
} from "../lib/limits.ts";
import type { RaftLog } from "./log.ts";
import type { AppendResponse, Entry, RaftMessage, SnapshotResponse } from "./messages.ts";
import { Progress } from "./progress.ts";
import { quorumIndex } from "./quorum.ts";

/** Upper bound on an entry's share of an append message. */
export function entryWireBytes(e: Entry): number {
  return e.data.length + RAFT_ENTRY_OVERHEAD_BYTES;
}

const APPEND_ENTRY_BUDGET_BYTES = RAFT_MESSAGE_BYTES_MAX - RAFT_MESSAGE_HEADER_BYTES;

/** new: only entries not yet sent; empty-ok: also an empty append (to carry commit);
 *  force: even when paused, so a lost append or chunk is sent again (heartbeat-driven). */
type SendMode = "new" | "empty-ok" | "force";

export class Leadership {
  readonly progress = new Map<string, Progress>();

  constructor(
    private readonly id: string,
    private readonly term: number,
    private readonly voters: readonly string[],
    private readonly log: RaftLog,
    private readonly send: (m: RaftMessage) => void,
  ) {
    for (const v of voters) {
      const pr = new Progress(log.lastIndex() + 1);
      if (v === id) pr.match = log.lastIndex();
      this.progress.set(v, pr);
    }
  }

  private followers(): string[] {
    return this.voters.filter((v) => v !== this.id);
  }

  /** The leader's own entries count toward the majority as soon as they are in the log: the shell
   *  persists them before it sends the appends that can bring acknowledgements back. */
  appendOwn(entries: Entry[]): void {
    this.log.append(entries);
    (this.progress.get(this.id) as Progress).match = this.log.lastIndex();
  }

  broadcastAppend(mode: SendMode = "new"): void {
    for (const f of this.followers()) this.sendAppend(f, mode);
  }

  broadcastHeartbeat(): void {
    for (const f of this.followers()) {
      const pr = this.progress.get(f) as Progress;
      const commit = Math.min(pr.match, this.log.committed);
      const leaderCommit = this.log.committed;
      this.send({ type: "heartbeat", from: this.id, to: f, term: this.term, commit, leaderCommit });
    }
  }

  sendAppend(to: string, mode: SendMode): void {
    const pr = this.progress.get(to) as Progress;
    if (pr.state === "snapshot") {
      if (mode === "force") this.sendSnapshotChunk(to, pr);
      return;
    }
    if (mode !== "force" && !pr.canSend(RAFT_INFLIGHT_APPENDS_MAX)) return;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) {
      // The follower needs entries the leader compacted away.
      const snap = this.log.snapshot;
      if (snap === null) return;
      pr.becomeSnapshot(snap.index);
      this.sendSnapshotChunk(to, pr);
      return;
    }
    const entries = this.log.entriesFrom(
      pr.next,
      RAFT_APPEND_ENTRIES_MAX,
      APPEND_ENTRY_BUDGET_BYTES,
      entryWireBytes,
    );
    if (entries.length === 0 && mode === "new" && pr.state === "replicate") return;
    const commit = this.log.committed;
    this.send({ type: "append", from: this.id, to, term: this.term, prevIndex, prevTerm, entries, commit });
    pr.sent(prevIndex + entries.length, entries.length);
  }

  private sendSnapshotChunk(to: string, pr: Progress): void {
    const snap = this.log.snapshot;
    if (snap === null) return;
    if (snap.index !== pr.snapshotIndex) pr.becomeSnapshot(snap.index);
    const offset = Math.min(pr.snapshotOffset, snap.data.length);
    this.send({
      type: "snapshot",
      from: this.id,
      to,
      term: this.term,
      index: snap.index,
      snapshotTerm: snap.term,
      offset,
      totalBytes: snap.data.length,
      chunk: snap.data.subarray(offset, offset + RAFT_SNAPSHOT_CHUNK_BYTES),
    });
  }

  /** Returns true when the commit index advanced. */
  onAppendResponse(m: AppendResponse): boolean {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return false;
    pr.recentActive = true;
    if (!m.success) {
      // Skip the follower's whole conflicting term in one step when it told us where it ends.
      const probeAt =
        m.hintTerm > 0 ? this.log.lastIndexWithTermAtMost(m.hintIndex, m.hintTerm) : m.hintIndex;
      if (pr.maybeBackOff(m.index, probeAt + 1)) this.sendAppend(m.from, "empty-ok");
      return false;
    }
    if (!pr.maybeUpdate(m.index)) {
      // A probe answered at the position we already knew: the follower is in sync.
      if (pr.state === "probe" && m.index === pr.match && m.index === pr.next - 1) {
        pr.becomeReplicate();
        this.sendAppend(m.from, "new");
      }
      return false;
    }
    if (pr.state !== "replicate") pr.becomeReplicate();
    const advanced = this.maybeCommit();
    if (advanced) this.broadcastAppend("empty-ok");
    else this.sendAppend(m.from, "new");
    return advanced;
  }

  onHeartbeatResponse(from: string): void {
    const pr = this.progress.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (pr.match < this.log.lastIndex() || pr.state !== "replicate") this.sendAppend(from, "force");
  }

  onSnapshotResponse(m: SnapshotResponse): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (pr.state !== "snapshot" || m.index !== pr.snapshotIndex) return;
    pr.snapshotOffset = m.receivedBytes;
    this.sendSnapshotChunk(m.from, pr);
  }

  /** Commit only by majority in the leader's own term (Raft 5.4.2). */
  maybeCommit(): boolean {
    const matches = this.voters.map((v) => (this.progress.get(v) as Progress).match);
    const index = quorumIndex(matches);
    if (index <= this.log.committed || this.log.term(index) !== this.term) return false;
    return this.log.commitTo(index);
  }

  /** Check-quorum: who was heard from since the last check; resets the marks. */
  takeRecentlyActive(): Set<string> {
    const active = new Set<string>([this.id]);
    for (const [v, pr] of this.progress) {
      if (pr.recentActive) active.add(v);
      pr.recentActive = false;
    }
    return active;
  }
}
