// Bookkeeping between ready() and advance(): what the shell was handed, so that advance() marks
// exactly that as persisted and applied, and hasReady() knows whether anything new is pending.
import type { RaftLog } from "./log.ts";
import type { HardState, RaftEvent, RaftMessage, Ready } from "./messages.ts";

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export class ReadyTracker {
  private handed: { lastEntry: number; applied: number; hardState: HardState; snapshot: boolean } | null =
    null;

  constructor(
    private readonly log: RaftLog,
    /** The hard state last made durable. */
    private persisted: HardState,
  ) {}

  pending(hs: HardState, outboxCount: number, eventCount: number): boolean {
    const log = this.log;
    return (
      outboxCount > 0 ||
      eventCount > 0 ||
      !sameHardState(hs, this.persisted) ||
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
    if (!sameHardState(hs, this.persisted)) rd.hardState = hs;
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
