import { describe, expect, test } from "bun:test";
import { seededRng } from "../../../src/lib/rng.ts";
import { SimClock } from "../../../src/sim/sim-clock.ts";
import { type LinkFaults, PERFECT_LINK, SimNetwork } from "../../../src/sim/sim-network.ts";

const LOSSY: LinkFaults = { lossRate: 0.2, duplicateRate: 0.1, minDelayMs: 1, maxDelayMs: 50 };

function drain<M>(net: SimNetwork<M>): Array<{ from: string; to: string; msg: M; atMs: number }> {
  const out = [];
  for (let at = net.nextDeliveryAtMs(); at !== null; at = net.nextDeliveryAtMs())
    out.push(...net.deliverDue(at));
  return out;
}

function trace(seed: number): string[] {
  const net = new SimNetwork<number>(seededRng(seed), LOSSY);
  const nodes = ["a", "b", "c", "d"];
  for (let i = 0; i < 500; i++) net.send(nodes[i % 4] as string, nodes[(i * 7 + 1) % 4] as string, i, i);
  return drain(net).map((d) => `${d.atMs}:${d.from}>${d.to}:${d.msg}`);
}

describe("SimNetwork", () => {
  test("a perfect link delivers everything after 1 ms, in send order", () => {
    const net = new SimNetwork<string>(seededRng(1));
    net.send("a", "b", "x", 10);
    net.send("b", "a", "y", 10);
    expect(net.nextDeliveryAtMs()).toBe(11);
    expect(net.deliverDue(10.9)).toEqual([]);
    expect(net.deliverDue(11)).toEqual([
      { from: "a", to: "b", msg: "x", atMs: 11 },
      { from: "b", to: "a", msg: "y", atMs: 11 },
    ]);
    expect(net.nextDeliveryAtMs()).toBeNull();
    expect(net.stats()).toEqual({ sent: 2, delivered: 2, dropped: 0, duplicated: 0 });
  });

  test("deliveries come out in time order and delay variance reorders", () => {
    const net = new SimNetwork<number>(seededRng(7), { ...PERFECT_LINK, minDelayMs: 1, maxDelayMs: 100 });
    for (let i = 0; i < 200; i++) net.send("a", "b", i, 0);
    const got = net.deliverDue(1_000);
    expect(got).toHaveLength(200);
    const times = got.map((d) => d.atMs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...times)).toBeLessThanOrEqual(100);
    const msgs = got.map((d) => d.msg);
    expect(msgs).not.toEqual([...msgs].sort((x, y) => x - y));
  });

  test("the loss rate is statistically close to the configured one", () => {
    const net = new SimNetwork<number>(seededRng(42), { ...PERFECT_LINK, lossRate: 0.3 });
    const n = 20_000;
    for (let i = 0; i < n; i++) net.send("a", "b", i, 0);
    const delivered = net.deliverDue(10).length;
    // 3 standard deviations of a binomial(20000, 0.3) is about 194.
    expect(Math.abs(n - delivered - 0.3 * n)).toBeLessThan(200);
    expect(net.stats().dropped).toBe(n - delivered);
  });

  test("duplication delivers a datagram twice at about the configured rate", () => {
    const net = new SimNetwork<number>(seededRng(5), { ...PERFECT_LINK, duplicateRate: 0.25 });
    const n = 10_000;
    for (let i = 0; i < n; i++) net.send("a", "b", i, 0);
    const got = net.deliverDue(10);
    const dups = got.length - n;
    expect(net.stats().duplicated).toBe(dups);
    expect(Math.abs(dups - 0.25 * n)).toBeLessThan(150);
    const counts = new Map<number, number>();
    for (const d of got) counts.set(d.msg, (counts.get(d.msg) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(2);
    expect(counts.size).toBe(n);
  });

  test("the same seed gives an identical trace; another seed a different one", () => {
    const a = trace(1234);
    expect(a.length).toBeGreaterThan(350);
    expect(trace(1234)).toEqual(a);
    expect(trace(1235)).not.toEqual(a);
  });

  test("a partition blocks traffic between groups and heal restores it", () => {
    const net = new SimNetwork<string>(seededRng(3));
    net.partition([["a", "b"], ["c"]]);
    expect(net.canReach("a", "b")).toBe(true);
    expect(net.canReach("a", "c")).toBe(false);
    expect(net.canReach("c", "b")).toBe(false);
    expect(net.canReach("d", "a")).toBe(false); // unlisted: isolated
    net.send("a", "b", "same-side", 0);
    net.send("a", "c", "across", 0);
    net.send("d", "a", "unlisted", 0);
    expect(drain(net).map((d) => d.msg)).toEqual(["same-side"]);
    expect(net.stats().dropped).toBe(2);
    net.heal();
    expect(net.canReach("a", "c")).toBe(true);
    net.send("a", "c", "after-heal", 1);
    expect(drain(net).map((d) => d.msg)).toEqual(["after-heal"]);
  });

  test("a datagram in flight when the link is cut is lost", () => {
    const net = new SimNetwork<string>(seededRng(3), { ...PERFECT_LINK, minDelayMs: 10, maxDelayMs: 10 });
    net.send("a", "b", "x", 0);
    net.partition([["a"], ["b"]]);
    expect(net.deliverDue(10)).toEqual([]);
    expect(net.stats()).toEqual({ sent: 1, delivered: 0, dropped: 1, duplicated: 0 });
  });

  test("isolate cuts one node off both ways until heal", () => {
    const net = new SimNetwork<string>(seededRng(3));
    net.isolate("b");
    expect(net.canReach("a", "b")).toBe(false);
    expect(net.canReach("b", "a")).toBe(false);
    expect(net.canReach("a", "c")).toBe(true);
    expect(net.canReach("b", "b")).toBe(true);
    net.heal();
    expect(net.canReach("a", "b")).toBe(true);
  });

  test("dropInFlight loses everything queued to and from a crashed node", () => {
    const net = new SimNetwork<string>(seededRng(9), { ...PERFECT_LINK, minDelayMs: 5, maxDelayMs: 5 });
    net.send("a", "b", "a>b", 0);
    net.send("b", "c", "b>c", 0);
    net.send("a", "c", "a>c", 0);
    net.send("c", "a", "c>a", 1);
    net.dropInFlight("b");
    expect(drain(net).map((d) => d.msg)).toEqual(["a>c", "c>a"]);
    expect(net.stats()).toEqual({ sent: 4, delivered: 2, dropped: 2, duplicated: 0 });
  });

  test("per-link faults override the network's and null restores them", () => {
    const net = new SimNetwork<number>(seededRng(11));
    net.setLinkFaults("a", "b", { ...PERFECT_LINK, lossRate: 1 });
    net.send("a", "b", 1, 0);
    net.send("b", "a", 2, 0);
    expect(drain(net).map((d) => d.msg)).toEqual([2]);
    net.setLinkFaults("a", "b", null);
    net.send("a", "b", 3, 5);
    expect(drain(net).map((d) => d.msg)).toEqual([3]);
    net.setFaults({ ...PERFECT_LINK, lossRate: 1 });
    net.send("b", "a", 4, 10);
    expect(drain(net)).toEqual([]);
  });

  test("fault settings out of range are refused", () => {
    const net = new SimNetwork<number>(seededRng(1));
    expect(() => net.setFaults({ ...PERFECT_LINK, lossRate: 1.5 })).toThrow(RangeError);
    expect(() => net.setFaults({ ...PERFECT_LINK, minDelayMs: 5, maxDelayMs: 2 })).toThrow(RangeError);
    expect(() => new SimNetwork(seededRng(1), { ...PERFECT_LINK, duplicateRate: -0.1 })).toThrow(RangeError);
  });
});

describe("SimClock", () => {
  test("advances forward only", () => {
    const clock = new SimClock(100);
    expect(clock.advance(50)).toBe(150);
    expect(clock.advanceTo(200)).toBe(200);
    expect(clock.nowMs).toBe(200);
    expect(() => clock.advanceTo(199)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
