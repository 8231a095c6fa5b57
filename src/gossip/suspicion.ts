// The timing maths of failure detection, pulled out of the machinery so it can be table-tested
// (house rule 4): Lifeguard's dynamic suspicion timeout, SWIM's retransmit limit and the local
// health multiplier that stretches a struggling node's own timeouts.

/** Lifeguard: a suspicion starts at `maxMs` and shrinks towards `minMs` as independent members
 *  confirm it, reaching `minMs` after `expected` confirmations (log-scaled, so the first
 *  confirmations count most). With no confirmations expected it is `minMs` from the start. */
export function suspicionTimeoutMs(
  confirmations: number,
  expected: number,
  minMs: number,
  maxMs: number,
): number {
  if (expected <= 0 || confirmations >= expected) return minMs;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)));
}

/** Shortest suspicion: `mult` probe periods, scaled by log10 of the cluster size so a bigger
 *  cluster (slower dissemination) waits longer; never below `mult` periods. */
export function suspicionMinMs(mult: number, memberCount: number, probeIntervalMs: number): number {
  const scale = Math.max(1, Math.log10(Math.max(1, memberCount)));
  return Math.floor(mult * scale * probeIntervalMs);
}

/** Independent confirmations a suspicion waits for before it runs at its minimum; none when
 *  the cluster is too small to supply them (the suspecter and the suspect don't count). */
export function expectedConfirmations(mult: number, memberCount: number): number {
  const k = mult - 2;
  return memberCount - 2 < k ? 0 : k;
}

/** SWIM's λ·log(N): how many times one update is piggybacked before it is considered spread. */
export function retransmitLimit(mult: number, memberCount: number): number {
  return mult * Math.ceil(Math.log10(memberCount + 1));
}

/** Anti-entropy slows down in big clusters so its cost per member stays flat (memberlist's
 *  push-pull scaling): ×1 up to 32 members, then one more period per doubling. */
export function pushPullIntervalMs(baseMs: number, memberCount: number): number {
  const threshold = 32;
  if (memberCount <= threshold) return baseMs;
  const multiplier = Math.ceil(Math.log2(memberCount) - Math.log2(threshold)) + 1;
  return baseMs * multiplier;
}

/** One suspicion this node is timing: who suspects, since when, how much confirmation arrived. */
export class Suspicion {
  private readonly confirmers = new Set<string>();

  constructor(
    readonly incarnation: number,
    readonly startMs: number,
    readonly expected: number,
    readonly minMs: number,
    readonly maxMs: number,
    firstSuspecter: string,
  ) {
    this.confirmers.add(firstSuspecter);
  }

  /** Records an independent suspecter; true when it is new (worth re-gossiping). */
  confirm(by: string): boolean {
    if (this.confirmers.has(by) || this.confirmers.size > this.expected) return false;
    this.confirmers.add(by);
    return true;
  }

  /** Confirmations beyond the first suspecter. */
  get confirmations(): number {
    return this.confirmers.size - 1;
  }

  deadlineMs(): number {
    return this.startMs + suspicionTimeoutMs(this.confirmations, this.expected, this.minMs, this.maxMs);
  }
}

/** Lifeguard's local health multiplier: a node that misses acks or has to refute suspicions of
 *  itself is probably the slow one, so it waits longer before blaming others. */
export class Awareness {
  private scoreValue = 0;

  constructor(private readonly max: number) {}

  get score(): number {
    return this.scoreValue;
  }

  apply(delta: number): void {
    this.scoreValue = Math.min(this.max - 1, Math.max(0, this.scoreValue + delta));
  }

  scaleMs(baseMs: number): number {
    return baseMs * (this.scoreValue + 1);
  }
}
