// The Transport port over SimNetwork: the same contract as UDP, driven by a SimClock, so cores
// can be tested with their real wire bytes under loss, delay and partitions. Node ids are
// "host:port" (addressKey), so partitions and link faults name transports by address.
import { MAX_DATAGRAM_BYTES } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { TransportError } from "../net/net-error.ts";
import {
  type Address,
  addressKey,
  parseAddressKey,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "../net/transport.ts";
import type { SimClock } from "./sim-clock.ts";
import type { SimNetwork } from "./sim-network.ts";

/** Ephemeral ports for port-0 binds start where Linux's default range does. */
const FIRST_EPHEMERAL_PORT = 32_768;

class SimTransport implements Transport {
  handler: ReceiveHandler | null = null;
  closed = false;
  readonly counters: TransportStats = { sent: 0, received: 0, sendFailures: 0 };

  constructor(
    private readonly hub: SimTransportHub,
    private readonly address: Address,
  ) {}

  send(to: Address, bytes: Uint8Array): void {
    if (this.closed || bytes.length > MAX_DATAGRAM_BYTES) {
      this.counters.sendFailures++;
      return;
    }
    this.counters.sent++;
    // Copied, as a socket would: the caller may reuse its buffer.
    this.hub.network.send(addressKey(this.address), addressKey(to), bytes.slice(), this.hub.clock.nowMs);
  }

  onReceive(handler: ReceiveHandler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.hub.unbind(this);
    }
    return Promise.resolve();
  }

  localAddress(): Address {
    return { ...this.address };
  }

  stats(): TransportStats {
    return { ...this.counters };
  }
}

export class SimTransportHub {
  private readonly bound = new Map<string, SimTransport>();
  private nextEphemeralPort = FIRST_EPHEMERAL_PORT;
  /** Datagrams that arrived where nothing was bound: lost, like UDP to a dead port. */
  undeliverable = 0;

  constructor(
    readonly network: SimNetwork<Uint8Array>,
    readonly clock: SimClock,
  ) {}

  bind(address: Address): Result<Transport & { stats(): TransportStats }, TransportError> {
    let port = address.port;
    if (port === 0) {
      while (this.bound.has(addressKey({ host: address.host, port: this.nextEphemeralPort })))
        this.nextEphemeralPort++;
      port = this.nextEphemeralPort++;
    }
    const at = { host: address.host, port };
    if (this.bound.has(addressKey(at)))
      return err({ code: "net.bind-failed", host: at.host, port, detail: "address already in use" });
    const transport = new SimTransport(this, at);
    this.bound.set(addressKey(at), transport);
    return ok(transport);
  }

  /** Hands every datagram due at the clock's time to its receiver; returns how many arrived. */
  deliverDue(): number {
    let delivered = 0;
    for (const d of this.network.deliverDue(this.clock.nowMs)) {
      const target = this.bound.get(d.to);
      const from = parseAddressKey(d.from);
      if (!target || !from) {
        this.undeliverable++;
        continue;
      }
      target.counters.received++;
      delivered++;
      target.handler?.(from, d.msg);
    }
    return delivered;
  }

  /** Advances the clock to the next delivery and delivers it; false when nothing is in flight. */
  step(): boolean {
    const at = this.network.nextDeliveryAtMs();
    if (at === null) return false;
    if (at > this.clock.nowMs) this.clock.advanceTo(at);
    this.deliverDue();
    return true;
  }

  /** Steps until the network is quiet or `maxSteps` ran (handlers may keep replying forever). */
  runUntilIdle(maxSteps = 100_000): number {
    let steps = 0;
    while (steps < maxSteps && this.step()) steps++;
    return steps;
  }

  unbind(t: SimTransport): void {
    const key = addressKey(t.localAddress());
    if (this.bound.get(key) === t) this.bound.delete(key);
  }
}
