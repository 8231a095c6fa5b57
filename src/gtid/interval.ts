// Closed intervals of transaction sequence numbers, the atoms of a MySQL GTID set. Sequence
// numbers reach 2^63-1, beyond Number's exact range, so everything here is bigint.

/** Inclusive on both ends: { start: 1n, end: 5n } is the five transactions 1..5. */
export interface GtidInterval {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * A normalized list: sorted by start, no overlaps and no two intervals touching (1-5 and 6-9 are
 * one interval 1-9, as MySQL prints them). Every function here takes and returns normalized lists.
 */
export type IntervalList = readonly GtidInterval[];

/** Sorts and merges any list of valid (start <= end) intervals into normalized form. */
export function normalizeIntervals(intervals: readonly GtidInterval[]): IntervalList {
  if (intervals.length <= 1 || isNormalized(intervals)) return intervals.slice();
  const sorted = intervals.slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: GtidInterval[] = [];
  let current = sorted[0] as GtidInterval;
  for (let i = 1; i < sorted.length; i++) {
    const next = sorted[i] as GtidInterval;
    if (next.start <= current.end + 1n) {
      if (next.end > current.end) current = { start: current.start, end: next.end };
    } else {
      out.push(current);
      current = next;
    }
  }
  out.push(current);
  return out;
}

/** Server output is already canonical; noticing that skips a sort of every parsed set. */
function isNormalized(intervals: readonly GtidInterval[]): boolean {
  for (let i = 1; i < intervals.length; i++) {
    if ((intervals[i] as GtidInterval).start <= (intervals[i - 1] as GtidInterval).end + 1n) return false;
  }
  return true;
}

export function unionIntervals(a: IntervalList, b: IntervalList): IntervalList {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  // Both inputs are sorted, so a merge by start followed by one coalescing pass is linear.
  const merged: GtidInterval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.start <= y.start)) {
      merged.push(x as GtidInterval);
      i++;
    } else {
      merged.push(y);
      j++;
    }
  }
  return coalesceSorted(merged);
}

function coalesceSorted(sorted: GtidInterval[]): IntervalList {
  const out: GtidInterval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && next.start <= last.end + 1n) {
      if (next.end > last.end) out[out.length - 1] = { start: last.start, end: next.end };
    } else {
      out.push(next);
    }
  }
  return out;
}

/** The transactions of a that are not in b. */
export function subtractIntervals(a: IntervalList, b: IntervalList): IntervalList {
  if (a.length === 0 || b.length === 0) return a;
  const out: GtidInterval[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    // Intervals of b that end before x starts can never matter again: a is sorted too.
    while (j < b.length && (b[j] as GtidInterval).end < start) j++;
    let k = j;
    while (k < b.length && start <= x.end) {
      const y = b[k] as GtidInterval;
      if (y.start > x.end) break;
      if (y.start > start) out.push({ start, end: y.start - 1n });
      start = y.end + 1n;
      k++;
    }
    if (start <= x.end) out.push(start === x.start ? x : { start, end: x.end });
  }
  return out;
}

// Math.max and Math.min take numbers only.
function maxBigint(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function intersectIntervals(a: IntervalList, b: IntervalList): IntervalList {
  const out: GtidInterval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as GtidInterval;
    const y = b[j] as GtidInterval;
    const start = maxBigint(x.start, y.start);
    const end = minBigint(x.end, y.end);
    if (start <= end) out.push({ start, end });
    // Advance whichever ends first; the other may still overlap the next one.
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** True when every transaction of a is in b. */
export function isIntervalSubset(a: IntervalList, b: IntervalList): boolean {
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as GtidInterval).end < x.start) j++;
    const y = b[j];
    // Normalized lists never touch, so x must sit inside a single interval of b.
    if (y === undefined || y.start > x.start || y.end < x.end) return false;
  }
  return true;
}

export function intervalsEqual(a: IntervalList, b: IntervalList): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as GtidInterval;
    const y = b[i] as GtidInterval;
    if (x.start !== y.start || x.end !== y.end) return false;
  }
  return true;
}

/** How many transactions the list holds; bigint because one interval alone can exceed 2^53. */
export function countIntervals(intervals: IntervalList): bigint {
  let total = 0n;
  for (const x of intervals) total += x.end - x.start + 1n;
  return total;
}

/** MySQL's text for one interval list: "1-5:7:9-12". */
export function formatIntervals(intervals: IntervalList): string {
  return intervals.map((x) => (x.start === x.end ? `${x.start}` : `${x.start}-${x.end}`)).join(":");
}
