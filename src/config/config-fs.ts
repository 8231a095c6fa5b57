// The files config loading touches, behind a small port: the real disk, or a map in memory so
// unit tests and the simulator never need a temp dir.
import { readFileSync, statSync } from "node:fs";
import { err, ok, type Result } from "../lib/result.ts";

export interface ConfigFile {
  text: string;
  /** Permission bits only (mode & 0o777). */
  mode: number;
}

export type ConfigFileProblem = { kind: "not-found" } | { kind: "unreadable"; detail: string };

export interface ConfigFs {
  read(path: string, maxBytes: number): Result<ConfigFile, ConfigFileProblem>;
}

function errnoOf(e: unknown): string {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "error";
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ELOOP: "too many symbolic links",
  ENOTDIR: "a parent is not a directory",
};

export const diskConfigFs: ConfigFs = {
  read(path, maxBytes) {
    try {
      const st = statSync(path);
      if (st.isDirectory()) return err({ kind: "unreadable", detail: "it is a directory" });
      if (st.size > maxBytes)
        return err({ kind: "unreadable", detail: `${st.size} bytes, more than ${maxBytes}` });
      return ok({ text: readFileSync(path, "utf8"), mode: st.mode & 0o777 });
    } catch (e) {
      const code = errnoOf(e);
      if (code === "ENOENT") return err({ kind: "not-found" });
      return err({ kind: "unreadable", detail: ERRNO_WORDS[code] ?? code });
    }
  },
};

/** Files held in memory: path → text (mode 0600) or { text, mode }. */
export function memoryConfigFs(files: Record<string, string | ConfigFile>): ConfigFs {
  return {
    read(path, maxBytes) {
      const f = files[path];
      if (f === undefined) return err({ kind: "not-found" });
      const file = typeof f === "string" ? { text: f, mode: 0o600 } : f;
      if (Buffer.byteLength(file.text) > maxBytes)
        return err({ kind: "unreadable", detail: `more than ${maxBytes} bytes` });
      return ok(file);
    },
  };
}
