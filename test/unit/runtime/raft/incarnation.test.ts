// An agent restarted with its wall clock behind its previous start: the incarnation it claims
// (persisted in the raft directory) still outbids the old one, so peers keep hearing it.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../../../src/config/config.ts";
import { parseConfig } from "../../../../src/config/validate.ts";
import { ReplayWindow } from "../../../../src/net/replay-window.ts";
import type { Address, ReceiveHandler, Transport } from "../../../../src/net/transport.ts";
import { Channels } from "../../../../src/runtime/channels.ts";
import type { RuntimeClock } from "../../../../src/runtime/clock.ts";
import { claimAgentIncarnation } from "../../../../src/runtime/incarnation.ts";
import { keyringOf, testKey } from "../../net/keys.fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "keel-incarnation-agent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = testKey("incarnation");
const keyring = keyringOf({ primary: key, keys: [key] });

function config(): Config {
  const raw = {
    cluster: "main",
    node_id: "db1",
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: key, keys: [key] },
    mysql: { user: "keel", password: "pw" },
    raft: { data_dir: join(dir, "data") },
  };
  const parsed = parseConfig(raw, "/etc/keel/keel.json");
  if (!parsed.ok) throw new Error(parsed.error.map((i) => i.code).join());
  return parsed.value.config;
}

class CapturingTransport implements Transport {
  readonly sent: Uint8Array[] = [];
  send(_to: Address, bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
  onReceive(_handler: ReceiveHandler): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
  localAddress(): Address {
    return { host: "127.0.0.1", port: 1 };
  }
}

/** One life of agent db1: claims its incarnation at `wallMs`, sends one datagram to db2. */
function lifeOfDb1(wallMs: number): Uint8Array {
  const clock: RuntimeClock = { monoMs: () => 0, wallMs: () => wallMs };
  const incarnation = claimAgentIncarnation(config(), clock.wallMs());
  if (!incarnation.ok) throw new Error(incarnation.error.code);
  const transport = new CapturingTransport();
  const channels = new Channels({
    transport,
    keyring,
    replayWindow: new ReplayWindow(),
    selfId: "db1",
    incarnation: incarnation.value,
    clock,
    resolve: () => "127.0.0.1:2",
  });
  channels.send("db2", "g", { hello: wallMs });
  return transport.sent[0] as Uint8Array;
}

test("a restart with the clock set back is still heard by a peer that heard the old life", () => {
  const heard: unknown[] = [];
  const db2 = new Channels({
    transport: new CapturingTransport(),
    keyring,
    replayWindow: new ReplayWindow(),
    selfId: "db2",
    incarnation: 1,
    clock: { monoMs: () => 0, wallMs: () => 0 },
    resolve: () => null,
  });
  db2.register("g", { onMessage: (_from, msg) => heard.push(msg) });
  const from: Address = { host: "127.0.0.1", port: 1 };
  db2.receive(from, lifeOfDb1(1_764_000_000_000));
  db2.receive(from, lifeOfDb1(1_764_000_000_000 - 3_600_000)); // NTP stepped the clock back an hour
  expect(heard).toEqual([{ hello: 1_764_000_000_000 }, { hello: 1_764_000_000_000 - 3_600_000 }]);
  expect(db2.envelopeDrops.total()).toBe(0);
  expect(statSync(join(dir, "data", "main")).mode & 0o777).toBe(0o700);
});
