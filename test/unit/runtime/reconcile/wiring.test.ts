// The start-up check: an agent refuses to run when fence_after (plus the margin) is not shorter
// than the time the majority needs to confirm an unreachable primary dead.
import { describe, expect, test } from "bun:test";
import { renderError } from "../../../../src/cli/render-error.ts";
import type { Config } from "../../../../src/config/config.ts";
import { parseConfig } from "../../../../src/config/validate.ts";
import { checkFenceAfter } from "../../../../src/runtime/reconcile-wiring.ts";

const KEY = Buffer.alloc(32, 3).toString("base64");

function configWith(failover: Record<string, unknown>, witness = false): Config {
  const raw = {
    cluster: "main",
    node_id: "db1",
    witness,
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: KEY, keys: [KEY] },
    ...(witness ? {} : { mysql: { user: "keel", password: "pw" } }),
    failover,
  };
  const parsed = parseConfig(raw, "/etc/keel/keel.json");
  if (!parsed.ok) throw new Error(parsed.error.map((i) => i.code).join());
  return parsed.value.config;
}

describe("the fence_after start-up check", () => {
  test("fence_after too close to the detection time: refused with the numbers and the fix", () => {
    const r = checkFenceAfter(configWith({ fence_after_ms: 2_200, confirm_window_ms: 1_000 }), false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({
      code: "failover.fence-after-unsafe",
      fenceAfterMs: 2_200,
      detectionMs: 2_500,
      maxFenceAfterMs: 2_000,
    });
    const line = renderError(r.error);
    expect(line).toContain("fence_after_ms 2200");
    expect(line).toContain("at most 2000");
  });

  test("the defaults pass, and so does the largest safe value", () => {
    expect(checkFenceAfter(configWith({}), false).ok).toBe(true);
    expect(checkFenceAfter(configWith({ fence_after_ms: 2_000, confirm_window_ms: 1_000 }), false).ok).toBe(
      true,
    );
  });

  test("a witness has no server to fence: its setting is not held against it", () => {
    expect(checkFenceAfter(configWith({ fence_after_ms: 9_000 }, true), true).ok).toBe(true);
  });
});
