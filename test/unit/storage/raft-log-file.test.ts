// Handcrafted torn tails and damaged logs: a torn tail (nothing intact after the damage) is cut on
// open with a typed warning; damage with intact records after it, or a log missing entries the
// hard state says are committed, fails the open and leaves the file untouched.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RAFT_LOG_RECORD_BYTES_MAX } from "../../../src/lib/limits.ts";
import { FileRaftStorage, RAFT_LOG_FILE } from "../../../src/storage/file-raft-storage.ts";
import { encodeRecord } from "../../../src/storage/raft-log-file.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keel-raft-log-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (index: number) => ({ index, term: 1, data: new TextEncoder().encode(`entry ${index}`) });
const logPath = () => join(dir, RAFT_LOG_FILE);

function writeGood(n: number): number {
  const records = Array.from({ length: n }, (_, i) => encodeRecord(entry(i + 1)));
  writeFileSync(logPath(), Buffer.concat(records));
  return statSync(logPath()).size;
}

function reopen() {
  const r = FileRaftStorage.open(dir);
  if (!r.ok) throw new Error(r.error.code);
  const s = r.value;
  const out = { entries: s.load().entries, warnings: [...s.openWarnings()] };
  s.close();
  return out;
}

describe("torn tails", () => {
  test("a partial length prefix is cut", () => {
    const good = writeGood(3);
    appendFileSync(logPath(), new Uint8Array([5, 0]));
    const { entries, warnings } = reopen();
    expect(entries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(warnings).toEqual([
      {
        code: "storage.log-tail-truncated",
        path: logPath(),
        keptBytes: good,
        droppedBytes: 2,
        reason: "short-header",
      },
    ]);
    expect(statSync(logPath()).size).toBe(good);
  });

  test("a partial body is cut", () => {
    const good = writeGood(3);
    const next = encodeRecord(entry(4));
    appendFileSync(logPath(), next.subarray(0, next.length - 3));
    const { entries, warnings } = reopen();
    expect(entries.length).toBe(3);
    expect(warnings[0]?.reason).toBe("short-body");
    expect(warnings[0]?.droppedBytes).toBe(next.length - 3);
    expect(statSync(logPath()).size).toBe(good);
  });

  test("a bad crc in the last record is a torn write: that record is cut", () => {
    writeGood(3);
    const bytes = readFileSync(logPath());
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] as number) ^ 0xff;
    writeFileSync(logPath(), bytes);
    const { entries, warnings } = reopen();
    expect(entries.map((e) => e.index)).toEqual([1, 2]);
    expect(warnings[0]?.reason).toBe("bad-crc");
  });

  test("a zero-filled tail (size grew, data never landed) is cut", () => {
    const good = writeGood(2);
    appendFileSync(logPath(), new Uint8Array(4096));
    const { entries, warnings } = reopen();
    expect(entries.length).toBe(2);
    expect(warnings[0]).toMatchObject({ reason: "bad-record", keptBytes: good, droppedBytes: 4096 });
    expect(statSync(logPath()).size).toBe(good);
  });

  test("a length beyond the record limit is corruption, not a huge read", () => {
    writeGood(2);
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, RAFT_LOG_RECORD_BYTES_MAX + 1, true);
    appendFileSync(logPath(), header);
    const { entries, warnings } = reopen();
    expect(entries.length).toBe(2);
    expect(warnings[0]?.reason).toBe("bad-record");
  });

  test("after repair, appends continue where the intact log ends", () => {
    writeGood(2);
    appendFileSync(logPath(), new Uint8Array([1, 2, 3]));
    const s = FileRaftStorage.open(dir);
    if (!s.ok) throw new Error(s.error.code);
    expect(s.value.append([entry(3)]).ok).toBe(true);
    s.value.close();
    const { entries, warnings } = reopen();
    expect(entries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(warnings).toEqual([]);
  });
});

describe("damage inside the log fails the open", () => {
  const recordBytes = () => encodeRecord(entry(1)).length; // records 1..9 have the same size

  test("a flipped byte in record 2 of 5 (commit 5): storage.log-corrupt, nothing cut", () => {
    writeGood(5);
    const s = FileRaftStorage.open(dir);
    if (!s.ok) throw new Error(s.error.code);
    expect(s.value.saveHardState({ term: 1, vote: "a", commit: 5 }).ok).toBe(true);
    s.value.close();
    const bytes = readFileSync(logPath());
    const second = recordBytes();
    bytes[second + 12] = (bytes[second + 12] as number) ^ 0x01;
    writeFileSync(logPath(), bytes);
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error).toEqual({
      code: "storage.log-corrupt",
      path: logPath(),
      offset: second,
      reason: "bad-crc",
      intactAt: second * 2,
    });
    expect(readFileSync(logPath())).toEqual(bytes); // evidence kept for the operator
  });

  test("a damaged length mid-log is found by the intact records after it", () => {
    writeGood(4);
    const bytes = readFileSync(logPath());
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(recordBytes(), 0, true);
    writeFileSync(logPath(), bytes);
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error).toMatchObject({
      code: "storage.log-corrupt",
      reason: "bad-record",
    });
  });

  test("an intact record out of sequence is never a torn write", () => {
    writeGood(2);
    appendFileSync(logPath(), encodeRecord(entry(7)));
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error).toMatchObject({
      code: "storage.log-corrupt",
      reason: "out-of-order",
    });
  });

  test("a torn tail that leaves the log short of the stored commit: storage.log-missing-entries", () => {
    const good = writeGood(5);
    const s = FileRaftStorage.open(dir);
    if (!s.ok) throw new Error(s.error.code);
    expect(s.value.saveHardState({ term: 1, vote: null, commit: 5 }).ok).toBe(true);
    s.value.close();
    const bytes = readFileSync(logPath());
    writeFileSync(logPath(), bytes.subarray(0, good - 3));
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error).toEqual({
      code: "storage.log-missing-entries",
      path: logPath(),
      snapshotIndex: 0,
      commit: 5,
      firstIndex: 1,
      lastIndex: 4,
    });
  });

  test("a log that doesn't start right after the snapshot: storage.log-missing-entries", () => {
    const records = [5, 6].map((i) => encodeRecord(entry(i)));
    writeFileSync(logPath(), Buffer.concat(records));
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error).toMatchObject({
      code: "storage.log-missing-entries",
      snapshotIndex: 0,
      firstIndex: 5,
    });
  });
});

describe("hard state", () => {
  test("a corrupt hard-state file is an error, never silently reset", () => {
    const s = FileRaftStorage.open(dir);
    if (!s.ok) throw new Error(s.error.code);
    expect(s.value.saveHardState({ term: 4, vote: "a", commit: 2 }).ok).toBe(true);
    s.value.close();
    const p = join(dir, "hard-state");
    const bytes = readFileSync(p);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    writeFileSync(p, bytes);
    const again = FileRaftStorage.open(dir);
    expect(again.ok ? null : again.error.code).toBe("storage.hard-state-corrupt");
  });
});
