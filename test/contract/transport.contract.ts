// One contract for the Transport port (house rule 3), run against UDP sockets and the simulated
// network. Whatever passes here can carry gossip and raft.
import { afterEach, describe, expect, test } from "bun:test";
import { MAX_DATAGRAM_BYTES } from "../../src/lib/limits.ts";
import type { Result } from "../../src/lib/result.ts";
import type { TransportError } from "../../src/net/net-error.ts";
import type { Address, Transport } from "../../src/net/transport.ts";

export interface TransportHarness {
  /** Two distinct local hosts to bind on. */
  hosts: readonly [string, string];
  bind(address: Address): Promise<Result<Transport, TransportError>>;
  /** Lets (real or virtual) time pass until `done()` holds or nothing more can arrive within
   *  `maxWaitMs`; returns done(). */
  settle(done: () => boolean, maxWaitMs?: number): Promise<boolean>;
  /** An address where nothing listens. */
  deadAddress(): Promise<Address>;
}

interface Received {
  from: Address;
  bytes: Uint8Array;
}

/** Quiet period after which "nothing arrived" is believed (real sockets only). */
const QUIET_MS = 150;

function numbered(i: number, sizeBytes = 8): Uint8Array {
  const b = new Uint8Array(Math.max(4, sizeBytes)).fill(i & 0xff);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

const numberOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);

export function runTransportContract(name: string, makeHarness: () => TransportHarness): void {
  describe(`Transport contract: ${name}`, () => {
    let h: TransportHarness;
    const open: Transport[] = [];

    async function endpoint(which: 0 | 1): Promise<{ t: Transport; inbox: Received[] }> {
      const r = await h.bind({ host: h.hosts[which], port: 0 });
      if (!r.ok) throw new Error(`bind failed: ${r.error.detail}`);
      open.push(r.value);
      const inbox: Received[] = [];
      r.value.onReceive((from, bytes) => inbox.push({ from, bytes: new Uint8Array(bytes) }));
      return { t: r.value, inbox };
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()));
    });

    test("delivers a datagram byte-exact, with the sender's address", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      expect(a.t.localAddress().host).toBe(h.hosts[0]);
      expect(a.t.localAddress().port).toBeGreaterThan(0);
      a.t.send(b.t.localAddress(), new Uint8Array([1, 2, 3]));
      expect(await h.settle(() => b.inbox.length === 1)).toBe(true);
      expect(b.inbox[0]?.bytes).toEqual(new Uint8Array([1, 2, 3]));
      expect(b.inbox[0]?.from).toEqual(a.t.localAddress());
      b.t.send(b.inbox[0]?.from as Address, new Uint8Array([4]));
      expect(await h.settle(() => a.inbox.length === 1)).toBe(true);
      expect(a.inbox[0]?.bytes).toEqual(new Uint8Array([4]));
    });

    test("the sender may reuse its buffer right after send", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      const buf = new Uint8Array([7, 7, 7]);
      a.t.send(b.t.localAddress(), buf);
      buf.fill(0);
      expect(await h.settle(() => b.inbox.length === 1)).toBe(true);
      expect(b.inbox[0]?.bytes).toEqual(new Uint8Array([7, 7, 7]));
    });

    test("every datagram of a batch arrives, in whatever order", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      for (let i = 0; i < 50; i++) a.t.send(b.t.localAddress(), numbered(i));
      expect(await h.settle(() => b.inbox.length >= 50)).toBe(true);
      expect(b.inbox.map((r) => numberOf(r.bytes)).sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    });

    test("a burst of 1,000 datagrams of 1 KB all arrive", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      for (let i = 0; i < 1_000; i++) a.t.send(b.t.localAddress(), numbered(i, 1_024));
      expect(await h.settle(() => b.inbox.length >= 1_000)).toBe(true);
      expect(new Set(b.inbox.map((r) => numberOf(r.bytes))).size).toBe(1_000);
      expect(b.inbox.every((r) => r.bytes.length === 1_024)).toBe(true);
    });

    test("sizes up to MAX_DATAGRAM_BYTES arrive intact; larger ones are dropped without a throw", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      const sizes = [1, 2, 100, 1_000, MAX_DATAGRAM_BYTES - 1, MAX_DATAGRAM_BYTES];
      for (const [i, size] of sizes.entries()) a.t.send(b.t.localAddress(), numbered(i, size));
      a.t.send(b.t.localAddress(), numbered(99, MAX_DATAGRAM_BYTES + 1));
      a.t.send(b.t.localAddress(), numbered(98, 9_000));
      expect(await h.settle(() => b.inbox.length >= sizes.length)).toBe(true);
      await h.settle(() => false, QUIET_MS);
      const got = new Map(b.inbox.map((r) => [numberOf(r.bytes), r.bytes]));
      expect(got.size).toBe(sizes.length);
      for (const [i, size] of sizes.entries()) expect(got.get(i)).toEqual(numbered(i, size));
    });

    test("close stops delivery; send and close after close don't throw", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      const bAddress = b.t.localAddress();
      await b.t.close();
      a.t.send(bAddress, numbered(1));
      expect(await h.settle(() => b.inbox.length > 0, QUIET_MS)).toBe(false);
      b.t.send(a.t.localAddress(), numbered(2));
      await b.t.close();
      expect(await h.settle(() => a.inbox.length > 0, QUIET_MS)).toBe(false);
    });

    test("a closed address can be bound again", async () => {
      h = makeHarness();
      const b = await endpoint(1);
      const address = b.t.localAddress();
      await b.t.close();
      const again = await h.bind(address);
      expect(again.ok).toBe(true);
      if (again.ok) open.push(again.value);
    });

    test("binding an address in use is a typed error", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const r = await h.bind(a.t.localAddress());
      if (r.ok) open.push(r.value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: "net.bind-failed", port: a.t.localAddress().port });
    });

    test("sending to nowhere doesn't throw and the transport keeps working", async () => {
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      const dead = await h.deadAddress();
      for (let i = 0; i < 20; i++) a.t.send(dead, numbered(i));
      a.t.send({ host: "256.1.1.1", port: 1 }, numbered(0));
      a.t.send({ host: h.hosts[1], port: 70_000 }, numbered(0));
      await h.settle(() => false, QUIET_MS);
      a.t.send(b.t.localAddress(), numbered(5));
      expect(await h.settle(() => b.inbox.length === 1)).toBe(true);
      expect(numberOf(b.inbox[0]?.bytes as Uint8Array)).toBe(5);
    });

    test("a datagram right after a send to a dead peer still arrives", async () => {
      // Raft and gossip keep addressing a crashed peer; that must never cost the live ones.
      h = makeHarness();
      const a = await endpoint(0);
      const b = await endpoint(1);
      const dead = await h.deadAddress();
      for (let i = 0; i < 5; i++) {
        a.t.send(dead, numbered(100 + i));
        a.t.send(b.t.localAddress(), numbered(i)); // back to back, as a heartbeat round sends
        await h.settle(() => false, 30);
      }
      expect(await h.settle(() => b.inbox.length === 5)).toBe(true);
      expect(b.inbox.map((r) => numberOf(r.bytes)).sort()).toEqual([0, 1, 2, 3, 4]);
    });
  });
}
