// Pure: the lab's network faults as data, and the nft script that makes one host's namespace
// obey them. Every change re-renders the whole table and loads it in one `nft -f` transaction,
// so a host never sits between two half-applied fault states. Rules live inside the host's
// namespace only: deleting the namespace deletes them, and nothing touches the root namespace.

export const NFT_TABLE = "keel_chaos";

export interface Partition {
  /** Hosts (by name) in each side; a host in no group is cut off from every other host. */
  groups: string[][];
  /** Which group the test client (root namespace) belongs to; null = it reaches every host. */
  clientGroup: number | null;
}

export interface NetFaults {
  isolated: readonly string[];
  partition: Partition | null;
  /** Percent (0..100) of packets dropped in each direction at the host. */
  lossPercent: Readonly<Record<string, number>>;
  /**
   * New TCP connections to the host's `port` from other hosts go to its local port `to` instead,
   * where a delay proxy listens (delay-proxy.ts). Absent: none.
   */
  redirect?: Readonly<Record<string, { port: number; to: number }>>;
}

export const NO_FAULTS: NetFaults = { isolated: [], partition: null, lossPercent: {} };

function redirectChain(faults: NetFaults, self: string): string[] {
  const r = faults.redirect?.[self];
  if (r === undefined) return [];
  return [
    "  chain prerouting {",
    "    type nat hook prerouting priority dstnat; policy accept;",
    `    tcp dport ${r.port} redirect to :${r.to}`,
    "  }",
  ];
}

export interface RuleHost {
  name: string;
  address: string;
}

function groupOf(p: Partition, host: string): number {
  return p.groups.findIndex((g) => g.includes(host));
}

/** Addresses this host may not exchange packets with under the partition. */
export function blockedPeers(
  faults: NetFaults,
  self: string,
  hosts: readonly RuleHost[],
  clientAddress: string,
): string[] {
  const p = faults.partition;
  if (!p) return [];
  const mine = groupOf(p, self);
  const out: string[] = [];
  for (const h of hosts) {
    if (h.name === self) continue;
    if (mine < 0 || groupOf(p, h.name) !== mine) out.push(h.address);
  }
  if (p.clientGroup !== null && p.clientGroup !== mine) out.push(clientAddress);
  return out;
}

function directionRules(
  faults: NetFaults,
  self: string,
  blocked: readonly string[],
  dir: "saddr" | "daddr",
): string[] {
  if (faults.isolated.includes(self)) return ["drop"];
  const rules: string[] = [];
  if (blocked.length > 0) rules.push(`ip ${dir} { ${blocked.join(", ")} } drop`);
  const loss = Math.round(faults.lossPercent[self] ?? 0);
  if (loss > 0) rules.push(`numgen random mod 100 < ${Math.min(loss, 100)} drop`);
  return rules;
}

/** The complete nft script for one host; loading it replaces whatever the table held before. */
export function renderHostRules(
  faults: NetFaults,
  self: string,
  hosts: readonly RuleHost[],
  clientAddress: string,
): string {
  const blocked = blockedPeers(faults, self, hosts, clientAddress);
  const chain = (name: string, hook: string, lo: string, rules: string[]) => [
    `  chain ${name} {`,
    `    type filter hook ${hook} priority 0; policy accept;`,
    `    ${lo} "lo" accept`,
    ...rules.map((r) => `    ${r}`),
    "  }",
  ];
  return [
    // add+delete makes the load idempotent whether or not the table exists yet.
    `add table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    ...chain("input", "input", "iifname", directionRules(faults, self, blocked, "saddr")),
    ...chain("output", "output", "oifname", directionRules(faults, self, blocked, "daddr")),
    ...redirectChain(faults, self),
    "}",
    "",
  ].join("\n");
}

/** Checks a fault state against the lab's hosts; every problem at once. */
export function faultProblems(faults: NetFaults, hostNames: readonly string[]): string[] {
  const known = new Set(hostNames);
  const problems: string[] = [];
  for (const h of faults.isolated) if (!known.has(h)) problems.push(`isolate: unknown host ${h}`);
  for (const [h, p] of Object.entries(faults.lossPercent)) {
    if (!known.has(h)) problems.push(`loss: unknown host ${h}`);
    if (!(p >= 0 && p <= 100)) problems.push(`loss: ${h} percent must be 0..100, got ${p}`);
  }
  const port = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65_535;
  for (const [h, r] of Object.entries(faults.redirect ?? {})) {
    if (!known.has(h)) problems.push(`redirect: unknown host ${h}`);
    if (!port(r.port) || !port(r.to) || r.port === r.to)
      problems.push(`redirect: ${h} needs two different ports 1..65535, got ${r.port} -> ${r.to}`);
  }
  const p = faults.partition;
  if (p) {
    const seen = new Set<string>();
    for (const h of p.groups.flat()) {
      if (!known.has(h)) problems.push(`partition: unknown host ${h}`);
      if (seen.has(h)) problems.push(`partition: ${h} is in two groups`);
      seen.add(h);
    }
    if (p.clientGroup !== null && !(p.clientGroup >= 0 && p.clientGroup < p.groups.length))
      problems.push(`partition: client group ${p.clientGroup} does not exist`);
  }
  return problems;
}
