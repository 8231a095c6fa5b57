// Measuring what fraction of packets actually crosses a host's interface, in each direction,
// with UDP probes between the root namespace and a process inside the host's namespace.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Lab, LabHost } from "./lab.ts";
import { inNetns } from "./net-admin.ts";
import { receiveProbes, sendProbes } from "./udp-probe.ts";

const PROBE_SCRIPT = join(import.meta.dir, "udp-probe.ts");
const PROBE_PORT = 47_000;
const IDLE_MS = 1_000;

function runInNetns(netns: string, args: string[], onLine: (line: string) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn("ip", inNetns(netns, [process.execPath, PROBE_SCRIPT, ...args]), {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const l of lines) onLine(l.trim());
    });
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
}

/** Probes sent from the root namespace that arrived inside the host. */
export async function deliveredInbound(lab: Lab, host: LabHost, count: number): Promise<number> {
  let received = -1;
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  const done = runInNetns(host.netns, ["receive", host.address, String(PROBE_PORT), String(IDLE_MS)], (l) => {
    if (l === "ready") onReady();
    const m = /^received (\d+)$/.exec(l);
    if (m) received = Number(m[1]);
  });
  await ready;
  await sendProbes(host.address, PROBE_PORT, count, lab.rootAddress);
  const code = await done;
  if (code !== 0 || received < 0) throw new Error(`probe receiver in ${host.netns} failed (exit ${code})`);
  return received;
}

/** Probes sent from inside the host that arrived in the root namespace. */
export async function deliveredOutbound(lab: Lab, host: LabHost, count: number): Promise<number> {
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  const received = receiveProbes(lab.rootAddress, PROBE_PORT, IDLE_MS, onReady);
  await ready;
  const code = await runInNetns(
    host.netns,
    ["send", lab.rootAddress, String(PROBE_PORT), String(count)],
    () => {},
  );
  if (code !== 0) throw new Error(`probe sender in ${host.netns} failed (exit ${code})`);
  return received;
}
