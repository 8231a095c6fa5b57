import { describe, expect, test } from "bun:test";
import { RaftLog } from "../../../src/raft/log.ts";
import type { Entry } from "../../../src/raft/messages.ts";

const e = (index: number, term: number, tag = ""): Entry => ({
  index,
  term,
  data: new TextEncoder().encode(tag),
});
/** A log holding entries with the given terms at 1..n, all persisted. */
const logOf = (...terms: number[]) =>
  new RaftLog(
    null,
    terms.map((t, i) => e(i + 1, t)),
    0,
  );
const terms = (l: RaftLog) =>
  Array.from({ length: l.lastIndex() - l.firstIndex() + 1 }, (_, i) => l.term(l.firstIndex() + i));

describe("RaftLog.maybeAppend", () => {
  test("rejects when prevIndex/prevTerm don't match", () => {
    const l = logOf(1, 1, 2);
    expect(l.maybeAppend(3, 1, [e(4, 3)])).toBeNull();
    expect(l.maybeAppend(5, 2, [e(6, 3)])).toBeNull();
    expect(l.lastIndex()).toBe(3);
  });

  test("truncates a conflicting suffix and marks it unstable", () => {
    const l = logOf(1, 1, 2, 2);
    expect(l.maybeAppend(2, 1, [e(3, 3), e(4, 3), e(5, 3)])).toBe(5);
    expect(terms(l)).toEqual([1, 1, 3, 3, 3]);
    expect(l.unstableEntries().map((x) => x.index)).toEqual([3, 4, 5]);
  });

  test("a stale, shorter append never truncates matching newer entries", () => {
    const l = logOf(1, 1, 1, 1);
    expect(l.maybeAppend(1, 1, [e(2, 1)])).toBe(2);
    expect(l.lastIndex()).toBe(4);
    expect(l.unstableEntries()).toEqual([]);
  });

  test("never rewrites a committed entry", () => {
    const l = logOf(1, 1, 2);
    l.commitTo(3);
    expect(l.maybeAppend(2, 1, [e(3, 3)])).toBeNull();
    expect(terms(l)).toEqual([1, 1, 2]);
  });
});

describe("RaftLog conflict hints", () => {
  test.each([
    // terms, index, term → last index <= index with term <= term
    [[1, 1, 2, 2, 2, 4], 6, 3, 5],
    [[1, 1, 2, 2, 2, 4], 6, 1, 2],
    [[1, 1, 2, 2, 2, 4], 4, 5, 4],
    [[3, 3, 3], 3, 2, 0],
  ])("%j: lastIndexWithTermAtMost(%i, %i) = %i", (ts, index, term, want) => {
    expect(logOf(...ts).lastIndexWithTermAtMost(index, term)).toBe(want);
  });
});

describe("RaftLog up-to-date rule", () => {
  test.each([
    [5, 3, true],
    [9, 1, false],
    [3, 2, true],
    [2, 2, false],
  ])("log [1,2,2] vs candidate lastIndex %i lastTerm %i → %p", (lastIndex, lastTerm, want) => {
    expect(logOf(1, 2, 2).isUpToDate(lastIndex, lastTerm)).toBe(want);
  });
});

describe("RaftLog compaction and snapshots", () => {
  test("compact keeps the suffix and remembers the snapshot term", () => {
    const l = logOf(1, 1, 2, 2);
    l.commitTo(3);
    l.applied = 3;
    expect(l.compact(4, new Uint8Array())).toBeNull(); // not applied yet
    expect(l.compact(3, new Uint8Array([7]))?.term).toBe(2);
    expect(l.firstIndex()).toBe(4);
    expect(l.term(3)).toBe(2);
    expect(l.term(2)).toBeUndefined();
    expect(l.compact(2, new Uint8Array())).toBeNull();
  });

  test("restore keeps entries after a matching snapshot point, discards a divergent log", () => {
    const keep = logOf(1, 1, 2, 2);
    keep.restore({ index: 2, term: 1, data: new Uint8Array() });
    expect(keep.firstIndex()).toBe(3);
    expect(keep.lastIndex()).toBe(4);
    const drop = logOf(1, 1, 2, 2);
    drop.restore({ index: 6, term: 3, data: new Uint8Array() });
    expect(drop.lastIndex()).toBe(6);
    expect(drop.committed).toBe(6);
    expect(drop.unstableEntries()).toEqual([]);
    expect(drop.pendingSnapshot?.index).toBe(6);
  });

  test("a reloaded log drops stored entries the snapshot covers and clamps commit", () => {
    const l = new RaftLog({ index: 2, term: 1, data: new Uint8Array() }, [e(1, 1), e(2, 1), e(3, 1)], 9);
    expect(l.firstIndex()).toBe(3);
    expect(l.committed).toBe(3);
    expect(l.applied).toBe(2);
  });

  test("entriesFrom respects count and byte budgets but always sends one", () => {
    const l = logOf(1, 1, 1, 1, 1);
    const size = () => 100;
    expect(l.entriesFrom(1, 3, 10_000, size).length).toBe(3);
    expect(l.entriesFrom(1, 10, 250, size).length).toBe(2);
    expect(l.entriesFrom(1, 10, 50, size).length).toBe(1);
    expect(l.entriesFrom(6, 10, 1_000, size).length).toBe(0);
  });
});
