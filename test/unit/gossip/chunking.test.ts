import { describe, expect, test } from "bun:test";
import { ChunkAssembler, splitRecord } from "../../../src/gossip/chunking.ts";
import {
  GOSSIP_CHUNK_BUFFERS_MAX,
  GOSSIP_CHUNK_BYTES_MAX,
  GOSSIP_CHUNK_TTL_MS,
} from "../../../src/lib/limits.ts";

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe("splitRecord", () => {
  test("splits at the chunk size and numbers the chunks", () => {
    const chunks = splitRecord("a", 3, bytes(2 * GOSSIP_CHUNK_BYTES_MAX + 1));
    expect(chunks.map((c) => [c.idx, c.cnt, c.data.length])).toEqual([
      [0, 3, GOSSIP_CHUNK_BYTES_MAX],
      [1, 3, GOSSIP_CHUNK_BYTES_MAX],
      [2, 3, 1],
    ]);
  });

  test("exactly one chunk's worth is one chunk; empty is one empty chunk", () => {
    expect(splitRecord("a", 1, bytes(GOSSIP_CHUNK_BYTES_MAX))).toHaveLength(1);
    expect(splitRecord("a", 1, new Uint8Array(0)).map((c) => c.data.length)).toEqual([0]);
  });
});

describe("ChunkAssembler", () => {
  test("reassembles out of order, ignoring duplicates", () => {
    const data = bytes(2_500);
    const [c0, c1, c2] = splitRecord("a", 4, data, 1_000);
    const asm = new ChunkAssembler();
    expect(asm.add(c2!, 0, 0)).toBeNull();
    expect(asm.add(c2!, 0, 1)).toBeNull();
    expect(asm.add(c0!, 0, 2)).toBeNull();
    const whole = asm.add({ ...c1!, ageMs: 30 }, 0, 3);
    expect(whole?.ver).toBe(4);
    expect(whole?.ageMs).toBe(30);
    expect([...(whole?.data ?? [])]).toEqual([...data]);
    expect(asm.pendingCount).toBe(0);
  });

  test("drops chunks of versions already held and of older partials", () => {
    const asm = new ChunkAssembler();
    const v2 = splitRecord("a", 2, bytes(1_500), 1_000);
    const v3 = splitRecord("a", 3, bytes(1_500, 9), 1_000);
    expect(asm.add(v2[0]!, 2, 0)).toBeNull();
    expect(asm.pendingCount).toBe(0);
    asm.add(v3[0]!, 1, 0);
    expect(asm.add(v2[1]!, 1, 0)).toBeNull();
    expect(asm.add(v3[1]!, 1, 0)?.ver).toBe(3);
  });

  test("a newer version replaces a partial older one", () => {
    const asm = new ChunkAssembler();
    const v1 = splitRecord("a", 1, bytes(1_500), 1_000);
    const v2 = splitRecord("a", 2, bytes(1_500, 5), 1_000);
    asm.add(v1[0]!, 0, 0);
    asm.add(v2[0]!, 0, 0);
    expect(asm.add(v1[1]!, 0, 0)).toBeNull();
    expect(asm.add(v2[1]!, 0, 0)?.ver).toBe(2);
  });

  test("partials older than the TTL are dropped", () => {
    const asm = new ChunkAssembler();
    const v1 = splitRecord("a", 1, bytes(1_500), 1_000);
    asm.add(v1[0]!, 0, 0);
    asm.expire(GOSSIP_CHUNK_TTL_MS - 1);
    expect(asm.pendingCount).toBe(1);
    asm.expire(GOSSIP_CHUNK_TTL_MS);
    expect(asm.pendingCount).toBe(0);
    expect(asm.add(v1[1]!, 0, GOSSIP_CHUNK_TTL_MS)).toBeNull();
  });

  test(`at most GOSSIP_CHUNK_BUFFERS_MAX (${GOSSIP_CHUNK_BUFFERS_MAX}) partial records, oldest dropped`, () => {
    const asm = new ChunkAssembler();
    for (let i = 0; i <= GOSSIP_CHUNK_BUFFERS_MAX; i++)
      asm.add(splitRecord(`m${i}`, 1, bytes(1_500), 1_000)[0]!, 0, i);
    expect(asm.pendingCount).toBe(GOSSIP_CHUNK_BUFFERS_MAX);
    expect(asm.add(splitRecord("m1", 1, bytes(1_500), 1_000)[1]!, 0, 100)?.ver).toBe(1);
    expect(asm.add(splitRecord("m0", 1, bytes(1_500), 1_000)[1]!, 0, 100)).toBeNull();
  });
});
