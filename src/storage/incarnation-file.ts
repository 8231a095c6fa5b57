// The agent's envelope incarnation, kept on disk so it grows across restarts even when the wall
// clock doesn't: peers' replay windows refuse a sender's datagrams at a lower incarnation than
// they last saw, so a restart with the clock behind the previous start would be deaf to them.
// Written atomically (temp + fsync + rename + fsync dir) before the first datagram goes out.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { openRecord, sealRecord } from "./checksummed.ts";
import { ioError, writeFileDurably } from "./durable-file.ts";
import type { StorageError } from "./raft-storage.ts";

export const INCARNATION_FILE = "incarnation";

function readIncarnation(path: string): Result<number | null, StorageError> {
  if (!existsSync(path)) return ok(null);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return err(ioError("read", path, e));
  }
  const rec = openRecord(bytes);
  if ("problem" in rec) return err({ code: "storage.incarnation-corrupt", path, detail: rec.problem });
  const v = rec.value;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    return err({ code: "storage.incarnation-corrupt", path, detail: "not a non-negative integer" });
  return ok(v);
}

/** The incarnation for this start: the wall clock's ms, or one past the last one used if the
 *  clock is behind it. Durable when it returns. `dir` must exist. */
export function claimIncarnation(dir: string, wallMs: number): Result<number, StorageError> {
  const path = join(dir, INCARNATION_FILE);
  const last = readIncarnation(path);
  if (!last.ok) return last;
  const next = Math.max(Math.floor(wallMs), last.value === null ? 0 : last.value + 1);
  const written = writeFileDurably(path, sealRecord(next));
  return written.ok ? ok(next) : written;
}
