// MySQL GTID sets as values: which transactions, per server UUID (and, since 8.3, per tag), a
// server has executed. Parsing lives in mysql-gtid-parse.ts; this file is the algebra.
import {
  countIntervals,
  formatIntervals,
  type GtidInterval,
  type IntervalList,
  intersectIntervals,
  intervalsEqual,
  isIntervalSubset,
  normalizeIntervals,
  subtractIntervals,
  unionIntervals,
} from "./interval.ts";
import { type GtidOrder, orderFromContainment } from "./order.ts";

/** The transactions of one source: a server UUID and a tag ("" for untagged GTIDs). */
export interface GtidSource {
  /** Lower case, with dashes: "3e11fa47-71ca-11e1-9e33-c80aa9429562". */
  readonly uuid: string;
  /** Lower case; "" for untagged. */
  readonly tag: string;
  /** Normalized and never empty. */
  readonly intervals: IntervalList;
}

/**
 * Canonical by construction: sources sorted by uuid, then tag with untagged first (the order MySQL
 * prints), one source per (uuid, tag), no empty source. Two equal sets have equal structure.
 */
export interface MysqlGtidSet {
  readonly sources: readonly GtidSource[];
}

export const EMPTY_MYSQL_GTID_SET: MysqlGtidSet = { sources: [] };

/** The largest transaction number MySQL can assign (2^63-1). */
export const MYSQL_GTID_SEQUENCE_MAX = 2n ** 63n - 1n;

function compareSourceKey(a: { uuid: string; tag: string }, b: { uuid: string; tag: string }): number {
  if (a.uuid !== b.uuid) return a.uuid < b.uuid ? -1 : 1;
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  return 0;
}

export interface GtidSourceInput {
  uuid: string;
  tag?: string;
  intervals: readonly GtidInterval[];
}

/**
 * Builds a canonical set from sources in any order, with repeats and unmerged intervals allowed.
 * The caller vouches that uuids and tags are well formed and every interval has 1 <= start <= end
 * <= MYSQL_GTID_SEQUENCE_MAX (the parser checks all of that); case is normalized here.
 */
export function mysqlGtidSetFromSources(inputs: readonly GtidSourceInput[]): MysqlGtidSet {
  const byKey = new Map<string, { uuid: string; tag: string; intervals: GtidInterval[] }>();
  for (const input of inputs) {
    const uuid = input.uuid.toLowerCase();
    const tag = (input.tag ?? "").toLowerCase();
    const key = `${uuid}:${tag}`;
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { uuid, tag, intervals: input.intervals.slice() });
    else entry.intervals.push(...input.intervals);
  }
  const sources: GtidSource[] = [];
  for (const entry of byKey.values()) {
    const intervals = normalizeIntervals(entry.intervals);
    if (intervals.length > 0) sources.push({ uuid: entry.uuid, tag: entry.tag, intervals });
  }
  sources.sort(compareSourceKey);
  return { sources };
}

export interface MysqlGtidFormatOptions {
  /**
   * Put a newline after each comma, as @@gtid_executed and SHOW REPLICA STATUS print it.
   * Default false: one line, for logs, the topology line and comparisons.
   */
  newlines?: boolean;
}

/** Canonical text: "uuid:1-5:7:tag:1-3,uuid2:4", one entry per uuid with its tags after its untagged intervals. */
export function formatMysqlGtidSet(set: MysqlGtidSet, options: MysqlGtidFormatOptions = {}): string {
  const entries: string[] = [];
  let current = "";
  let currentUuid = "";
  for (const source of set.sources) {
    if (source.uuid !== currentUuid) {
      if (current !== "") entries.push(current);
      current = source.uuid;
      currentUuid = source.uuid;
    }
    current += source.tag === "" ? ":" : `:${source.tag}:`;
    current += formatIntervals(source.intervals);
  }
  if (current !== "") entries.push(current);
  return entries.join(options.newlines === true ? ",\n" : ",");
}

type IntervalCombiner = (a: IntervalList, b: IntervalList) => IntervalList;

/** Walks both sorted source lists once, combining the intervals of each (uuid, tag) key. */
function combineSets(a: MysqlGtidSet, b: MysqlGtidSet, combine: IntervalCombiner): MysqlGtidSet {
  const sources: GtidSource[] = [];
  const push = (like: GtidSource, intervals: IntervalList): void => {
    if (intervals.length > 0) sources.push({ uuid: like.uuid, tag: like.tag, intervals });
  };
  let i = 0;
  let j = 0;
  while (i < a.sources.length || j < b.sources.length) {
    const x = a.sources[i];
    const y = b.sources[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareSourceKey(x, y);
    if (order < 0) {
      push(x as GtidSource, combine((x as GtidSource).intervals, []));
      i++;
    } else if (order > 0) {
      push(y as GtidSource, combine([], (y as GtidSource).intervals));
      j++;
    } else {
      push(x as GtidSource, combine((x as GtidSource).intervals, (y as GtidSource).intervals));
      i++;
      j++;
    }
  }
  return { sources };
}

export function unionMysqlGtidSets(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  return combineSets(a, b, unionIntervals);
}

/** The transactions in a that are not in b: GTID_SUBTRACT(a, b). */
export function subtractMysqlGtidSets(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  return combineSets(a, b, subtractIntervals);
}

export function intersectMysqlGtidSets(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  return combineSets(a, b, intersectIntervals);
}

/** True when every transaction of a is in b: GTID_SUBSET(a, b). */
export function isMysqlGtidSubset(a: MysqlGtidSet, b: MysqlGtidSet): boolean {
  let j = 0;
  for (const x of a.sources) {
    while (j < b.sources.length && compareSourceKey(b.sources[j] as GtidSource, x) < 0) j++;
    const y = b.sources[j];
    if (y === undefined || compareSourceKey(x, y) !== 0) return false;
    if (!isIntervalSubset(x.intervals, y.intervals)) return false;
  }
  return true;
}

export function mysqlGtidSetsEqual(a: MysqlGtidSet, b: MysqlGtidSet): boolean {
  if (a.sources.length !== b.sources.length) return false;
  for (let i = 0; i < a.sources.length; i++) {
    const x = a.sources[i] as GtidSource;
    const y = b.sources[i] as GtidSource;
    if (compareSourceKey(x, y) !== 0 || !intervalsEqual(x.intervals, y.intervals)) return false;
  }
  return true;
}

export function isMysqlGtidSetEmpty(set: MysqlGtidSet): boolean {
  return set.sources.length === 0;
}

/** Number of transactions in the set. bigint: a single source can hold up to 2^63-1 of them. */
export function countMysqlGtids(set: MysqlGtidSet): bigint {
  let total = 0n;
  for (const source of set.sources) total += countIntervals(source.intervals);
  return total;
}

/** "ahead" when a holds every transaction of b and more; "diverged" when each has some the other lacks. */
export function compareMysqlGtidSets(a: MysqlGtidSet, b: MysqlGtidSet): GtidOrder {
  return orderFromContainment(isMysqlGtidSubset(b, a), isMysqlGtidSubset(a, b));
}
