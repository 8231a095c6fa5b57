// Bookkeeping between ready() and advance(): what the shell was handed, so that advance() marks
// exactly that as persisted and applied, and hasReady() knows whether anything new is pending.
//
// Hard state goes out for persisting only when term or vote change. Raft needs those durable
// before any reply that depends on them; the commit index it doesn't (Raft's commitIndex is
// volatile): a restarted node starts from the commit on disk, which may lag, applies only up to
// it and relearns the rest from the leader. Writing it on every advance cost a temp write, two
// fsyncs and a rename each time an entry committed. The commit rides along whenever term or
// vote are written anyway.
import type { RaftLog } from "./log.ts";
import type { HardState, RaftEvent, RaftMessage, Ready } from "./messages.ts";

function sameTermAndVote(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote;
}

export class ReadyTracker {
  private handed: { lastEntry: number; applied: number; hardState: HardState; snapshot: boolean } | null =
    null;

  constructor(
    private readonly log: RaftLog,
    /** The hard state last handed out for persisting (its commit may lag the node's). */
    private persisted: HardState,
  ) {}

  pending(hs: HardState, outboxCount: number, eventCount: number): boolean {
    const log = this.log;
    return (
      outboxCount > 0 ||
      eventCount > 0 ||
      !sameTermAndVote(hs, this.persisted) ||
      log.pendingSnapshot !== null ||
      log.unstableFrom <= log.lastIndex() ||
      log.committed > Math.max(log.applied, log.firstIndex() - 1)
    );
  }

  take(hs: HardState, messages: RaftMessage[], events: RaftEvent[]): Ready {
    const entries = this.log.unstableEntries();
    const committed = this.log.committedToApply();
    const snapshot = this.log.pendingSnapshot ?? undefined;
    const rd: Ready = { entries, messages, committed, events };
    if (!sameTermAndVote(hs, this.persisted)) rd.hardState = hs;
    if (snapshot) rd.snapshot = snapshot;
    this.handed = {
      lastEntry: entries.at(-1)?.index ?? 0,
      applied: committed.at(-1)?.index ?? (snapshot ? snapshot.index : this.log.applied),
      hardState: hs,
      snapshot: snapshot !== undefined,
    };
    return rd;
  }

  advance(): void {
    const h = this.handed;
    if (h === null) return;
    this.handed = null;
    this.persisted = h.hardState;
    if (h.lastEntry > 0) this.log.unstableFrom = Math.max(this.log.unstableFrom, h.lastEntry + 1);
    if (h.snapshot) this.log.pendingSnapshot = null;
    this.log.applied = Math.max(this.log.applied, h.applied);
  }
}
