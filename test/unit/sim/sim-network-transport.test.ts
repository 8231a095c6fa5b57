// SimTransportHub specifics the shared contract can't see: node ids, faults and partitions by
// address, undeliverable counting, and reproducibility of a whole exchange per seed.
import { describe, expect, test } from "bun:test";
import { seededRng } from "../../../src/lib/rng.ts";
import type { Transport } from "../../../src/net/transport.ts";
import { SimClock } from "../../../src/sim/sim-clock.ts";
import { PERFECT_LINK, SimNetwork } from "../../../src/sim/sim-network.ts";
import { SimTransportHub } from "../../../src/sim/sim-transport.ts";

function setup(seed: number, lossRate = 0) {
  const network = new SimNetwork<Uint8Array>(seededRng(seed), { ...PERFECT_LINK, lossRate, maxDelayMs: 20 });
  const hub = new SimTransportHub(network, new SimClock());
  const bind = (host: string, port: number): Transport => {
    const r = hub.bind({ host, port });
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };
  return { network, hub, bind };
}

describe("SimTransportHub", () => {
  test("nodes are named host:port, so partitions cut transports by address", () => {
    const { network, hub, bind } = setup(1);
    const a = bind("10.0.0.1", 7946);
    const b = bind("10.0.0.2", 7946);
    const got: number[] = [];
    b.onReceive((_, bytes) => got.push(bytes[0] as number));
    network.partition([["10.0.0.1:7946"], ["10.0.0.2:7946"]]);
    a.send(b.localAddress(), new Uint8Array([1]));
    hub.runUntilIdle();
    network.heal();
    a.send(b.localAddress(), new Uint8Array([2]));
    hub.runUntilIdle();
    expect(got).toEqual([2]);
  });

  test("port 0 gets distinct ephemeral ports", () => {
    const { bind } = setup(1);
    const ports = [bind("h", 0), bind("h", 0), bind("h", 0)].map((t) => t.localAddress().port);
    expect(new Set(ports).size).toBe(3);
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(32_768);
  });

  test("datagrams to an unbound address are counted as undeliverable", () => {
    const { hub, bind } = setup(1);
    const a = bind("h", 1);
    a.send({ host: "h", port: 2 }, new Uint8Array([1]));
    hub.runUntilIdle();
    expect(hub.undeliverable).toBe(1);
  });

  test("the clock moves to each delivery time and stops when idle", () => {
    const { hub, bind } = setup(3);
    const a = bind("h", 1);
    const b = bind("h", 2);
    const times: number[] = [];
    b.onReceive(() => times.push(hub.clock.nowMs));
    for (let i = 0; i < 10; i++) a.send(b.localAddress(), new Uint8Array([i]));
    expect(hub.runUntilIdle()).toBeGreaterThan(0);
    expect(times).toHaveLength(10);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(hub.step()).toBe(false);
  });

  test("a ping-pong exchange under loss replays exactly per seed", () => {
    const run = (seed: number) => {
      const { hub, bind } = setup(seed, 0.2);
      const a = bind("h", 1);
      const b = bind("h", 2);
      const log: string[] = [];
      b.onReceive((from, bytes) => {
        log.push(`${hub.clock.nowMs}:b<${bytes[0]}`);
        b.send(from, new Uint8Array([(bytes[0] as number) + 100]));
      });
      a.onReceive((_, bytes) => log.push(`${hub.clock.nowMs}:a<${bytes[0]}`));
      for (let i = 0; i < 30; i++) a.send(b.localAddress(), new Uint8Array([i]));
      hub.runUntilIdle();
      return log;
    };
    expect(run(77)).toEqual(run(77));
    expect(run(77)).not.toEqual(run(78));
    expect(run(77).length).toBeLessThan(60);
  });
});
