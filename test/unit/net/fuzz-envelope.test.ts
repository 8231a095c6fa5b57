// Seeded fuzzing of the receive path: no input may throw, and no altered datagram may pass.
// KEEL_FUZZ_SEED=<n> replays one run.
import { describe, expect, test } from "bun:test";
import { pack } from "msgpackr";
import { seededRng, type Rng } from "../../../src/lib/rng.ts";
import { acceptDatagram } from "../../../src/net/accept-datagram.ts";
import { decodeBody, type EnvelopeBody, MAGIC, open, seal } from "../../../src/net/envelope.ts";
import { ReplayWindow } from "../../../src/net/replay-window.ts";
import { keyringOf, testKey } from "./keys.fixture.ts";

const SEED = Number(process.env.KEEL_FUZZ_SEED ?? 20_261_124);
const A = testKey("a");
const ring = keyringOf({ primary: A, keys: [A] });

function randomBytesOf(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function corpus(rng: Rng): Uint8Array[] {
  const msgs: unknown[] = [
    null,
    0,
    "x",
    { type: "ping", n: 1 },
    [1, [2, [3]]],
    "y".repeat(900),
    { a: { b: [true] } },
  ];
  return msgs.map((msg, i) => {
    const body: EnvelopeBody = {
      sender: `n${i}:7946`,
      incarnation: i,
      seq: rng.int(1e6),
      sentAtWallMs: 1e12,
      msg,
    };
    const r = seal(body, ring);
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  });
}

/** One random structural change: flips, overwrites, truncation, extension, splice or duplication. */
function mutate(rng: Rng, src: Uint8Array): Uint8Array {
  let b = src.slice();
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(Math.max(1, b.length));
    switch (rng.int(6)) {
      case 0:
        b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
        break;
      case 1:
        b[at] = rng.int(256);
        break;
      case 2:
        b = b.slice(0, at);
        break;
      case 3:
        b = new Uint8Array([...b, ...randomBytesOf(rng, 1 + rng.int(64))]);
        break;
      case 4:
        b = new Uint8Array([...b.subarray(0, at), ...randomBytesOf(rng, 1 + rng.int(16)), ...b.subarray(at)]);
        break;
      default:
        b = new Uint8Array([...b.subarray(0, at), ...b.subarray(rng.int(b.length + 1))]);
    }
  }
  return b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

describe("envelope fuzz", () => {
  test("100,000 mutated and random datagrams: no throw, nothing altered gets through", () => {
    const rng = seededRng(SEED);
    const seeds = corpus(rng);
    const window = new ReplayWindow();
    const reasons = new Map<string, number>();
    let acceptedUnchanged = 0;
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
      let bytes: Uint8Array;
      let original: Uint8Array | null = null;
      const kind = i % 4;
      if (kind < 2) {
        original = rng.pick(seeds);
        bytes = mutate(rng, original);
      } else if (kind === 2) {
        bytes = randomBytesOf(rng, rng.int(1_500));
      } else {
        // Random tails behind a valid header prefix reach the crypto path.
        bytes = randomBytesOf(rng, 18 + rng.int(1_400));
        bytes.set(MAGIC, 0);
        bytes[4] = 1;
        bytes[5] = ring.primaryKeyId;
      }
      const r = open(bytes, ring);
      acceptDatagram(bytes, ring, window);
      if (r.ok) {
        expect(original !== null && sameBytes(original, bytes)).toBe(true);
        acceptedUnchanged++;
      } else reasons.set(r.error, (reasons.get(r.error) ?? 0) + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz seed ${SEED}: 100000 datagrams in ${seconds.toFixed(2)} s`,
      Object.fromEntries(reasons),
    );
    expect([...reasons.keys()].sort()).toEqual(
      ["auth-failed", "bad-magic", "bad-version", "oversized", "truncated", "unknown-key"].sort(),
    );
    expect(acceptedUnchanged).toBeLessThan(2_000);
  });

  test("20,000 random and mutated plaintexts: the body decoder never throws", () => {
    const rng = seededRng(SEED + 1);
    const good = [
      pack(["n:1", 1, 2, 3, { type: "ping" }]),
      pack(["n:1", 0, 0, 0, null]),
      pack(["x", 1, 1, 1, [1]]),
    ];
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const plain = i % 2 === 0 ? mutate(rng, rng.pick(good)) : randomBytesOf(rng, rng.int(300));
      const body = decodeBody(plain);
      if (body) {
        decoded++;
        expect(typeof body.sender).toBe("string");
        expect(Number.isSafeInteger(body.seq) && body.seq >= 0).toBe(true);
        expect(Number.isSafeInteger(body.incarnation) && body.incarnation >= 0).toBe(true);
        expect(Number.isFinite(body.sentAtWallMs)).toBe(true);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
