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

/**
 * Writable, client-reachable hosts that are not the primary of the epoch in force at that
 * instant. Instants before the first epoch are not judged (the ledger did not exist yet).
 * `toleranceMs` absorbs the fuzz of observing the ledger and the servers by polling: a host is
 * accepted when it was the primary of any epoch in force within ±toleranceMs of the sample.
 */
export function findWritesOutsideEpoch(
  samples: readonly Sample[],
  epochs: readonly EpochSpan[],
  toleranceMs = 0,
): EpochViolation[] {
  const out: EpochViolation[] = [];
  const inForce = (e: EpochSpan, fromMs: number, toMs: number) =>
    e.fromMs <= toMs && (e.toMs === null || fromMs < e.toMs);
  for (const s of samples) {
    const exact = epochs.filter((e) => inForce(e, s.atMs, s.atMs)).at(-1);
    if (!exact) continue;
    const near = epochs.filter((e) => inForce(e, s.atMs - toleranceMs, s.atMs + toleranceMs));
    for (const host of writableHosts(s))
      if (!near.some((e) => e.primary === host))
        out.push({ atMs: s.atMs, host, epoch: exact.epoch, epochPrimary: exact.primary });
  }
  return out;
}

/** One look at the ledger: at `atMs` it named `primary` for `epoch` (null primary: none yet). */
export interface LedgerObservation {
  atMs: number;
  epoch: number;
  primary: string | null;
}

/**
 * The epochs as a poller saw them: each starts when first observed and lasts until the next
 * one's start. Epochs never go back, so an observation older than the newest seen (a lagging
 * agent's copy) adds nothing; an epoch without a primary (bootstrap) is no span.
 */
export function epochSpansOf(observations: readonly LedgerObservation[]): EpochSpan[] {
  const spans: EpochSpan[] = [];
  const sorted = [...observations].sort((a, b) => a.atMs - b.atMs);
  let newest = -1;
  for (const o of sorted) {
    if (o.epoch <= newest || o.primary === null) continue;
    newest = o.epoch;
    const last = spans.at(-1);
    if (last) last.toMs = o.atMs;
    spans.push({ epoch: o.epoch, primary: o.primary, fromMs: o.atMs, toMs: null });
  }
  return spans;
}

/** A host resuming from a freeze (SIGSTOP) during [fromMs, toMs]: see `withoutResumeInstants`. */
export interface ResumeWindow {
  host: string;
  fromMs: number;
  toMs: number;
}

/**
 * Nobody can fence a frozen mysqld: for the moment between SIGCONT and its agent's fence, the old
 * primary reports read_only OFF (and a sampling query sent during the freeze is answered at that
 * instant, stamped with its send time). Those samples of that host are set aside here, and only
 * here: a write it could have acknowledged in that moment would be a lost acknowledged write,
 * which the lost-write checker still judges strictly (with semi-sync such a write waits for an ACK
 * no replica sends, and the fence kills it unacknowledged).
 */
export function withoutResumeInstants(
  samples: readonly Sample[],
  windows: readonly ResumeWindow[],
): Sample[] {
  if (windows.length === 0) return [...samples];
  return samples.map((s) => ({
    atMs: s.atMs,
    hosts: s.hosts.map((h) =>
      windows.some((w) => w.host === h.host && s.atMs >= w.fromMs && s.atMs <= w.toMs)
        ? { host: h.host, reachable: false, readOnly: null }
        : h,
    ),
  }));
}

/** The moments each frozen host resumed, widened by a sample's timeout before and the grace after. */
export function resumeWindows(
  timeline: readonly {
    atMs: number;
    phase: string;
    kind: string;
    hosts: readonly string[];
    error: string | null;
  }[],
  sampleTimeoutMs: number,
  graceMs: number,
): ResumeWindow[] {
  return timeline
    .filter((e) => e.phase === "end" && e.kind === "pause-mysqld" && e.error === null)
    .flatMap((e) =>
      e.hosts.map((host) => ({ host, fromMs: e.atMs - sampleTimeoutMs, toMs: e.atMs + graceMs })),
    );
}
