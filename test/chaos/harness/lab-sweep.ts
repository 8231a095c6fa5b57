// Synchronous teardown of labs: for exit/signal handlers (where async code never runs) and for
// sweeping labs left behind by a run that was killed before it could clean up.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAB_BRIDGE_PREFIX, LAB_NETNS_PREFIX, LAB_VETH_PREFIX, ownerPidOf, tagOf } from "./lab-plan.ts";
import { listLinks, listNetns, netnsPids, processRunning, runCommandSync } from "./net-admin.ts";

export const LAB_DIR_PREFIX = "keel-lab-";
export const LAB_SUBNET_LOCK_DIR = join(tmpdir(), "keel-lab-subnets");

const KILL_WAIT_MS = 3_000;
const POLL_MS = 20;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function labDirOf(tag: string): string {
  return join(tmpdir(), `${LAB_DIR_PREFIX}${tag}`);
}

/** SIGKILLs everything in the namespaces (a stopped process dies too), then deletes them. */
function removeNetnsSync(names: readonly string[]): void {
  const victims = names.flatMap((ns) => netnsPids(ns));
  for (const pid of victims) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  const deadline = performance.now() + KILL_WAIT_MS;
  while (victims.some(processRunning) && performance.now() < deadline) sleepSync(POLL_MS);
  for (const ns of names) runCommandSync("ip", ["netns", "del", ns]);
}

/** Removes every namespace, link, subnet lock and directory of one lab. Never throws. */
export function teardownLabSync(tag: string): void {
  const netns = listNetns().filter((n) => tagOf(n) === tag && n.startsWith(LAB_NETNS_PREFIX));
  removeNetnsSync(netns);
  // Deleting a namespace destroys its veth ends; the root ends and the bridge go explicitly.
  for (const link of listLinks())
    if (tagOf(link) === tag && (link.startsWith(LAB_VETH_PREFIX) || link.startsWith(LAB_BRIDGE_PREFIX)))
      runCommandSync("ip", ["link", "del", link]);
  releaseSubnetLocks(tag);
  rmSync(labDirOf(tag), { recursive: true, force: true });
}

export function releaseSubnetLocks(tag: string): void {
  let names: string[];
  try {
    names = readdirSync(LAB_SUBNET_LOCK_DIR);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(LAB_SUBNET_LOCK_DIR, name);
    try {
      if (readFileSync(path, "utf8").trim() === tag) rmSync(path, { force: true });
    } catch {
      // Raced with another sweeper; the lock is gone either way.
    }
  }
}

/** Tears down every lab whose owning process is dead; returns the tags it removed. */
export function sweepStaleLabs(): string[] {
  const stale = new Set<string>();
  const consider = (name: string) => {
    const pid = ownerPidOf(name);
    const tag = tagOf(name);
    if (pid !== null && tag !== null && !ownerAlive(pid)) stale.add(tag);
  };
  for (const ns of listNetns()) if (ns.startsWith(LAB_NETNS_PREFIX)) consider(ns);
  for (const link of listLinks())
    if (link.startsWith(LAB_BRIDGE_PREFIX) || link.startsWith(LAB_VETH_PREFIX)) consider(link);
  try {
    for (const name of readdirSync(tmpdir()))
      if (name.startsWith(LAB_DIR_PREFIX) && name !== "keel-lab-subnets")
        consider(`${LAB_NETNS_PREFIX}${name.slice(LAB_DIR_PREFIX.length)}`);
  } catch {
    // No tmpdir listing: namespaces and links were still swept.
  }
  for (const tag of stale) teardownLabSync(tag);
  return [...stale];
}
