import { describe, expect, test } from "bun:test";
import { REPLAY_MAX_SENDERS, REPLAY_WINDOW_BITS } from "../../../src/lib/limits.ts";
import { ReplayWindow, type ReplayVerdict } from "../../../src/net/replay-window.ts";

type Step = [incarnation: number, seq: number, verdict: ReplayVerdict];

/** Each row: a story of (incarnation, seq) arrivals from one sender and the verdict for each. */
const W = REPLAY_WINDOW_BITS;
const cases: Array<[string, Step[]]> = [
  ["first datagram from a sender, any seq", [[1, 5_000, "accepted"]]],
  [
    "in order",
    [
      [1, 0, "accepted"],
      [1, 1, "accepted"],
      [1, 2, "accepted"],
    ],
  ],
  [
    "exact duplicate",
    [
      [1, 7, "accepted"],
      [1, 7, "duplicate"],
    ],
  ],
  [
    "duplicate of a not-top seq",
    [
      [1, 7, "accepted"],
      [1, 9, "accepted"],
      [1, 7, "duplicate"],
      [1, 9, "duplicate"],
    ],
  ],
  [
    "late but inside the window",
    [
      [1, 100, "accepted"],
      [1, 99, "accepted"],
      [1, 99, "duplicate"],
    ],
  ],
  [
    "gap filled out of order",
    [
      [1, 10, "accepted"],
      [1, 13, "accepted"],
      [1, 12, "accepted"],
      [1, 11, "accepted"],
    ],
  ],
  [
    "oldest seq still inside the window",
    [
      [1, W + 10, "accepted"],
      [1, 11, "accepted"],
      [1, 11, "duplicate"],
    ],
  ],
  [
    "first seq just outside the window",
    [
      [1, W + 10, "accepted"],
      [1, 10, "too-old"],
    ],
  ],
  [
    "far behind",
    [
      [1, 10 * W, "accepted"],
      [1, 0, "too-old"],
    ],
  ],
  [
    "jump by exactly the window forgets everything",
    [
      [1, 0, "accepted"],
      [1, W, "accepted"],
      [1, 0, "too-old"],
    ],
  ],
  [
    "jump by window-1 keeps the old bit",
    [
      [1, 1, "accepted"],
      [1, W, "accepted"],
      [1, 1, "duplicate"],
    ],
  ],
  [
    "a full jump clears stale bits",
    [
      [1, 6, "accepted"],
      [1, 3 * W + 5, "accepted"],
      [1, 2 * W + 5, "too-old"],
      [1, 2 * W + 6, "accepted"],
      [1, 2 * W + 6, "duplicate"],
    ],
  ],
  [
    "a partial slide clears exactly the slots it passes",
    [
      [1, 3, "accepted"],
      [1, W + 2, "accepted"],
      [1, 3, "duplicate"],
      [1, W + 3, "accepted"],
      [1, 3, "too-old"],
      [1, W + 3, "duplicate"],
      [1, W + 2, "duplicate"],
    ],
  ],
  [
    "ring slot reused after a slide",
    [
      [1, 3, "accepted"],
      [1, 3 + W, "accepted"],
      [1, 3 + W - 1, "accepted"],
    ],
  ],
  [
    "higher incarnation resets the window",
    [
      [1, 500, "accepted"],
      [2, 0, "accepted"],
      [2, 0, "duplicate"],
      [2, 499, "accepted"],
    ],
  ],
  [
    "lower incarnation is stale",
    [
      [3, 1, "accepted"],
      [2, 2, "stale-incarnation"],
      [3, 2, "accepted"],
    ],
  ],
  [
    "seq near 2^53",
    [
      [1, 2 ** 53 - 2, "accepted"],
      [1, 2 ** 53 - 1, "accepted"],
      [1, 2 ** 53 - 2, "duplicate"],
    ],
  ],
];

describe("ReplayWindow", () => {
  test.each(cases)("%s", (_, steps) => {
    const w = new ReplayWindow();
    steps.forEach(([inc, seq, verdict], i) => {
      expect({ step: i, verdict: w.check("s", inc, seq) }).toEqual({ step: i, verdict });
    });
  });

  test("every seq of a shuffled window-sized batch is accepted once", () => {
    const w = new ReplayWindow();
    const seqs = Array.from({ length: W }, (_, i) => 1_000 + ((i * 389) % W)); // 389 is coprime to 1024
    for (const s of seqs) expect(w.check("s", 1, s)).toBe("accepted");
    for (const s of seqs) expect(w.check("s", 1, s)).toBe("duplicate");
  });

  test("senders are independent", () => {
    const w = new ReplayWindow();
    expect(w.check("a", 1, 1)).toBe("accepted");
    expect(w.check("b", 1, 1)).toBe("accepted");
    expect(w.check("a", 1, 1)).toBe("duplicate");
  });

  test("tracks at most maxSenders, forgetting the least recently seen", () => {
    const w = new ReplayWindow({ maxSenders: 3 });
    w.check("a", 1, 1);
    w.check("b", 1, 1);
    w.check("c", 1, 1);
    w.check("a", 1, 2); // a is now the most recent
    w.check("d", 1, 1); // evicts b
    expect(w.trackedSenders()).toEqual(["c", "a", "d"]);
    expect(w.check("a", 1, 2)).toBe("duplicate");
    expect(w.check("b", 1, 1)).toBe("accepted"); // b was forgotten (and now evicts c, the least recent)
    expect(w.trackedSenders()).toEqual(["d", "a", "b"]);
  });

  test("refused stale-incarnation datagrams don't keep the old window alive", () => {
    const w = new ReplayWindow({ maxSenders: 2 });
    w.check("a", 500, 1); // a's previous life
    w.check("b", 1, 1);
    for (let seq = 0; seq < 5; seq++) expect(w.check("a", 100, seq)).toBe("stale-incarnation");
    expect(w.trackedSenders()).toEqual(["a", "b"]); // a is still the least recently seen
    w.check("c", 1, 1); // evicts a's old window, not b
    expect(w.trackedSenders()).toEqual(["b", "c"]);
    expect(w.check("a", 100, 5)).toBe("accepted"); // a's new life gets in
  });

  test("the default sender bound holds at the limit", () => {
    const w = new ReplayWindow();
    for (let i = 0; i <= REPLAY_MAX_SENDERS; i++) w.check(`n${i}`, 1, 1);
    const tracked = w.trackedSenders();
    expect(tracked).toHaveLength(REPLAY_MAX_SENDERS);
    expect(tracked[0]).toBe("n1");
    expect(w.check(`n${REPLAY_MAX_SENDERS}`, 1, 1)).toBe("duplicate");
  });

  test("forget drops a sender's window", () => {
    const w = new ReplayWindow();
    w.check("a", 1, 1);
    w.forget("a");
    expect(w.check("a", 1, 1)).toBe("accepted");
  });

  test("a window size that is not a multiple of 32 is refused", () => {
    expect(() => new ReplayWindow({ windowBits: 100 })).toThrow(RangeError);
    expect(() => new ReplayWindow({ maxSenders: 0 })).toThrow(RangeError);
  });

  test("a small window behaves the same at its own edge", () => {
    const w = new ReplayWindow({ windowBits: 32 });
    expect(w.check("s", 1, 40)).toBe("accepted");
    expect(w.check("s", 1, 9)).toBe("accepted");
    expect(w.check("s", 1, 8)).toBe("too-old");
  });
});
