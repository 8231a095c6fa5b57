// A chaos lab: N hosts, each a network namespace on one bridge with its own address and its own
// mariadbd, wired like the sandbox (GTID replication from h1, read_only everywhere but the
// primary). Everything it creates is removed by teardown(), by process exit/SIGINT/SIGTERM, or,
// after a hard kill, by the stale sweep the next lab runs first.
import { DEFAULT_MARIADBD } from "../../../src/sandbox/sandbox-types.ts";
import { type HostPlan, LAB_MYSQL_PORT, type LabPlan, labTag, subnetCidr } from "./lab-plan.ts";
import { type LabProcess, type SpawnOptions, spawnInNetns } from "./lab-process.ts";
import { type ServerFiles, serverPid, startServerInNetns } from "./lab-server.ts";
import { teardownLabSync } from "./lab-sweep.ts";
import { type LabSetup, setUpLab } from "./lab-setup.ts";
import { labUnavailableReason } from "./net-admin.ts";
import { NO_FAULTS, type NetFaults } from "./nft-rules.ts";

export interface LabOptions {
  hosts: number;
  /** A private /24 such as "10.213.7.0/24"; default: the first free one in 10.213.0.0/16. */
  subnet?: string;
  /** Lossless semi-sync with this fallback timeout; absent = asynchronous replication. */
  semiSyncTimeoutMs?: number;
  mariadbd?: string;
}

export interface LabHost {
  readonly name: string;
  readonly index: number;
  readonly netns: string;
  readonly address: string;
  readonly port: number;
  readonly serverId: number;
  readonly dir: string;
  readonly server: ServerFiles;
  mysqldPid(): number | null;
  /** Starts mariadbd again (after a kill) and waits until it answers; no-op when it runs. */
  startMysqld(): Promise<void>;
  spawn(argv: readonly string[], o?: SpawnOptions): LabProcess;
  processes(): readonly LabProcess[];
}

export interface Lab {
  readonly plan: LabPlan;
  readonly dir: string;
  readonly hosts: readonly LabHost[];
  readonly rootAddress: string;
  readonly subnetCidr: string;
  readonly semiSync: boolean;
  /** h1 at creation; who is primary later is for the checkers to find out. */
  readonly initialPrimary: string;
  host(name: string): LabHost;
  faults(): NetFaults;
  /** Replaces the whole network fault state on every host (see nft-rules.ts). */
  applyFaults(faults: NetFaults): Promise<void>;
  teardown(): Promise<void>;
}

const liveTags = new Set<string>();
let hooksInstalled = false;
let seq = 0;

function teardownAllSync(): void {
  for (const tag of liveTags) teardownLabSync(tag);
  liveTags.clear();
}

function installProcessHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", teardownAllSync);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      teardownAllSync();
      process.exit(code);
    });
  }
}

/** Throws the reason when this machine can't run labs; tests turn it into a clear failure. */
export function assertLabsAvailable(): void {
  const reason = labUnavailableReason();
  if (reason) throw new Error(`keel chaos lab unavailable: ${reason}`);
}

function makeHost(plan: HostPlan, setup: LabSetup, mariadbd: string): LabHost {
  const spawned: LabProcess[] = [];
  const files = setup.servers.get(plan.name)!;
  const dir = setup.hostDirs.get(plan.name)!;
  return {
    name: plan.name,
    index: plan.index,
    netns: plan.netns,
    address: plan.address,
    port: LAB_MYSQL_PORT,
    serverId: plan.serverId,
    dir,
    server: files,
    mysqldPid: () => serverPid(files),
    async startMysqld() {
      await startServerInNetns(mariadbd, files, plan.netns);
    },
    spawn(argv, o) {
      const n = spawned.length + 1;
      const p = spawnInNetns(plan.netns, argv, `${dir}/${o?.name ?? "process"}-${n}.log`, o);
      spawned.push(p);
      return p;
    },
    processes: () => spawned,
  };
}

export async function createLab(o: LabOptions): Promise<Lab> {
  assertLabsAvailable();
  installProcessHooks();
  const mariadbd = o.mariadbd ?? DEFAULT_MARIADBD;
  seq += 1;
  const tag = labTag(process.pid, seq);
  liveTags.add(tag);
  let setup: LabSetup;
  try {
    setup = await setUpLab({
      tag,
      seq,
      hostCount: o.hosts,
      subnet: o.subnet,
      mariadbd,
      semiSync: o.semiSyncTimeoutMs,
    });
  } catch (e) {
    teardownLabSync(tag);
    liveTags.delete(tag);
    throw e;
  }
  const plan = setup.plan;
  const hosts = plan.hosts.map((h) => makeHost(h, setup, mariadbd));
  let current: NetFaults = NO_FAULTS;
  return {
    plan,
    dir: setup.dir,
    hosts,
    rootAddress: plan.rootAddress,
    subnetCidr: subnetCidr(plan.subnet),
    semiSync: o.semiSyncTimeoutMs !== undefined,
    initialPrimary: hosts[0]!.name,
    host(name) {
      const h = hosts.find((x) => x.name === name);
      if (!h)
        throw new Error(`no host ${name} in lab ${tag} (hosts: ${hosts.map((x) => x.name).join(", ")})`);
      return h;
    },
    faults: () => current,
    async applyFaults(faults) {
      await setup.loadFaults(faults);
      current = faults;
    },
    async teardown() {
      if (!liveTags.delete(tag)) return;
      teardownLabSync(tag);
    },
  };
}
