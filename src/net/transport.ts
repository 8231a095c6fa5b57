// The port every agent talks through: unreliable, unordered datagrams of at most
// MAX_DATAGRAM_BYTES. Two implementations honour one contract (test/contract/transport.contract.ts):
// udp-transport.ts on real sockets, src/sim/sim-transport.ts over the simulated network.
export interface Address {
  host: string;
  port: number;
}

export type ReceiveHandler = (from: Address, bytes: Uint8Array) => void;

export interface Transport {
  /** Fire and forget. Never throws: a dead peer, a closed transport or an oversized datagram
   *  just means the datagram is lost (and counted). */
  send(to: Address, bytes: Uint8Array): void;
  /** Sets the one handler for incoming datagrams (a later call replaces it). */
  onReceive(handler: ReceiveHandler): void;
  /** Stops sending and delivery; resolves once the endpoint is released. Idempotent. */
  close(): Promise<void>;
  localAddress(): Address;
}

export interface TransportStats {
  sent: number;
  received: number;
  /** Sends refused locally: oversized, after close, or failed in the socket. */
  sendFailures: number;
}

export function addressKey(a: Address): string {
  return `${a.host}:${a.port}`;
}

/** Inverse of addressKey; null for anything that isn't "host:port". IPv6 hosts are bracketless
 *  here because the port is always after the last colon. */
export function parseAddressKey(key: string): Address | null {
  const colon = key.lastIndexOf(":");
  if (colon <= 0) return null;
  const port = Number(key.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { host: key.slice(0, colon), port };
}
