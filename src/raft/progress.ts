// What the leader knows about one follower's log, and how it is allowed to send to it.
//  probe:     one append at a time until the follower's position is found (after a rejection,
//             a restart, or a loss); a heartbeat response re-opens the probe (retransmission).
//  replicate: the follower is in sync; appends are pipelined, bounded by inflight messages.
//  snapshot:  the follower is behind the compacted log; snapshot chunks go one at a time.

export type ProgressState = "probe" | "replicate" | "snapshot";

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = "probe";
  /** In probe: an append is outstanding, so don't send another until a response arrives. */
  probeSent = false;
  /** Last index of each unacknowledged pipelined append, oldest first. */
  inflight: number[] = [];
  /** Heard from since the leader's last check-quorum round. */
  recentActive = false;
  /** Snapshot being sent: its index and how many bytes the follower confirmed. */
  snapshotIndex = 0;
  snapshotOffset = 0;

  constructor(next: number) {
    this.next = next;
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot's index.
    this.next = this.state === "snapshot" ? Math.max(this.match, this.snapshotIndex) + 1 : this.match + 1;
    this.state = "probe";
    this.probeSent = false;
    this.inflight = [];
  }

  becomeReplicate(): void {
    this.state = "replicate";
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflight = [];
  }

  becomeSnapshot(index: number): void {
    this.state = "snapshot";
    this.snapshotIndex = index;
    this.snapshotOffset = 0;
    this.inflight = [];
  }

  /** An acknowledgement up to `index`; false when stale (nothing new). */
  maybeUpdate(index: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    this.next = Math.max(this.next, index + 1);
    this.probeSent = false;
    while (this.inflight.length > 0 && (this.inflight[0] as number) <= index) this.inflight.shift();
    return true;
  }

  /**
   * A rejection of the append whose prevIndex was `rejected`. `resumeAt` is where the leader
   * computed the follower's log can match. False when the rejection is stale.
   */
  maybeBackOff(rejected: number, resumeAt: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.becomeProbe();
      this.next = Math.max(this.match + 1, Math.min(rejected, resumeAt));
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(this.match + 1, Math.min(rejected, resumeAt));
    this.probeSent = false;
    return true;
  }

  /** Whether the leader may send another append now. */
  canSend(inflightMax: number): boolean {
    if (this.state === "probe") return !this.probeSent;
    if (this.state === "replicate") return this.inflight.length < inflightMax;
    return false;
  }

  /** Records that an append ending at `lastIndex` went out. */
  sent(lastIndex: number, entryCount: number): void {
    if (this.state === "replicate") {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflight.push(lastIndex);
      }
    } else if (this.state === "probe") {
      this.probeSent = true;
    }
  }
}
