// UDP throughput and loss for sealed ~1 KB envelopes between two processes on loopback, for
// node:dgram (4 MiB and default receive buffers) and Bun.udpSocket; plus seal/open ops/s.
// Usage: bun bench/udp.ts            (the child mode `--receive <impl>` is internal)
// Prints numbers; asserts nothing.
import { createSocket } from "node:dgram";
import { acceptDatagram } from "../src/net/accept-datagram.ts";
import { type EnvelopeBody, open, seal } from "../src/net/envelope.ts";
import { createKeyring, generateKey, type Keyring } from "../src/net/keyring.ts";
import { ReplayWindow } from "../src/net/replay-window.ts";

/** "-raw" receivers only count; the others authenticate each datagram inline, as an agent does. */
type Impl = "dgram-4MiB" | "dgram-4MiB-raw" | "dgram-default" | "bun-udpSocket" | "bun-udpSocket-raw";
const IMPLS: Impl[] = ["dgram-4MiB", "dgram-4MiB-raw", "dgram-default", "bun-udpSocket", "bun-udpSocket-raw"];
const BURSTS = [1_000, 20_000];
const IDLE_END_MS = 300;
const RECEIVER_HOST = "127.0.0.2";

function keyringFrom(keyB64: string): Keyring {
  const r = createKeyring({ primary: keyB64, keys: [] });
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

function envelope(ring: Keyring, seq: number): Uint8Array {
  const body: EnvelopeBody = {
    sender: "bench-sender:26000",
    incarnation: 1,
    seq,
    sentAtWallMs: Date.now(),
    msg: { type: "bench", pad: "x".repeat(900) },
  };
  const r = seal(body, ring);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

/** Child: binds, reports its port, counts datagrams until the stream goes quiet. */
async function receive(impl: Impl, keyB64: string): Promise<void> {
  const ring = keyringFrom(keyB64);
  const window = new ReplayWindow();
  const raw = impl.endsWith("-raw");
  let received = 0;
  let accepted = 0;
  let firstMs = 0;
  let lastMs = 0;
  const onBytes = (bytes: Uint8Array) => {
    lastMs = performance.now();
    if (received++ === 0) firstMs = lastMs;
    if (raw || acceptDatagram(bytes, ring, window).ok) accepted++;
  };
  let port: number;
  let close: () => void;
  if (impl.startsWith("bun-")) {
    const s = await Bun.udpSocket({
      hostname: RECEIVER_HOST,
      port: 0,
      socket: { data: (_s, buf) => onBytes(buf) },
    });
    port = s.port;
    close = () => s.close();
  } else {
    const s = createSocket(
      impl.startsWith("dgram-4MiB") ? { type: "udp4", recvBufferSize: 4 << 20 } : { type: "udp4" },
    );
    await new Promise<void>((resolve) => s.bind(0, RECEIVER_HOST, resolve));
    s.on("message", onBytes);
    port = s.address().port;
    close = () => s.close();
  }
  console.log(`READY ${port}`);
  const startedMs = performance.now();
  for (;;) {
    await Bun.sleep(20);
    const now = performance.now();
    if (received > 0 && now - lastMs > IDLE_END_MS) break;
    if (received === 0 && now - startedMs > 10_000) break;
  }
  close();
  console.log(JSON.stringify({ received, accepted, spanMs: lastMs - firstMs }));
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => boolean,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk);
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      if (onLine(buffered.slice(0, nl))) return;
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
    }
  }
}

async function burst(impl: Impl, count: number, keyB64: string, datagrams: Uint8Array[]): Promise<string> {
  // The throwaway key goes by environment, not argv, so it never shows in a process list.
  const child = Bun.spawn([process.execPath, import.meta.path, "--receive", impl], {
    stdout: "pipe",
    env: { ...process.env, KEEL_BENCH_KEY: keyB64 },
  });
  let port = 0;
  let result = "";
  const lines = readLines(child.stdout, (line) => {
    if (line.startsWith("READY ")) port = Number(line.slice(6));
    else if (line.startsWith("{")) result = line;
    return result !== "";
  });
  while (port === 0) await Bun.sleep(5);
  const sender = createSocket({ type: "udp4", sendBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => sender.bind(0, "127.0.0.1", resolve));
  const t0 = performance.now();
  for (let i = 0; i < count; i++) sender.send(datagrams[i] as Uint8Array, port, RECEIVER_HOST);
  const sendMs = performance.now() - t0;
  await lines;
  await child.exited;
  sender.close();
  const r = JSON.parse(result) as { received: number; accepted: number; spanMs: number };
  const lossPct = (100 * (count - r.received)) / count;
  const rate = r.spanMs > 0 ? Math.round(r.received / (r.spanMs / 1000)) : r.received;
  return (
    `${impl.padEnd(17)} burst ${String(count).padStart(6)}: received ${r.received}/${count} ` +
    `(loss ${lossPct.toFixed(1)}%), accepted ${r.accepted}, receive span ${r.spanMs.toFixed(1)} ms ` +
    `(~${rate.toLocaleString("en")} datagrams/s), send loop ${sendMs.toFixed(1)} ms`
  );
}

function sealOpenRate(ring: Keyring): string {
  const n = 50_000;
  let t0 = performance.now();
  const sealed: Uint8Array[] = [];
  for (let i = 0; i < n; i++) sealed.push(envelope(ring, i));
  const sealMs = performance.now() - t0;
  t0 = performance.now();
  for (const d of sealed) if (!open(d, ring).ok) throw new Error("open failed");
  const openMs = performance.now() - t0;
  const per = (ms: number) => Math.round(n / (ms / 1000)).toLocaleString("en");
  return `seal ${per(sealMs)} ops/s, open ${per(openMs)} ops/s (${sealed[0]?.length} B envelopes, ${n} each)`;
}

async function main(): Promise<void> {
  const keyB64 = generateKey();
  const ring = keyringFrom(keyB64);
  console.log(sealOpenRate(ring));
  const datagrams = Array.from({ length: Math.max(...BURSTS) }, (_, i) => envelope(ring, i));
  for (const impl of IMPLS)
    for (const count of BURSTS) console.log(await burst(impl, count, keyB64, datagrams));
}

if (process.argv[2] === "--receive") await receive(process.argv[3] as Impl, process.env.KEEL_BENCH_KEY ?? "");
else await main();
