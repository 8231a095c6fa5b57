// UDP probes for calibrating packet loss, run inside a host's namespace:
//   bun udp-probe.ts receive <address> <port> <idleMs>   prints how many datagrams arrived
//   bun udp-probe.ts send <address> <port> <count>       sends count numbered datagrams, paced
// The receiver prints "ready" once bound and stops after idleMs without a datagram.
import { createSocket } from "node:dgram";

export const PROBE_BATCH = 20;
export const PROBE_BATCH_GAP_MS = 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends `count` small datagrams in paced batches, so the receiver's buffer never overflows. */
export async function sendProbes(address: string, port: number, count: number, bind?: string): Promise<void> {
  const socket = createSocket("udp4");
  socket.on("error", () => undefined);
  if (bind) await new Promise<void>((r) => socket.bind(0, bind, () => r()));
  for (let i = 0; i < count; i++) {
    socket.send(`probe ${i}`, port, address);
    if ((i + 1) % PROBE_BATCH === 0) await sleep(PROBE_BATCH_GAP_MS);
  }
  await sleep(50);
  socket.close();
}

/** Counts distinct probes until idleMs pass without one; `onReady` fires once bound. */
export function receiveProbes(
  address: string,
  port: number,
  idleMs: number,
  onReady: () => void,
): Promise<number> {
  return new Promise((resolve) => {
    const seen = new Set<string>();
    const socket = createSocket("udp4");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        socket.close();
        resolve(seen.size);
      }, idleMs);
    };
    socket.on("message", (m) => {
      seen.add(m.toString());
      arm();
    });
    socket.bind(port, address, () => {
      onReady();
      arm();
    });
  });
}

if (import.meta.main) {
  const [mode, address, portText, nText] = process.argv.slice(2);
  const port = Number(portText);
  const n = Number(nText);
  if (mode === "send") await sendProbes(address!, port, n);
  else if (mode === "receive") {
    const got = await receiveProbes(address!, port, n, () => console.log("ready"));
    console.log(`received ${got}`);
  } else {
    console.error("usage: udp-probe.ts send|receive <address> <port> <count|idleMs>");
    process.exit(2);
  }
}
