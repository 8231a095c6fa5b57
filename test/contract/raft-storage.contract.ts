// One behaviour for every RaftStorage (house rule 3): run by raft-storage-file.test.ts and
// raft-storage-memory.test.ts. `reopen` returns a fresh storage over the same durable state,
// as after a restart.
import { afterEach, describe, expect, test } from "bun:test";
import type { RaftStorage, StoredEntry } from "../../src/storage/raft-storage.ts";

export interface StorageFixture {
  open(): RaftStorage;
  cleanup(): void;
}

const entry = (index: number, term: number, text = `e${index}`): StoredEntry => ({
  index,
  term,
  data: new TextEncoder().encode(text),
});

const range = (from: number, to: number, term: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`unexpected ${r.error.code}`);
  return r.value;
}

export function runRaftStorageContract(name: string, makeFixture: () => StorageFixture): void {
  describe(`RaftStorage contract: ${name}`, () => {
    let fx: StorageFixture | null = null;
    let open: RaftStorage[] = [];
    const fresh = () => {
      fx = makeFixture();
      return reopen();
    };
    const reopen = () => {
      for (const s of open) s.close();
      const s = (fx as StorageFixture).open();
      open = [s];
      return s;
    };
    afterEach(() => {
      for (const s of open) s.close();
      open = [];
      fx?.cleanup();
      fx = null;
    });

    test("a new storage is empty", () => {
      const s = fresh();
      expect(s.load()).toEqual({
        hardState: { term: 0, vote: null, commit: 0 },
        snapshot: null,
        entries: [],
      });
      expect(s.openWarnings()).toEqual([]);
    });

    test("hard state survives a reopen", () => {
      const s = fresh();
      must(s.append(range(1, 3, 7)));
      must(s.saveHardState({ term: 7, vote: "n2", commit: 3 }));
      expect(reopen().load().hardState).toEqual({ term: 7, vote: "n2", commit: 3 });
    });

    test("appended entries survive a reopen, bytes intact", () => {
      const s = fresh();
      must(s.append(range(1, 3, 1)));
      must(s.append([entry(4, 2, "é-ünïcode")]));
      const loaded = reopen().load().entries;
      expect(loaded).toEqual([...range(1, 3, 1), entry(4, 2, "é-ünïcode")]);
    });

    test("an append that starts inside the log replaces the conflicting suffix", () => {
      const s = fresh();
      must(s.append(range(1, 5, 1)));
      must(s.append(range(3, 4, 2)));
      expect(s.load().entries.map((e) => [e.index, e.term])).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
        [4, 2],
      ]);
      expect(reopen().load().entries.length).toBe(4);
    });

    test("an append leaving a gap is refused and changes nothing", () => {
      const s = fresh();
      must(s.append(range(1, 2, 1)));
      const r = s.append([entry(4, 1)]);
      expect(r.ok ? null : r.error).toEqual({ code: "storage.append-gap", expectedIndex: 3, gotIndex: 4 });
      const r2 = s.append([entry(3, 1), entry(5, 1)]);
      expect(r2.ok ? null : r2.error.code).toBe("storage.append-gap");
      expect(reopen().load().entries.length).toBe(2);
    });

    test("truncateSuffix drops the tail durably", () => {
      const s = fresh();
      must(s.append(range(1, 5, 1)));
      must(s.truncateSuffix(3));
      expect(s.load().entries.map((e) => e.index)).toEqual([1, 2]);
      const again = reopen();
      expect(again.load().entries.map((e) => e.index)).toEqual([1, 2]);
      must(again.append([entry(3, 2)]));
      expect(
        reopen()
          .load()
          .entries.map((e) => e.term),
      ).toEqual([1, 1, 2]);
    });

    test("a snapshot compacts the prefix and keeps the matching suffix", () => {
      const s = fresh();
      must(s.append(range(1, 6, 1)));
      must(s.saveSnapshot({ index: 4, term: 1, data: new Uint8Array([9, 8, 7]) }));
      const loaded = reopen().load();
      expect(loaded.snapshot).toEqual({ index: 4, term: 1, data: new Uint8Array([9, 8, 7]) });
      expect(loaded.entries.map((e) => e.index)).toEqual([5, 6]);
    });

    test("a snapshot the log doesn't match discards the whole log; appends resume after it", () => {
      const s = fresh();
      must(s.append(range(1, 6, 1)));
      must(s.saveSnapshot({ index: 10, term: 3, data: new Uint8Array([1]) }));
      expect(s.load().entries).toEqual([]);
      const r = s.append([entry(10, 3)]);
      expect(r.ok ? null : r.error.code).toBe("storage.append-gap");
      must(s.append([entry(11, 3)]));
      const loaded = reopen().load();
      expect(loaded.snapshot?.index).toBe(10);
      expect(loaded.entries.map((e) => e.index)).toEqual([11]);
    });

    test("a snapshot at a matching index but another term discards the log", () => {
      const s = fresh();
      must(s.append(range(1, 4, 1)));
      must(s.saveSnapshot({ index: 3, term: 2, data: new Uint8Array(0) }));
      expect(reopen().load().entries).toEqual([]);
    });

    test("many small appends across reopens keep every entry in order", () => {
      let s = fresh();
      for (let i = 1; i <= 60; i++) {
        must(s.append([entry(i, 1 + Math.floor(i / 20))]));
        if (i % 15 === 0) s = reopen();
      }
      expect(
        reopen()
          .load()
          .entries.map((e) => e.index),
      ).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    });

    test("loaded values are copies: mutating them doesn't change storage", () => {
      const s = fresh();
      must(s.append([entry(1, 1, "abc")]));
      const first = s.load().entries[0] as StoredEntry;
      first.data[0] = 0;
      expect((s.load().entries[0] as StoredEntry).data[0]).toBe(97);
    });
  });
}
