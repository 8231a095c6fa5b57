// Crash-safe whole-file replacement: write a temp file, fsync it, rename it over the target,
// fsync the directory so the rename itself survives a power cut.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import type { StorageError } from "./raft-storage.ts";

export function ioError(op: string, path: string, e: unknown): StorageError {
  const detail = e instanceof Error ? e.message : String(e);
  return { code: "storage.io-failed", op, path, detail };
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileDurably(path: string, bytes: Uint8Array): Result<void, StorageError> {
  const tmp = `${path}.tmp`;
  try {
    const fd = openSync(tmp, "w");
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
    return ok(undefined);
  } catch (e) {
    return err(ioError("write", path, e));
  }
}
