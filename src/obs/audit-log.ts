// The audit trail: what keel decided and did (failovers, hook results, operator commands), one
// JSON line per record, appended and fsynced before the call returns, readable only by its owner.
// Never rotated by keel in this version. A crash mid-write leaves at most one torn line, which
// the next open closes off and readAudit skips.
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { AUDIT_RECORD_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { ObsError } from "./obs-error.ts";
import { redact } from "./redact.ts";

export interface AuditRecord {
  atWallMs: number;
  cluster: string;
  /** What happened, e.g. "failover.planned", "hook.run", "takeover.requested". */
  kind: string;
  data: unknown;
}

export interface AuditLog {
  readonly path: string;
  append(record: AuditRecord): Result<void, ObsError>;
  close(): void;
}

const AUDIT_FILE_MODE = 0o600;

function detailOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Opens (creating, mode 0600) the audit file for appending. */
export function openAuditLog(path: string): Result<AuditLog, ObsError> {
  let fd: number;
  try {
    fd = openSync(path, "a+", AUDIT_FILE_MODE);
    fchmodSync(fd, AUDIT_FILE_MODE); // an existing file keeps its mode otherwise
    // A torn last line (crash mid-append) must not swallow the next record.
    if (!endsWithNewline(fd)) {
      writeAll(fd, Buffer.from("\n"));
      fsyncSync(fd);
    }
  } catch (e) {
    return err({ code: "obs.audit-open-failed", path, detail: detailOf(e) });
  }
  let open = true;
  return ok({
    path,
    append(record) {
      // Redacted but not clipped: the audit keeps whole values, bounded by the record limit.
      const line = Buffer.from(`${JSON.stringify(redact(record, Number.POSITIVE_INFINITY))}\n`);
      if (line.length > AUDIT_RECORD_BYTES_MAX)
        return err({
          code: "obs.audit-record-too-large",
          path,
          sizeBytes: line.length,
          limitBytes: AUDIT_RECORD_BYTES_MAX,
        });
      if (!open) return err({ code: "obs.audit-write-failed", path, detail: "the audit log is closed" });
      try {
        writeAll(fd, line);
        fsyncSync(fd);
        return ok(undefined);
      } catch (e) {
        return err({ code: "obs.audit-write-failed", path, detail: detailOf(e) });
      }
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  });
}

export interface AuditContents {
  records: AuditRecord[];
  /** 1-based numbers of lines that are not records (a torn write), skipped. */
  skippedLines: number[];
}

function asRecord(value: unknown): AuditRecord | null {
  if (typeof value !== "object" || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.atWallMs !== "number" || typeof r.cluster !== "string" || typeof r.kind !== "string")
    return null;
  return { atWallMs: r.atWallMs, cluster: r.cluster, kind: r.kind, data: r.data ?? null };
}

/** Every record in the file, in order; torn or foreign lines are skipped and reported. */
export function readAudit(path: string): Result<AuditContents, ObsError> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return err({ code: "obs.audit-read-failed", path, detail: detailOf(e) });
  }
  const records: AuditRecord[] = [];
  const skippedLines: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = null;
    }
    const record = asRecord(parsed);
    if (record === null) skippedLines.push(i + 1);
    else records.push(record);
  });
  return ok({ records, skippedLines });
}
