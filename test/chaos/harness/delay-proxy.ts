// Network delay without netem (this kernel has none): a TCP proxy that holds every chunk for a
// fixed time in each direction, order kept. The nemesis runs it inside a host's namespace, and an
// nft redirect sends new connections to the host's MySQL port through it (nft-rules.ts), so
// replication from that host, client writes and the agents' checks all see the added latency.
// It reaches mysqld over TCP at the host's own address (locally sent, so not redirected again):
// over the socket every client would be 'user'@'localhost' and fail the lab's grants.
// Usage: bun delay-proxy.ts <listen-port> <target-host> <target-port> <delay-ms>
import net from "node:net";

/** Copies `from` to `to`, each chunk and the end `delayMs` later; either side failing closes both. */
export function pipeDelayed(from: net.Socket, to: net.Socket, delayMs: number): void {
  from.on("data", (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on("end", () => setTimeout(() => to.end(), delayMs));
  from.on("error", () => setTimeout(() => to.destroy(), delayMs));
  from.on("close", () => setTimeout(() => to.destroy(), delayMs));
}

export function startDelayProxy(
  port: number,
  target: { host: string; port: number },
  delayMs: number,
): net.Server {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.host, port: target.port });
    pipeDelayed(client, upstream, delayMs);
    pipeDelayed(upstream, client, delayMs);
  });
  server.listen(port, "0.0.0.0");
  return server;
}

if (import.meta.main) {
  const [portText = "", host = "", targetPortText = "", delayText = ""] = process.argv.slice(2);
  const port = Number(portText);
  const targetPort = Number(targetPortText);
  const delayMs = Number(delayText);
  if (!Number.isInteger(port) || host === "" || !Number.isInteger(targetPort) || !(delayMs >= 0)) {
    console.error("usage: bun delay-proxy.ts <listen-port> <target-host> <target-port> <delay-ms>");
    process.exit(2);
  }
  const server = startDelayProxy(port, { host, port: targetPort }, delayMs);
  server.on("listening", () =>
    console.log(`delay-proxy: :${port} -> ${host}:${targetPort}, +${delayMs} ms each way`),
  );
  server.on("error", (e) => {
    console.error(`delay-proxy: ${e.message}`);
    process.exit(1);
  });
  process.on("SIGTERM", () => process.exit(0));
}
