import { describe, expect, test } from "bun:test";
import { deflateRawSync } from "node:zlib";
import { pack } from "msgpackr";
import {
  AGENT_RECORD_COMPRESS_ABOVE_BYTES,
  AGENT_RECORD_INFLATED_BYTES_MAX,
  GOSSIP_CHUNK_BYTES_MAX,
  GOSSIP_RECORD_BYTES_MAX,
} from "../../../../src/lib/limits.ts";
import { seededRng } from "../../../../src/lib/rng.ts";
import {
  decodeAgentRecord,
  encodeAgentRecord,
  RECORD_FLAG_DEFLATED,
  RECORD_FLAG_PLAIN,
} from "../../../../src/runtime/agent-record-codec.ts";
import { agentRecord, mariadbReplica, mysqlReplica } from "./records.fixture.ts";

const framed = (flag: number, body: Uint8Array) => Uint8Array.from([flag, ...body]);

describe("agent record codec", () => {
  test("a MariaDB replica's record round-trips exactly", () => {
    const record = agentRecord();
    expect(decodeAgentRecord(encodeAgentRecord(record))).toEqual({ ok: true, value: record });
  });

  test("unreachable, witness and never-probed records round-trip", () => {
    const down = agentRecord({
      instance: {
        reachable: false,
        key: { host: "127.0.0.1", port: 28102 },
        probedAtWallMs: 5,
        probeLatencyMs: 1,
        reason: "refused",
        errorCode: "ECONNREFUSED",
        message: "connect ECONNREFUSED 127.0.0.1:28102",
      },
      primaryCheck: { target: "127.0.0.1:28101", ok: false, failingForMs: 1500, errorCode: "ECONNREFUSED" },
    });
    const witness = agentRecord({
      kind: "witness",
      instanceAddress: null,
      instance: null,
      lastReachable: null,
      primaryCheck: null,
      raft: null,
    });
    for (const r of [down, witness])
      expect(decodeAgentRecord(encodeAgentRecord(r))).toEqual({ ok: true, value: r });
  });

  test("a typical MariaDB record stays plain and fits one gossip chunk", () => {
    const bytes = encodeAgentRecord(agentRecord());
    expect(bytes.length).toBeLessThan(GOSSIP_CHUNK_BYTES_MAX * 2);
    expect([RECORD_FLAG_PLAIN, RECORD_FLAG_DEFLATED]).toContain(bytes[0] as number);
  });

  test("a MySQL record with a 100-UUID GTID set is deflated to a fraction of the record limit", () => {
    const instance = mysqlReplica(100);
    const record = agentRecord({ instance, lastReachable: instance });
    const bytes = encodeAgentRecord(record);
    expect(bytes[0]).toBe(RECORD_FLAG_DEFLATED);
    expect(bytes.length).toBeLessThan(GOSSIP_RECORD_BYTES_MAX / 3);
    expect(decodeAgentRecord(bytes)).toEqual({ ok: true, value: record });
  });

  test("with 300 UUIDs the msgpack alone is far over the record limit; deflated it fits", () => {
    const instance = mysqlReplica(300);
    const record = agentRecord({ instance, lastReachable: instance });
    expect(pack(record).length).toBeGreaterThan(GOSSIP_RECORD_BYTES_MAX * 3);
    const bytes = encodeAgentRecord(record);
    expect(bytes.length).toBeLessThan(GOSSIP_RECORD_BYTES_MAX);
    expect(decodeAgentRecord(bytes)).toEqual({ ok: true, value: record });
  });

  test(`records up to ${AGENT_RECORD_COMPRESS_ABOVE_BYTES} B of msgpack are never deflated`, () => {
    const small = agentRecord({ instance: null, lastReachable: null });
    expect(pack(small).length).toBeLessThanOrEqual(AGENT_RECORD_COMPRESS_ABOVE_BYTES);
    expect(encodeAgentRecord(small)[0]).toBe(RECORD_FLAG_PLAIN);
  });

  test("empty, unknown-format and corrupt bytes become typed errors", () => {
    expect(decodeAgentRecord(new Uint8Array())).toEqual({ ok: false, error: { code: "agent.record-empty" } });
    expect(decodeAgentRecord(Uint8Array.of(7, 1, 2))).toEqual({
      ok: false,
      error: { code: "agent.record-unknown-format", flag: 7 },
    });
    expect(decodeAgentRecord(Uint8Array.of(RECORD_FLAG_DEFLATED, 0xff, 0xff, 0xff)).ok).toBe(false);
    const truncated = encodeAgentRecord(agentRecord()).subarray(0, 40);
    expect(decodeAgentRecord(truncated)).toMatchObject({
      ok: false,
      error: { code: "agent.record-corrupt" },
    });
  });

  test("a wrong or missing field is named", () => {
    const { lastReachable: _, ...noLast } = agentRecord();
    expect(decodeAgentRecord(framed(RECORD_FLAG_PLAIN, pack(noLast)))).toEqual({
      ok: false,
      error: { code: "agent.record-bad-field", field: "record.lastReachable" },
    });
    const badLag = agentRecord({
      instance: mariadbReplica({
        channels: [{ ...mariadbReplica().channels[0], secondsBehind: "3" } as never],
      }),
    });
    expect(decodeAgentRecord(framed(RECORD_FLAG_PLAIN, pack(badLag)))).toEqual({
      ok: false,
      error: { code: "agent.record-bad-field", field: "record.instance.channels[0].secondsBehind" },
    });
    const unreachableAsLast = agentRecord({
      lastReachable: { reachable: false, key: { host: "h", port: 1 } } as never,
    });
    expect(decodeAgentRecord(framed(RECORD_FLAG_PLAIN, pack(unreachableAsLast))).ok).toBe(false);
    expect(decodeAgentRecord(framed(RECORD_FLAG_PLAIN, pack([1, 2, 3])))).toMatchObject({
      ok: false,
      error: { code: "agent.record-bad-field", field: "record" },
    });
  });

  test(`a deflate bomb is refused past ${AGENT_RECORD_INFLATED_BYTES_MAX} bytes instead of eating memory`, () => {
    const bomb = deflateRawSync(new Uint8Array(AGENT_RECORD_INFLATED_BYTES_MAX * 4));
    expect(decodeAgentRecord(framed(RECORD_FLAG_DEFLATED, bomb))).toMatchObject({
      ok: false,
      error: { code: "agent.record-corrupt" },
    });
  });

  test("random and mutated bytes never throw", () => {
    const rng = seededRng(42);
    const good = encodeAgentRecord(agentRecord());
    for (let i = 0; i < 3_000; i++) {
      const bytes =
        i % 2 === 0
          ? Uint8Array.from({ length: rng.int(300) }, () => rng.int(256))
          : good.map((b) => (rng.chance(0.02) ? rng.int(256) : b));
      const r = decodeAgentRecord(bytes);
      if (r.ok) expect(typeof r.value.nodeId).toBe("string");
    }
  });
});
