// Handcrafted torn and corrupt tails: each is cut off on open with a typed warning, and the
// intact prefix is kept.
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

  test("a bad crc cuts that record and everything after it", () => {
    writeGood(5);
    const bytes = readFileSync(logPath());
    const third = encodeRecord(entry(1)).length * 2; // records 1 and 2 have the same size
    bytes[third + 10] = (bytes[third + 10] as number) ^ 0xff;
    writeFileSync(logPath(), bytes);
    const { entries, warnings } = reopen();
    expect(entries.map((e) => e.index)).toEqual([1, 2]);
    expect(warnings[0]?.reason).toBe("bad-crc");
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

  test("a record out of sequence is cut", () => {
    writeGood(2);
    appendFileSync(logPath(), encodeRecord(entry(7)));
    const { entries, warnings } = reopen();
    expect(entries.length).toBe(2);
    expect(warnings[0]?.reason).toBe("out-of-order");
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
