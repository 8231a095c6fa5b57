// Fixed ports for the tests that bind real sockets: MariaDB sandboxes, agents' gossip (UDP) and
// HTTP, blockers.
//
// Why below 32768: Linux hands out client ports implicitly from ip_local_port_range
// (32768–60999 by default, /proc/sys/net/ipv4/ip_local_port_range). A server port inside that
// range can be held for a moment by any outgoing connection on the machine, and the bind then
// fails with EADDRINUSE (one sandbox start did, on 33270). Below the range nothing is handed out
// implicitly, so the only collisions left are between test files themselves, run at the same
// time by several people on one shared machine. Hence: each file owns one block and binds
// nothing outside it (port 0 — a kernel-chosen port — is always fine and needs no block).
//
// Inside a block (portIn / agentPortsIn): MariaDB instance i at first+i (at most 10 instances),
// its agent's gossip port at first+10+i and HTTP port at first+20+i — i.e. sandbox offsets
// `--gossip-port-offset 10 --http-port-offset 20` (AGENT_OFFSET_ARGS) — and anything else (a
// second sandbox, a blocker) from first+30 on; a file that runs no agents may use +10…+29 too.
//
// Allocation (ports.test.ts checks the blocks are disjoint and below the ephemeral range):
//   20000–20199  failover-hung, failover-override tests (offsets 10/20)
//   20200–20399  failover-five, failover-host-gone tests (offsets 10/20)
//   20400–20499  console-actions e2e (offsets 10/20)
//   20500–20999  free: a new test file takes the next unused 100-port block here
//   21000–21999  agent/raft/fencing tests with agents, 100 ports each (TEST_PORT_BLOCKS)
//   22000–22399  reserved for files still being written: recovery*, demo e2e, demo integration,
//                chaos (labs run in network namespaces on 3306, so chaos needs none today)
//   23300–23399  `keel sandbox up` defaults (23306…; scripts/demo.sh): a developer's sandbox
//   24000–24299  sandbox tests
//   24300–24399  default gossip ports of that sandbox (+1000)
//   25000–25099  probe test
//   25300–25399  default HTTP ports of that sandbox (+2000)
//   25900–25999  fixture recorder and bench/probe.ts
//   27000–27099  actions test
//   28100–28399  bench/agent.ts (28130–28333)
//   32000–32499  failover*/switchover* tests (offsets 10/20) and bench/failover.ts
// Everything else up to 32767 is unallocated.

export interface PortBlock {
  /** Who binds here: a path (glob) relative to the repo root, or what the block keeps clear. */
  readonly owner: string;
  readonly first: number;
  readonly last: number;
}

/** Sandbox agent offsets that keep a block's agents inside it (see the layout above). */
export const AGENT_GOSSIP_OFFSET = 10;
export const AGENT_HTTP_OFFSET = 20;
/** Instances per sandbox that the in-block layout has room for. */
export const BLOCK_INSTANCES_MAX = 10;

function block(owner: string, first: number, last = first + 99): PortBlock {
  return { owner, first, last };
}

export const TEST_PORT_BLOCKS = {
  agent: block("test/integration/agent.test.ts", 21000),
  agentCompiled: block("test/integration/agent-compiled.test.ts", 21100),
  raft: block("test/integration/raft.test.ts", 21200),
  raftProcesses: block("test/integration/raft-processes.test.ts", 21300),
  topology: block("test/integration/topology.test.ts", 21400),
  sandboxAgents: block("test/integration/sandbox-agents.test.ts", 21500),
  fencing: block("test/integration/fencing.test.ts", 21600),
  rejoin: block("test/integration/rejoin.test.ts", 21700),
  downtime: block("test/integration/downtime.test.ts", 21800),
  console: block("test/e2e/console.test.ts", 21900),
  sandbox: block("test/integration/sandbox.test.ts", 24000),
  sandboxCli: block("test/integration/sandbox-cli.test.ts", 24100),
  sandboxTeardown: block("test/integration/sandbox-teardown.test.ts", 24200),
  probe: block("test/integration/probe.test.ts", 25000),
  actions: block("test/integration/actions.test.ts", 27000),
  failoverHung: block("test/integration/failover-hung.test.ts", 20000),
  failoverOverride: block("test/integration/failover-override.test.ts", 20100),
  failoverFive: block("test/integration/failover-five.test.ts", 20200),
  failoverHostGone: block("test/integration/failover-host-gone.test.ts", 20300),
  consoleActions: block("test/e2e/console-actions.test.ts", 20400),
  compiledProbe: block("test/e2e/compiled-probe.test.ts", 20900),
} as const satisfies Record<string, PortBlock>;

/** Blocks kept clear for files this registry doesn't drive (yet), and for a developer's sandbox. */
export const RESERVED_PORT_BLOCKS: readonly PortBlock[] = [
  block("test/integration/recovery*.test.ts", 22000),
  block("test/e2e/demo*.test.ts", 22100),
  block("test/integration/demo*.test.ts", 22200),
  block("test/chaos/**", 22300),
  block("keel sandbox up defaults: MariaDB 23306…", 23300),
  block("keel sandbox up defaults: gossip 24306… (+1000)", 24300),
  block("keel sandbox up defaults: HTTP 25306… (+2000)", 25300),
  block("test/fixtures/mysql/record-mariadb.ts", 25900, 25949),
  block("bench/probe.ts", 25950, 25999),
  block("bench/agent.ts", 28100, 28399),
  block("test/integration/failover*.test.ts, test/integration/switchover*.test.ts", 32000, 32399),
  block("bench/failover.ts", 32400, 32499),
];

/** Linux's default lower bound of ip_local_port_range: every block must end below it. */
export const EPHEMERAL_PORT_FIRST_DEFAULT = 32768;

/** The port n places into the block; throws rather than hand out a port another file owns. */
export function portIn(b: PortBlock, n: number): number {
  const port = b.first + n;
  if (!Number.isInteger(n) || n < 0 || port > b.last)
    throw new Error(`port ${b.first}+${n} lies outside ${b.owner}'s block ${b.first}–${b.last}`);
  return port;
}

export interface AgentPorts {
  /** The sandbox's --base-port: instance 0's port, the block's first. */
  mysqlBase: number;
  /** MariaDB instance i. */
  mysql: number[];
  /** Instance i's agent's gossip (UDP) port. */
  gossip: number[];
  /** Instance i's agent's HTTP port. */
  http: number[];
}

/** The in-block layout for `instances` servers with an agent each. */
export function agentPortsIn(b: PortBlock, instances: number): AgentPorts {
  if (instances > BLOCK_INSTANCES_MAX)
    throw new Error(`${instances} instances don't fit the block layout (at most ${BLOCK_INSTANCES_MAX})`);
  const ids = Array.from({ length: instances }, (_, i) => i);
  return {
    mysqlBase: portIn(b, 0),
    mysql: ids.map((i) => portIn(b, i)),
    gossip: ids.map((i) => portIn(b, AGENT_GOSSIP_OFFSET + i)),
    http: ids.map((i) => portIn(b, AGENT_HTTP_OFFSET + i)),
  };
}

/** `keel sandbox up` arguments that put the agents' ports inside the block. */
export const AGENT_OFFSET_ARGS: readonly string[] = [
  "--gossip-port-offset",
  String(AGENT_GOSSIP_OFFSET),
  "--http-port-offset",
  String(AGENT_HTTP_OFFSET),
];
