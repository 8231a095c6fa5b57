// Each live lab owns one /24: the root namespace gets an address in it, so two labs sharing a
// subnet would route each other's packets. Ownership is a lock file created with O_EXCL,
// holding the lab tag; a lock whose owner process is dead is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LabSubnet, ownerPidOf, parseSubnet, subnetCidr } from "./lab-plan.ts";
import { LAB_SUBNET_LOCK_DIR } from "./lab-sweep.ts";
import { routedPrefixes } from "./net-admin.ts";

/** Labs pick from 10.213.0.0/24 … 10.213.255.0/24 unless told otherwise. */
const DEFAULT_SECOND_OCTETS = "10.213";
const THIRD_OCTETS = 256;

function ownerAlive(tag: string): boolean {
  const pid = ownerPidOf(`kb-${tag}`);
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryLock(subnet: LabSubnet, tag: string): boolean {
  mkdirSync(LAB_SUBNET_LOCK_DIR, { recursive: true });
  const path = join(LAB_SUBNET_LOCK_DIR, subnet.prefix);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${tag}\n`, { flag: "wx" });
      return true;
    } catch {
      let holder = "";
      try {
        holder = readFileSync(path, "utf8").trim();
      } catch {
        continue;
      }
      if (ownerAlive(holder)) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

function routed(subnet: LabSubnet): boolean {
  return routedPrefixes().includes(subnetCidr(subnet));
}

/** Locks the requested subnet, or the first free default one. Throws with the reason on failure. */
export function acquireSubnet(tag: string, requested: string | undefined, ownerPid: number): LabSubnet {
  if (requested !== undefined) {
    const subnet = parseSubnet(requested);
    if (!subnet) throw new Error(`lab subnet must be a private /24 such as 10.213.0.0/24, got ${requested}`);
    if (routed(subnet)) throw new Error(`lab subnet ${requested} is already routed on this machine`);
    if (!tryLock(subnet, tag)) throw new Error(`lab subnet ${requested} is in use by another live lab`);
    return subnet;
  }
  const start = ownerPid % THIRD_OCTETS;
  for (let i = 0; i < THIRD_OCTETS; i++) {
    const subnet = { prefix: `${DEFAULT_SECOND_OCTETS}.${(start + i) % THIRD_OCTETS}` };
    if (!routed(subnet) && tryLock(subnet, tag)) return subnet;
  }
  throw new Error(`no free /24 left in ${DEFAULT_SECOND_OCTETS}.0.0/16 for a lab`);
}
