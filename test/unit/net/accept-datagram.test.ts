import { describe, expect, test } from "bun:test";
import { DROP_LOG_LINES_PER_WINDOW, DROP_LOG_WINDOW_MS } from "../../../src/lib/limits.ts";
import { acceptDatagram } from "../../../src/net/accept-datagram.ts";
import { DropCounters } from "../../../src/net/drop-counters.ts";
import { DropLogLimiter } from "../../../src/net/drop-log-limiter.ts";
import { DROP_REASONS } from "../../../src/net/drop-reason.ts";
import { type EnvelopeBody, seal } from "../../../src/net/envelope.ts";
import { ReplayWindow } from "../../../src/net/replay-window.ts";
import { keyringOf, keyWithFreshId, testKey } from "./keys.fixture.ts";

const A = testKey("a");
const ring = keyringOf({ primary: A, keys: [A] });

function datagram(seq: number, incarnation = 1, sender = "db1:7946"): Uint8Array {
  const body: EnvelopeBody = { sender, incarnation, seq, sentAtWallMs: 1_000, msg: { type: "ack", seq } };
  const r = seal(body, ring);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

describe("acceptDatagram", () => {
  test("accepts a fresh datagram and refuses its replay", () => {
    const w = new ReplayWindow();
    const d = datagram(1);
    const first = acceptDatagram(d, ring, w);
    expect(first.ok && first.value.msg).toEqual({ type: "ack", seq: 1 });
    expect(acceptDatagram(d, ring, w)).toEqual({ ok: false, error: "replayed" });
    // Re-sealing the same (sender, incarnation, seq) gives new bytes but is still a replay.
    expect(acceptDatagram(datagram(1), ring, w)).toEqual({ ok: false, error: "replayed" });
    expect(acceptDatagram(datagram(2), ring, w).ok).toBe(true);
  });

  test("a restarted sender (higher incarnation) is accepted from seq 0", () => {
    const w = new ReplayWindow();
    expect(acceptDatagram(datagram(900), ring, w).ok).toBe(true);
    expect(acceptDatagram(datagram(0, 2), ring, w).ok).toBe(true);
    expect(acceptDatagram(datagram(901, 1), ring, w)).toEqual({ ok: false, error: "replayed" });
  });

  test("a forged datagram does not touch the replay window", () => {
    const w = new ReplayWindow();
    const forged = datagram(5);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    expect(acceptDatagram(forged, ring, w)).toEqual({ ok: false, error: "auth-failed" });
    expect(w.trackedSenders()).toEqual([]);
    expect(acceptDatagram(datagram(5), ring, w).ok).toBe(true);
  });

  test("a datagram for another keyring is unknown-key", () => {
    const other = keyringOf({ primary: keyWithFreshId(A), keys: [] });
    expect(acceptDatagram(datagram(1), other, new ReplayWindow())).toEqual({
      ok: false,
      error: "unknown-key",
    });
  });
});

describe("DropCounters", () => {
  test("counts by reason, every reason starting at zero", () => {
    const c = new DropCounters();
    expect(Object.keys(c.snapshot()).sort()).toEqual([...DROP_REASONS].sort());
    c.record("replayed");
    c.record("replayed");
    c.record("auth-failed");
    expect(c.snapshot()).toMatchObject({ replayed: 2, "auth-failed": 1, "bad-magic": 0 });
    expect(c.total()).toBe(3);
  });
});

describe("DropLogLimiter", () => {
  test("at most N lines per reason per window, then reports what it held back", () => {
    const l = new DropLogLimiter(2, 1_000);
    expect(l.decide("auth-failed", 0)).toEqual({ log: true, suppressedBefore: 0 });
    expect(l.decide("auth-failed", 10)).toEqual({ log: true, suppressedBefore: 0 });
    expect(l.decide("auth-failed", 20)).toEqual({ log: false });
    expect(l.decide("auth-failed", 999)).toEqual({ log: false });
    expect(l.decide("replayed", 999)).toEqual({ log: true, suppressedBefore: 0 }); // own budget
    expect(l.decide("auth-failed", 1_000)).toEqual({ log: true, suppressedBefore: 2 });
    expect(l.decide("auth-failed", 1_001)).toEqual({ log: true, suppressedBefore: 0 });
    expect(l.decide("auth-failed", 1_002)).toEqual({ log: false });
  });

  test("a flood logs exactly the default budget per default window", () => {
    const l = new DropLogLimiter();
    let logged = 0;
    for (let t = 0; t < 2 * DROP_LOG_WINDOW_MS; t += 10) if (l.decide("bad-magic", t).log) logged++;
    expect(logged).toBe(2 * DROP_LOG_LINES_PER_WINDOW);
  });

  test("refuses a zero budget", () => {
    expect(() => new DropLogLimiter(0, 1_000)).toThrow(RangeError);
  });
});
