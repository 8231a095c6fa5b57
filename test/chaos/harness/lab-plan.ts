// Pure planning of a chaos lab: names of namespaces and links, addresses in the lab's subnet.
// Every name embeds the owning process id, so a later run can tell a stale lab (owner dead)
// from a parallel live one, and two labs never share a name.

/** Namespaces are `keel-lab-<pid36>-<seq36>-h<i>`; links `kb-…` (bridge) and `kv-…-<i>` (veth). */
export const LAB_NETNS_PREFIX = "keel-lab-";
export const LAB_BRIDGE_PREFIX = "kb-";
export const LAB_VETH_PREFIX = "kv-";
/** Linux interface names hold at most 15 characters. */
export const IFNAME_CHARS_MAX = 15;
/** First host address in the subnet: host i (1-based) is .(10+i); .1 is the root namespace. */
const HOST_OCTET_BASE = 10;
export const LAB_HOSTS_MAX = 9;
export const LAB_MYSQL_PORT = 3306;

export interface LabSubnet {
  /** The first three octets, e.g. "10.213.0". Labs are always /24. */
  prefix: string;
}

export interface HostPlan {
  /** 1-based, stable for the lab's life. */
  index: number;
  name: string;
  netns: string;
  /** The root-namespace end of the host's veth pair; the namespace end is called eth0. */
  veth: string;
  address: string;
  serverId: number;
}

export interface LabPlan {
  tag: string;
  ownerPid: number;
  subnet: LabSubnet;
  bridge: string;
  /** The root namespace's address on the bridge: where the test client's packets come from. */
  rootAddress: string;
  hosts: HostPlan[];
}

export function labTag(ownerPid: number, seq: number): string {
  return `${ownerPid.toString(36)}-${seq.toString(36)}`;
}

const PRIVATE_24 = /^(10\.\d{1,3}\.\d{1,3}|172\.(1[6-9]|2\d|3[01])\.\d{1,3}|192\.168\.\d{1,3})\.0\/24$/;

/** Only a private /24 is accepted: the lab must never route anything outside the machine. */
export function parseSubnet(cidr: string): LabSubnet | null {
  if (!PRIVATE_24.test(cidr)) return null;
  const octets = cidr.split("/")[0]!.split(".").map(Number);
  if (octets.some((o) => o > 255)) return null;
  return { prefix: octets.slice(0, 3).join(".") };
}

export function subnetCidr(s: LabSubnet): string {
  return `${s.prefix}.0/24`;
}

export function planLab(ownerPid: number, seq: number, subnet: LabSubnet, hostCount: number): LabPlan {
  if (!Number.isInteger(hostCount) || hostCount < 1 || hostCount > LAB_HOSTS_MAX)
    throw new RangeError(`a lab has 1..${LAB_HOSTS_MAX} hosts, got ${hostCount}`);
  const tag = labTag(ownerPid, seq);
  const hosts: HostPlan[] = [];
  for (let i = 1; i <= hostCount; i++) {
    hosts.push({
      index: i,
      name: `h${i}`,
      netns: `${LAB_NETNS_PREFIX}${tag}-h${i}`,
      veth: `${LAB_VETH_PREFIX}${tag}-${i}`,
      address: `${subnet.prefix}.${HOST_OCTET_BASE + i}`,
      serverId: i,
    });
  }
  const plan: LabPlan = {
    tag,
    ownerPid,
    subnet,
    bridge: `${LAB_BRIDGE_PREFIX}${tag}`,
    rootAddress: `${subnet.prefix}.1`,
    hosts,
  };
  for (const name of [plan.bridge, ...hosts.map((h) => h.veth)])
    if (name.length > IFNAME_CHARS_MAX) throw new RangeError(`interface name too long: ${name}`);
  return plan;
}

/** The owner pid encoded in any lab object name (namespace, bridge, veth), or null if not a lab's. */
export function ownerPidOf(name: string): number | null {
  const m = /^(?:keel-lab-|kb-|kv-)([0-9a-z]+)-[0-9a-z]+(?:-h?\d+)?$/.exec(name);
  if (!m) return null;
  const pid = Number.parseInt(m[1]!, 36);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** The lab tag in a lab object name, so a sweep can group a stale lab's pieces. */
export function tagOf(name: string): string | null {
  const m = /^(?:keel-lab-|kb-|kv-)([0-9a-z]+-[0-9a-z]+)(?:-h?\d+)?$/.exec(name);
  return m ? m[1]! : null;
}

/** MySQL account host pattern covering exactly the lab subnet. */
export function accountHostPattern(s: LabSubnet): string {
  return `${s.prefix}.%`;
}
