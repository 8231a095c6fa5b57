// Reassembles a snapshot sent in chunks. Chunks arrive one at a time (the leader waits for each
// acknowledgement), so anything but the next expected offset is a duplicate or a restart.
import { RAFT_SNAPSHOT_BYTES_MAX } from "../lib/limits.ts";
import type { Snapshot, SnapshotChunk } from "./messages.ts";

interface PartialSnapshot {
  index: number;
  term: number;
  totalBytes: number;
  chunks: Uint8Array[];
  receivedBytes: number;
}

export class SnapshotReceiver {
  private partial: PartialSnapshot | null = null;

  /** Bytes held so far of the snapshot (index, term); 0 when it isn't the one being received. */
  receivedBytes(index: number, term: number): number {
    const p = this.partial;
    return p !== null && p.index === index && p.term === term ? p.receivedBytes : 0;
  }

  /** Takes one chunk; returns the whole snapshot once its last byte has arrived. */
  accept(m: SnapshotChunk): Snapshot | null {
    if (m.totalBytes > RAFT_SNAPSHOT_BYTES_MAX || m.offset + m.chunk.length > m.totalBytes) return null;
    let p = this.partial;
    if (p === null || p.index !== m.index || p.term !== m.snapshotTerm || p.totalBytes !== m.totalBytes) {
      if (m.offset !== 0) return null;
      p = { index: m.index, term: m.snapshotTerm, totalBytes: m.totalBytes, chunks: [], receivedBytes: 0 };
      this.partial = p;
    }
    if (m.offset !== p.receivedBytes) return null;
    if (m.chunk.length === 0 && p.receivedBytes < p.totalBytes) return null;
    p.chunks.push(m.chunk.slice());
    p.receivedBytes += m.chunk.length;
    if (p.receivedBytes < p.totalBytes) return null;
    const data = new Uint8Array(p.totalBytes);
    let at = 0;
    for (const c of p.chunks) {
      data.set(c, at);
      at += c.length;
    }
    this.partial = null;
    return { index: p.index, term: p.term, data };
  }
}
