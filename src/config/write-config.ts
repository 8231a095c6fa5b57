// Writes a new config file for `keel init`: owner-only from the first byte, never over an existing
// file (O_EXCL makes "refuse to overwrite" atomic, not check-then-write).
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";

export type ConfigWriteError =
  | { code: "config.exists"; file: string }
  | { code: "config.unwritable"; file: string; detail: string };

function errnoOf(e: unknown): string {
  return typeof e === "object" && e !== null && "code" in e
    ? String((e as { code: unknown }).code)
    : String(e);
}

/** Creates `path` (mode 0600) holding `text`; its parent directory is created 0700 if missing. */
export function writeNewConfigFile(path: string, text: string): Result<void, ConfigWriteError> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (e) {
    return err({
      code: "config.unwritable",
      file: path,
      detail: `cannot create ${dirname(path)}: ${errnoOf(e)}`,
    });
  }
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    const code = errnoOf(e);
    if (code === "EEXIST") return err({ code: "config.exists", file: path });
    return err({ code: "config.unwritable", file: path, detail: code });
  }
  try {
    // The umask may have narrowed the mode further; make it exactly 0600.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    return ok(undefined);
  } catch (e) {
    return err({ code: "config.unwritable", file: path, detail: errnoOf(e) });
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces an existing config (or keyring) file atomically: a 0600 temp file in the same
 * directory, fsynced, renamed over the old one, then the directory fsynced. A crash leaves either
 * the old file or the new one, never a torn one, and the secret is never world-readable.
 */
export function replaceConfigFile(path: string, text: string): Result<void, ConfigWriteError> {
  const tmp = `${path}.keel-tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", 0o600);
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    const dirFd = openSync(dirname(path), "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return ok(undefined);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    return err({ code: "config.unwritable", file: path, detail: errnoOf(e) });
  }
}
