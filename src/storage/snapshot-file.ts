// The latest snapshot (state-machine bytes + last included index/term), replaced atomically.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RAFT_SNAPSHOT_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { openRecord, sealRecord } from "./checksummed.ts";
import { ioError, writeFileDurably } from "./durable-file.ts";
import type { StorageError, StoredSnapshot } from "./raft-storage.ts";

export const SNAPSHOT_FILE = "snapshot";

export function readSnapshot(dir: string): Result<StoredSnapshot | null, StorageError> {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return ok(null);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return err(ioError("read", path, e));
  }
  if (bytes.length > RAFT_SNAPSHOT_BYTES_MAX + 64)
    return err({ code: "storage.snapshot-corrupt", path, detail: "larger than the snapshot limit" });
  const rec = openRecord(bytes);
  if ("problem" in rec) return err({ code: "storage.snapshot-corrupt", path, detail: rec.problem });
  const v = rec.value;
  if (!Array.isArray(v) || v.length !== 3)
    return err({ code: "storage.snapshot-corrupt", path, detail: "not a snapshot" });
  const [index, term, data] = v as unknown[];
  if (typeof index !== "number" || typeof term !== "number" || !(data instanceof Uint8Array))
    return err({ code: "storage.snapshot-corrupt", path, detail: "unexpected fields" });
  return ok({ index, term, data: new Uint8Array(data) });
}

export function writeSnapshot(dir: string, snap: StoredSnapshot): Result<void, StorageError> {
  return writeFileDurably(join(dir, SNAPSHOT_FILE), sealRecord([snap.index, snap.term, snap.data]));
}
