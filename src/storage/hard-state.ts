// Term, vote and commit in one small file, replaced atomically (temp + fsync + rename + fsync dir),
// so a crash leaves either the old or the new hard state, never a mix.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { openRecord, sealRecord } from "./checksummed.ts";
import { ioError, writeFileDurably } from "./durable-file.ts";
import type { StorageError, StoredHardState } from "./raft-storage.ts";

export const HARD_STATE_FILE = "hard-state";

export const EMPTY_HARD_STATE: StoredHardState = Object.freeze({ term: 0, vote: null, commit: 0 });

function isNat(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

export function readHardState(dir: string): Result<StoredHardState, StorageError> {
  const path = join(dir, HARD_STATE_FILE);
  if (!existsSync(path)) return ok({ ...EMPTY_HARD_STATE });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return err(ioError("read", path, e));
  }
  const rec = openRecord(bytes);
  if ("problem" in rec) return err({ code: "storage.hard-state-corrupt", path, detail: rec.problem });
  const v = rec.value as { term?: unknown; vote?: unknown; commit?: unknown } | null;
  if (
    v === null ||
    typeof v !== "object" ||
    !isNat(v.term) ||
    !isNat(v.commit) ||
    !(v.vote === null || typeof v.vote === "string")
  )
    return err({ code: "storage.hard-state-corrupt", path, detail: "unexpected fields" });
  return ok({ term: v.term, vote: v.vote, commit: v.commit });
}

export function writeHardState(dir: string, hs: StoredHardState): Result<void, StorageError> {
  return writeFileDurably(
    join(dir, HARD_STATE_FILE),
    sealRecord({ term: hs.term, vote: hs.vote, commit: hs.commit }),
  );
}
