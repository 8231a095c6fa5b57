// Pure: "at most one writable primary at any instant among hosts that can take client writes",
// judged over the sampler's rounds, and the same judged against the ledger's epochs (the hook the
// agent runtime plugs into: who the ledger said was primary, and since when).

/** One host as the client saw it in one sampling round. */
export interface HostSample {
  host: string;
  /** Answered the client (TCP from the root namespace) within the sampler's timeout. */
  reachable: boolean;
  /** null when unreachable. */
  readOnly: boolean | null;
}

export interface Sample {
  atMs: number;
  hosts: readonly HostSample[];
}

export interface SplitBrainInstant {
  atMs: number;
  writable: string[];
}

/** A host that can take client writes right now: the client reaches it and it is not read-only. */
export function writableHosts(s: Sample): string[] {
  return s.hosts
    .filter((h) => h.reachable && h.readOnly === false)
    .map((h) => h.host)
    .sort();
}

export function findSplitBrain(samples: readonly Sample[]): SplitBrainInstant[] {
  const out: SplitBrainInstant[] = [];
  for (const s of samples) {
    const writable = writableHosts(s);
    if (writable.length > 1) out.push({ atMs: s.atMs, writable });
  }
  return out;
}

/** Every host the client ever saw writable: the "old primaries" that must end rejoined or fenced. */
export function primariesSeen(samples: readonly Sample[]): string[] {
  const seen = new Set<string>();
  for (const s of samples) for (const h of writableHosts(s)) seen.add(h);
  return [...seen].sort();
}

/** The primary the client would pick in a round: the only writable one, else null. */
export function soleWritable(s: Sample): string | null {
  const w = writableHosts(s);
  return w.length === 1 ? w[0]! : null;
}

/** The ledger's word: `primary` held `epoch` from fromMs until toMs (null = still does). */
export interface EpochSpan {
  epoch: number;
  primary: string;
  fromMs: number;
  toMs: number | null;
}

export interface EpochViolation {
  atMs: number;
  host: string;
  epoch: number;
  epochPrimary: string;
}

function epochAt(epochs: readonly EpochSpan[], atMs: number): EpochSpan | null {
  let found: EpochSpan | null = null;
  for (const e of epochs) if (e.fromMs <= atMs && (e.toMs === null || atMs < e.toMs)) found = e;
  return found;
}

/**
 * Writable, client-reachable hosts that are not the primary of the epoch in force at that
 * instant. Instants before the first epoch are not judged (the ledger did not exist yet).
 */
export function findWritesOutsideEpoch(
  samples: readonly Sample[],
  epochs: readonly EpochSpan[],
): EpochViolation[] {
  const out: EpochViolation[] = [];
  for (const s of samples) {
    const e = epochAt(epochs, s.atMs);
    if (!e) continue;
    for (const host of writableHosts(s))
      if (host !== e.primary) out.push({ atMs: s.atMs, host, epoch: e.epoch, epochPrimary: e.primary });
  }
  return out;
}
