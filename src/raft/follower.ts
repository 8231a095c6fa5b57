// The follower's answers to a leader: the append consistency check (with the conflict hint for
// fast back-off) and snapshot reassembly. Each returns the reply to send.
import type { RaftLog } from "./log.ts";
import type { AppendRequest, AppendResponse, RaftMessage, Snapshot, SnapshotChunk } from "./messages.ts";
import type { SnapshotReceiver } from "./snapshot-receiver.ts";

function accepted(m: { from: string; to: string }, term: number, index: number): AppendResponse {
  return {
    type: "append-response",
    from: m.to,
    to: m.from,
    term,
    success: true,
    index,
    hintIndex: 0,
    hintTerm: 0,
  };
}

export function answerAppend(log: RaftLog, m: AppendRequest, term: number): AppendResponse {
  const last = log.maybeAppend(m.prevIndex, m.prevTerm, m.entries);
  if (last !== null) {
    // Only what the leader just proved matches may be committed, never a stale tail past it.
    log.commitTo(Math.min(m.commit, last));
    return accepted(m, term, last);
  }
  // Tell the leader where our log could still match: the last index at or below its prevIndex
  // whose term is no newer than its prevTerm. It can skip a whole conflicting term at once.
  const hintIndex = log.lastIndexWithTermAtMost(Math.min(m.prevIndex, log.lastIndex()), m.prevTerm);
  const hintTerm = log.term(hintIndex) ?? 0;
  return { ...accepted(m, term, m.prevIndex), success: false, hintIndex, hintTerm };
}

export function answerSnapshotChunk(
  log: RaftLog,
  receiver: SnapshotReceiver,
  m: SnapshotChunk,
  term: number,
): { reply: RaftMessage; restored: Snapshot | null } {
  // Already covered by our commit: report where we are so the leader resumes with appends.
  if (m.index <= log.committed) return { reply: accepted(m, term, log.committed), restored: null };
  const done = receiver.accept(m);
  if (done === null) {
    const receivedBytes = receiver.receivedBytes(m.index, m.snapshotTerm);
    const reply: RaftMessage = {
      type: "snapshot-response",
      from: m.to,
      to: m.from,
      term,
      index: m.index,
      receivedBytes,
    };
    return { reply, restored: null };
  }
  log.restore(done);
  return { reply: accepted(m, term, done.index), restored: done };
}
