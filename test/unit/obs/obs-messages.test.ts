import { describe, expect, test } from "bun:test";
import { renderError } from "../../../src/cli/render-error.ts";
import type { ObsError } from "../../../src/obs/obs-error.ts";

const samples: ObsError[] = [
  { code: "obs.bind-failed", host: "127.0.0.1", port: 9187, detail: "EADDRINUSE" },
  { code: "obs.bind-failed", host: "fd00::6", port: 9187, detail: "EADDRNOTAVAIL" },
  { code: "obs.audit-open-failed", path: "/var/lib/keel/audit.jsonl", detail: "EACCES: permission denied" },
  {
    code: "obs.audit-write-failed",
    path: "/var/lib/keel/audit.jsonl",
    detail: "ENOSPC: no space left on device",
  },
  {
    code: "obs.audit-record-too-large",
    path: "/var/lib/keel/audit.jsonl",
    sizeBytes: 300_000,
    limitBytes: 262_144,
  },
  { code: "obs.audit-read-failed", path: "/var/lib/keel/audit.jsonl", detail: "ENOENT" },
];

describe("obs messages", () => {
  test.each(samples.map((s) => [`${s.code} ${JSON.stringify(s)}`, s]))("%s is worded with a fix", (_, e) => {
    const line = renderError(e as ObsError);
    expect(line).toMatch(/^keel: .+ \(obs\.[a-z-]+\); fix: .+$/);
    expect(line).not.toContain("undefined");
  });

  test("words carry the data that locates the problem", () => {
    expect(renderError(samples[0] as ObsError)).toContain("127.0.0.1:9187");
    expect(renderError(samples[0] as ObsError)).toContain("ss -ltnp sport = :9187");
    expect(renderError(samples[1] as ObsError)).toContain("[fd00::6]:9187");
    expect(renderError(samples[4] as ObsError)).toContain("300000 bytes");
  });
});
