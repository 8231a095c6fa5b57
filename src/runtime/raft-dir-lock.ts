// One raft directory, one agent: two agents writing one log would corrupt it silently. The lock
// is a file holding the owner's pid, created exclusively; a lock whose process is gone is stale
// and taken over. Agents in one process (tests) hold distinct directories too.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";

export type RaftDirLockError = { code: "raft.data-dir-locked"; path: string; pid: number };

const LOCK_FILE = "lock";
/** Held by this process, so a second agent in the same process is refused too. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/** Takes the directory's lock; the returned function releases it. Throws only on I/O errors. */
export function lockRaftDir(dir: string): Result<() => void, RaftDirLockError> {
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) return err({ code: "raft.data-dir-locked", path: dir, pid: process.pid });
  if (!tryCreate(path)) {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    if (Number.isSafeInteger(pid) && pid !== process.pid && alive(pid))
      return err({ code: "raft.data-dir-locked", path: dir, pid });
    unlinkSync(path); // stale: its process is gone (or it is our own pid from a previous life)
    if (!tryCreate(path)) return err({ code: "raft.data-dir-locked", path: dir, pid: 0 });
  }
  heldHere.add(dir);
  return ok(() => {
    heldHere.delete(dir);
    try {
      unlinkSync(path);
    } catch {
      // already gone: nothing to release
    }
  });
}
