import { describe, expect, test } from "bun:test";
import { seededRng } from "../../../../src/lib/rng.ts";
import type { InstanceState } from "../../../../src/model/instance-state.ts";
import { ReplayWindow } from "../../../../src/net/replay-window.ts";
import type { Address, ReceiveHandler, Transport } from "../../../../src/net/transport.ts";
import { createLogger } from "../../../../src/obs/logger.ts";
import { AgentMetrics } from "../../../../src/runtime/agent-metrics.ts";
import { AgentPublisher, type RecordIdentity } from "../../../../src/runtime/agent-publisher.ts";
import { decodeAgentRecord } from "../../../../src/runtime/agent-record-codec.ts";
import { Channels } from "../../../../src/runtime/channels.ts";
import type { RuntimeClock } from "../../../../src/runtime/clock.ts";
import { GossipHost } from "../../../../src/runtime/gossip-host.ts";
import { gossipConfig } from "../../../../src/gossip/config.ts";
import { keyringOf, testKey } from "../../net/keys.fixture.ts";
import { mariadbReplica } from "./records.fixture.ts";

const silent: Transport = {
  send: (_to: Address, _bytes: Uint8Array) => {},
  onReceive: (_h: ReceiveHandler) => {},
  close: () => Promise.resolve(),
  localAddress: () => ({ host: "127.0.0.1", port: 1 }),
};

function setup(kind: "agent" | "witness") {
  let nowMs = 0;
  const clock: RuntimeClock = { monoMs: () => nowMs, wallMs: () => 1_764_000_000_000 + nowMs };
  const key = testKey("publisher");
  const channels = new Channels({
    transport: silent,
    keyring: keyringOf({ primary: key, keys: [key] }),
    replayWindow: new ReplayWindow(),
    selfId: "db2",
    incarnation: 1,
    clock,
    resolve: () => null,
  });
  const gossip = new GossipHost({
    config: gossipConfig({ id: "db2", addr: "127.0.0.1:1", kind, cluster: "main" }),
    rng: seededRng(3),
    nowMs: 0,
    channels,
    onEvent: () => {},
  });
  const lines: string[] = [];
  const logger = createLogger({
    level: "info",
    format: "json",
    isTty: false,
    sink: { write: (l) => lines.push(l) },
    nowWallMs: clock.wallMs,
  });
  const identity: RecordIdentity = {
    nodeId: "db2",
    cluster: "main",
    kind,
    datacenter: "",
    promotionRule: "neutral",
    agentVersion: "0.1.0",
    instanceAddress: kind === "agent" ? "127.0.0.1:28102" : null,
  };
  const publisher = new AgentPublisher({
    identity,
    gossip,
    clock,
    keepaliveMs: 5_000,
    metrics: new AgentMetrics(),
    logger,
  });
  const version = () => gossip.node.recordVersionOf("db2");
  const published = () => {
    const data = gossip.node.member("db2", nowMs)?.record?.data;
    if (data === undefined) throw new Error("nothing published");
    const r = decodeAgentRecord(data);
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };
  const at = (ms: number) => {
    nowMs = ms;
    return ms;
  };
  return { publisher, version, published, at, lines };
}

const down: InstanceState = {
  reachable: false,
  key: { host: "127.0.0.1", port: 28102 },
  probedAtWallMs: 1,
  probeLatencyMs: 1,
  reason: "refused",
  errorCode: "ECONNREFUSED",
  message: "connect ECONNREFUSED",
};

describe("agent publisher", () => {
  test("publishes the first probe, holds back timing-only changes, republishes at the keepalive", () => {
    const { publisher, version, at } = setup("agent");
    publisher.tick(at(0));
    expect(version()).toBe(0); // nothing before the first probe
    publisher.onProbe(mariadbReplica(), at(10));
    expect(version()).toBe(1);
    for (let t = 500; t < 5_010; t += 500) {
      publisher.onProbe(mariadbReplica({ probedAtWallMs: t, probeLatencyMs: t % 7 }), at(t));
      publisher.tick(t);
    }
    expect(version()).toBe(1);
    publisher.tick(at(5_010));
    expect(version()).toBe(2);
  });

  test("a dead server is published at once and its last reachable state is kept", () => {
    const { publisher, version, published, at, lines } = setup("agent");
    const alive = mariadbReplica({ gtidExecuted: "0-1-777" });
    publisher.onProbe(alive, at(0));
    publisher.onProbe(down, at(500));
    expect(version()).toBe(2);
    expect(published().instance).toEqual(down);
    expect(published().lastReachable).toEqual(alive);
    expect(lines.filter((l) => l.includes('"msg":"server-unreachable"'))).toHaveLength(1);
    publisher.onProbe({ ...down, probedAtWallMs: 2 }, at(1_000));
    expect(version()).toBe(2);
  });

  test("a witness publishes at once, with no instance", () => {
    const { publisher, version, published, at } = setup("witness");
    publisher.refresh(at(0));
    expect(version()).toBe(1);
    expect(published()).toMatchObject({
      kind: "witness",
      instance: null,
      lastReachable: null,
      instanceAddress: null,
    });
    publisher.tick(at(4_999));
    expect(version()).toBe(1);
    publisher.tick(at(5_000));
    expect(version()).toBe(2);
  });
});
