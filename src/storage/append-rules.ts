// The checks both storage implementations apply before appending, so they fail alike.
import { RAFT_LOG_RECORD_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { StorageError, StoredEntry } from "./raft-storage.ts";

/** Room in a record for msgpack's array, index and term framing around the data. */
const RECORD_FRAMING_BYTES = 32;

export function checkAppend(
  batch: readonly StoredEntry[],
  snapshotIndex: number,
  lastIndex: number,
): Result<void, StorageError> {
  const head = batch[0];
  if (head === undefined) return ok(undefined);
  if (head.index > lastIndex + 1 || head.index <= snapshotIndex)
    return err({
      code: "storage.append-gap",
      expectedIndex: Math.max(lastIndex + 1, snapshotIndex + 1),
      gotIndex: head.index,
    });
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i] as StoredEntry;
    if (e.index !== head.index + i)
      return err({ code: "storage.append-gap", expectedIndex: head.index + i, gotIndex: e.index });
    const maxBytes = RAFT_LOG_RECORD_BYTES_MAX - RECORD_FRAMING_BYTES;
    if (e.data.length > maxBytes)
      return err({ code: "storage.entry-too-large", index: e.index, bytes: e.data.length, maxBytes });
  }
  return ok(undefined);
}
