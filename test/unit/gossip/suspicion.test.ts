import { describe, expect, test } from "bun:test";
import {
  Awareness,
  expectedConfirmations,
  pushPullIntervalMs,
  retransmitLimit,
  Suspicion,
  suspicionMinMs,
  suspicionTimeoutMs,
} from "../../../src/gossip/suspicion.ts";

describe("suspicionTimeoutMs (Lifeguard dynamic suspicion)", () => {
  // min 2 s, max 30 s, 3 confirmations expected: the log curve of memberlist's suspicion_test.
  const table: [confirmations: number, expectedMs: number][] = [
    [0, 30_000],
    [1, 16_000],
    [2, 7_810],
    [3, 2_000],
    [4, 2_000],
  ];
  for (const [n, want] of table) {
    test(`${n} confirmations of 3 → ${want} ms`, () => {
      expect(suspicionTimeoutMs(n, 3, 2_000, 30_000)).toBe(want);
    });
  }

  test("no confirmations expected means the minimum at once", () => {
    expect(suspicionTimeoutMs(0, 0, 1_000, 6_000)).toBe(1_000);
  });

  test("never below the minimum", () => {
    expect(suspicionTimeoutMs(100, 3, 1_000, 1_000)).toBe(1_000);
  });
});

describe("cluster-size scaling", () => {
  const table: [members: number, minMs: number, expected: number, retransmits: number, pushPullMs: number][] =
    [
      [1, 1_000, 0, 4, 10_000],
      [3, 1_000, 0, 4, 10_000],
      [5, 1_000, 3, 4, 10_000],
      [10, 1_000, 3, 8, 10_000],
      [32, 1_505, 3, 8, 10_000],
      [33, 1_518, 3, 8, 20_000],
      [100, 2_000, 3, 12, 30_000],
      [1_000, 3_000, 3, 16, 60_000],
    ];
  for (const [n, minMs, k, rt, pp] of table) {
    test(`N=${n}`, () => {
      expect(suspicionMinMs(5, n, 200)).toBe(minMs);
      expect(expectedConfirmations(5, n)).toBe(k);
      expect(retransmitLimit(4, n)).toBe(rt);
      expect(pushPullIntervalMs(10_000, n)).toBe(pp);
    });
  }
});

describe("Suspicion", () => {
  test("independent confirmations pull the deadline in; repeats and the suspecter don't", () => {
    const s = new Suspicion(4, 10_000, 3, 2_000, 30_000, "a");
    expect(s.deadlineMs()).toBe(40_000);
    expect(s.confirm("a")).toBe(false);
    expect(s.confirm("b")).toBe(true);
    expect(s.confirm("b")).toBe(false);
    expect(s.deadlineMs()).toBe(26_000);
    s.confirm("c");
    s.confirm("d");
    expect(s.confirmations).toBe(3);
    expect(s.deadlineMs()).toBe(12_000);
    expect(s.confirm("e")).toBe(false);
  });
});

describe("Awareness (local health multiplier)", () => {
  test("scales timeouts by score+1, clamped to [0, max-1]", () => {
    const a = new Awareness(8);
    expect(a.scaleMs(200)).toBe(200);
    a.apply(3);
    expect(a.scaleMs(200)).toBe(800);
    a.apply(100);
    expect(a.score).toBe(7);
    a.apply(-100);
    expect(a.score).toBe(0);
  });
});
