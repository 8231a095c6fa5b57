// How many datagrams were dropped, by reason: exported as metrics and shown by `keel status`.
import { DROP_REASONS, type DropReason } from "./drop-reason.ts";

export type DropCounts = Record<DropReason, number>;

export class DropCounters {
  private readonly counts: DropCounts = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounts;

  record(reason: DropReason): void {
    this.counts[reason]++;
  }

  snapshot(): DropCounts {
    return { ...this.counts };
  }

  total(): number {
    return DROP_REASONS.reduce((sum, r) => sum + this.counts[r], 0);
  }
}
