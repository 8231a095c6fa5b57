// The Transport port on real UDP sockets (node:dgram; bench/udp.ts says why not Bun.udpSocket).
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { MAX_DATAGRAM_BYTES, UDP_RECV_BUFFER_BYTES, UDP_SEND_BUFFER_BYTES } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { TransportError } from "./net-error.ts";
import type { Address, ReceiveHandler, Transport, TransportStats } from "./transport.ts";

export interface UdpTransportOptions {
  host: string;
  /** 0 asks the kernel for a free port. */
  port: number;
  recvBufferBytes?: number;
  sendBufferBytes?: number;
}

export class UdpTransport implements Transport {
  private handler: ReceiveHandler | null = null;
  private closing: Promise<void> | null = null;
  private readonly counters: TransportStats = { sent: 0, received: 0, sendFailures: 0 };
  /** Socket errors (ICMP unreachable and the like): counted, never thrown. */
  private socketErrors = 0;

  constructor(
    private readonly socket: Socket,
    private readonly address: Address,
  ) {
    socket.on("message", (msg, rinfo) => {
      if (this.closing) return;
      this.counters.received++;
      this.handler?.({ host: rinfo.address, port: rinfo.port }, msg);
    });
    socket.on("error", () => {
      this.socketErrors++;
    });
  }

  send(to: Address, bytes: Uint8Array): void {
    if (this.closing || bytes.length > MAX_DATAGRAM_BYTES) {
      this.counters.sendFailures++;
      return;
    }
    try {
      // Copied: dgram reads the buffer after send() returns, and callers may reuse theirs.
      const copy = Buffer.from(bytes);
      this.socket.send(copy, to.port, to.host, (e) => {
        if (!e) return;
        // Bun reports the ICMP "port unreachable" of an EARLIER send to a dead peer on the next
        // send, whatever its destination, and drops that datagram. Resend it once, or a node
        // that last talked to a dead peer silently loses its next message (it stalled elections).
        if ((e as NodeJS.ErrnoException).code === "ECONNREFUSED" && !this.closing) {
          this.socket.send(copy, to.port, to.host, (again) => {
            if (again) this.counters.sendFailures++;
          });
          return;
        }
        this.counters.sendFailures++;
      });
      this.counters.sent++;
    } catch {
      // Invalid port or host strings throw synchronously in dgram; a datagram is just lost.
      this.counters.sendFailures++;
    }
  }

  onReceive(handler: ReceiveHandler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed underneath us
      }
    });
    return this.closing;
  }

  localAddress(): Address {
    return { ...this.address };
  }

  stats(): TransportStats & { socketErrors: number } {
    return { ...this.counters, socketErrors: this.socketErrors };
  }
}

/** Binds a UDP socket with large buffers (a default receive buffer loses most of a burst). */
export function openUdpTransport(opts: UdpTransportOptions): Promise<Result<UdpTransport, TransportError>> {
  const socket = createSocket({
    type: isIPv6(opts.host) ? "udp6" : "udp4",
    recvBufferSize: opts.recvBufferBytes ?? UDP_RECV_BUFFER_BYTES,
    sendBufferSize: opts.sendBufferBytes ?? UDP_SEND_BUFFER_BYTES,
  });
  return new Promise((resolve) => {
    const onError = (e: Error) => {
      socket.close();
      resolve(err({ code: "net.bind-failed", host: opts.host, port: opts.port, detail: e.message }));
    };
    socket.once("error", onError);
    socket.once("listening", () => {
      socket.off("error", onError);
      const bound = socket.address();
      resolve(ok(new UdpTransport(socket, { host: bound.address, port: bound.port })));
    });
    try {
      socket.bind({ address: opts.host, port: opts.port, exclusive: true });
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
