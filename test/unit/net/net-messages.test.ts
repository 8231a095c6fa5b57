import { describe, expect, test } from "bun:test";
import { renderError } from "../../../src/cli/render-error.ts";
import { DROP_REASONS } from "../../../src/net/drop-reason.ts";
import type { NetError } from "../../../src/net/net-error.ts";

const samples: NetError[] = [
  { code: "net.keyring-bad-key", which: "keys[1]", reason: "wrong-length", lengthBytes: 31 },
  { code: "net.keyring-bad-key", which: "primary", reason: "not-base64", lengthBytes: 0 },
  { code: "net.keyring-key-id-collision", keyIdHex: "0x3a", which: ["primary", "keys[2]"] },
  { code: "net.keyring-key-not-installed", keyIdHex: "0x3a" },
  { code: "net.keyring-remove-primary", keyIdHex: "0x3a" },
  { code: "net.envelope-oversized", sizeBytes: 1_401, limitBytes: 1_400 },
  { code: "net.envelope-unencodable", detail: "cyclic" },
  { code: "net.bind-failed", host: "127.0.0.1", port: 26_001, detail: "EADDRINUSE" },
  ...DROP_REASONS.map((reason) => ({ code: "net.datagram-dropped" as const, reason, from: "10.0.0.2:7946" })),
];

describe("net messages", () => {
  test.each(samples.map((s) => [`${s.code} ${JSON.stringify(s)}`, s]))("%s is worded with a fix", (_, e) => {
    const line = renderError(e as NetError);
    expect(line).toMatch(/^keel: .+ \(net\.[a-z-]+\); fix: .+$/);
    expect(line).not.toContain("undefined");
  });

  test("words carry the data that locates the problem", () => {
    expect(renderError(samples[0] as NetError)).toContain("keys[1] decodes to 31 bytes");
    expect(renderError(samples[7] as NetError)).toContain("127.0.0.1:26001");
  });
});
