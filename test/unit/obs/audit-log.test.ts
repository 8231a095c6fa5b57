import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderError } from "../../../src/cli/render-error.ts";
import { Secret } from "../../../src/config/secret.ts";
import { AUDIT_RECORD_BYTES_MAX } from "../../../src/lib/limits.ts";
import { type AuditRecord, openAuditLog, readAudit } from "../../../src/obs/audit-log.ts";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keel-audit-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rec = (kind: string, data: unknown = {}): AuditRecord => ({
  atWallMs: 1_700_000_000_000,
  cluster: "shop",
  kind,
  data,
});

function open(path: string) {
  const r = openAuditLog(path);
  if (!r.ok) throw new Error(renderError(r.error));
  return r.value;
}

describe("audit log", () => {
  test("records round-trip in order, one JSON line each", () => {
    const path = join(dir, "a.jsonl");
    const log = open(path);
    expect(log.append(rec("failover.planned", { from: "db1:3306", to: "db2:3306" })).ok).toBe(true);
    expect(log.append(rec("hook.run", { exitCode: 0 })).ok).toBe(true);
    log.close();
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(3);
    const r = readAudit(path);
    expect(r).toEqual({
      ok: true,
      value: {
        records: [
          rec("failover.planned", { from: "db1:3306", to: "db2:3306" }),
          rec("hook.run", { exitCode: 0 }),
        ],
        skippedLines: [],
      },
    });
  });

  test("the file is created mode 0600, and an existing file is tightened to 0600", () => {
    const fresh = join(dir, "mode.jsonl");
    open(fresh).close();
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const loose = join(dir, "loose.jsonl");
    writeFileSync(loose, "", { mode: 0o644 });
    open(loose).close();
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });

  test("reopening appends after what is there", () => {
    const path = join(dir, "reopen.jsonl");
    open(path).append(rec("one"));
    open(path).append(rec("two"));
    const r = readAudit(path);
    expect(r.ok && r.value.records.map((x) => x.kind)).toEqual(["one", "two"]);
  });

  test("a torn last line is skipped on read and does not swallow the next record", () => {
    const path = join(dir, "torn.jsonl");
    const log = open(path);
    log.append(rec("before"));
    log.close();
    appendFileSync(path, '{"atWallMs":1,"cluster":"shop","ki'); // crash mid-write
    const torn = readAudit(path);
    expect(torn.ok && torn.value).toEqual({ records: [rec("before")], skippedLines: [2] });
    open(path).append(rec("after"));
    const r = readAudit(path);
    expect(r.ok && r.value).toEqual({ records: [rec("before"), rec("after")], skippedLines: [2] });
  });

  test("lines that are JSON but not records are skipped and reported", () => {
    const path = join(dir, "foreign.jsonl");
    writeFileSync(path, `${JSON.stringify(rec("ok"))}\n[1,2]\n{"kind":"x"}\nnull\n`);
    const r = readAudit(path);
    expect(r.ok && r.value).toEqual({ records: [rec("ok")], skippedLines: [2, 3, 4] });
  });

  test("secrets in record data are redacted before they reach the disk", () => {
    const path = join(dir, "secret.jsonl");
    open(path).append(
      rec("user.created", { user: "app", password: "hunter2", key: new Secret("k"), cred: new Secret("s") }),
    );
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain("hunter2");
    const r = readAudit(path);
    expect(r.ok && r.value.records[0]?.data).toEqual({
      user: "app",
      password: "[redacted]",
      key: "[redacted]",
      cred: "[redacted]",
    });
  });

  test("a record over the size limit is refused, nothing is written", () => {
    const path = join(dir, "big.jsonl");
    const log = open(path);
    const big = log.append(rec("big", { blob: "x".repeat(AUDIT_RECORD_BYTES_MAX) }));
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error.code).toBe("obs.audit-record-too-large");
    expect(readFileSync(path, "utf8")).toBe("");
  });

  test("a record just under the limit is written", () => {
    const path = join(dir, "limit.jsonl");
    const log = open(path);
    const overhead = `${JSON.stringify(rec("l", { s: "" }))}\n`.length;
    expect(log.append(rec("l", { s: "y".repeat(AUDIT_RECORD_BYTES_MAX - overhead) })).ok).toBe(true);
    expect(readFileSync(path).length).toBe(AUDIT_RECORD_BYTES_MAX);
  });

  test("open and read failures are typed and worded", () => {
    const bad = openAuditLog(join(dir, "missing-dir", "a.jsonl"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe("obs.audit-open-failed");
      expect(renderError(bad.error)).toMatch(
        /^keel: cannot open the audit log .+missing-dir.+ \(obs\.audit-open-failed\); fix: .+$/,
      );
    }
    const missing = readAudit(join(dir, "nope.jsonl"));
    expect(!missing.ok && missing.error.code).toBe("obs.audit-read-failed");
  });

  test("appending after close is an error, not a crash", () => {
    const log = open(join(dir, "closed.jsonl"));
    log.close();
    const r = log.append(rec("late"));
    expect(!r.ok && r.error.code).toBe("obs.audit-write-failed");
  });
});
