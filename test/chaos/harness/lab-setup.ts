// Building a lab, in order: sweep stale labs, lock a subnet, make the bridge and one namespace
// per host, lay down and start each mariadbd bound to its host's address, create the lab's
// accounts outside the binlog, then wire GTID replication with keel's own actions (src/mysql).
import { mkdirSync } from "node:fs";
import { repoint, waitCaughtUp, executedGtid, makeWritable } from "../../../src/mysql/actions.ts";
import { copyTemplate, ensureTemplate } from "../../../src/sandbox/datadir-template.ts";
import { accountHostPattern, type LabPlan, LAB_MYSQL_PORT, planLab } from "./lab-plan.ts";
import { serverFilesOf, type ServerFiles, startServerInNetns, writeLabMyCnf } from "./lab-server.ts";
import { CHAOS_TABLE_SQL, LAB_REPL, labUsersSql, openSocketAdmin, withSocket } from "./lab-sql.ts";
import { labDirOf, sweepStaleLabs } from "./lab-sweep.ts";
import { inNetns, mustRun } from "./net-admin.ts";
import { type NetFaults, renderHostRules } from "./nft-rules.ts";
import { acquireSubnet } from "./subnet-lock.ts";

export interface SetupInput {
  tag: string;
  seq: number;
  hostCount: number;
  subnet: string | undefined;
  mariadbd: string;
  /** Semi-sync fallback timeout; undefined = asynchronous. */
  semiSync: number | undefined;
}

export interface LabSetup {
  plan: LabPlan;
  dir: string;
  hostDirs: Map<string, string>;
  servers: Map<string, ServerFiles>;
  loadFaults(faults: NetFaults): Promise<void>;
}

const CATCH_UP_TIMEOUT_MS = 20_000;

async function buildNetwork(plan: LabPlan): Promise<void> {
  await mustRun("ip", ["link", "add", plan.bridge, "type", "bridge"]);
  await mustRun("ip", ["addr", "add", `${plan.rootAddress}/24`, "dev", plan.bridge]);
  await mustRun("ip", ["link", "set", plan.bridge, "up"]);
  for (const h of plan.hosts) {
    await mustRun("ip", ["netns", "add", h.netns]);
    await mustRun("ip", ["link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.netns]);
    await mustRun("ip", ["link", "set", h.veth, "master", plan.bridge, "up"]);
    await mustRun("ip", ["-n", h.netns, "addr", "add", `${h.address}/24`, "dev", "eth0"]);
    await mustRun("ip", ["-n", h.netns, "link", "set", "eth0", "up"]);
    await mustRun("ip", ["-n", h.netns, "link", "set", "lo", "up"]);
  }
}

function faultLoader(plan: LabPlan): (faults: NetFaults) => Promise<void> {
  const ruleHosts = plan.hosts.map((h) => ({ name: h.name, address: h.address }));
  return async (faults) => {
    await Promise.all(
      plan.hosts.map((h) =>
        mustRun(
          "ip",
          inNetns(h.netns, ["nft", "-f", "-"]),
          renderHostRules(faults, h.name, ruleHosts, plan.rootAddress),
        ),
      ),
    );
  };
}

async function startServers(
  plan: LabPlan,
  dir: string,
  input: SetupInput,
): Promise<Map<string, ServerFiles>> {
  const template = await ensureTemplate(input.mariadbd);
  if (!template.ok)
    throw new Error(`datadir template: ${template.error.code} ${JSON.stringify(template.error)}`);
  const servers = new Map<string, ServerFiles>();
  const semiSync = input.semiSync === undefined ? null : { timeoutMs: input.semiSync };
  for (const h of plan.hosts) {
    const files = serverFilesOf(`${dir}/${h.name}`, h, h.index === 1);
    const copied = copyTemplate(template.value, files.datadir);
    if (!copied.ok) throw new Error(`copy datadir for ${h.name}: ${JSON.stringify(copied.error)}`);
    writeLabMyCnf(files, h.address, semiSync);
    servers.set(h.name, files);
  }
  await Promise.all(plan.hosts.map((h) => startServerInNetns(input.mariadbd, servers.get(h.name)!, h.netns)));
  const users = labUsersSql(accountHostPattern(plan.subnet));
  await Promise.all([...servers.values()].map((f) => withSocket(f.socket, (s) => s.query(users))));
  return servers;
}

function check<T>(
  r: { ok: true; value: T } | { ok: false; error: { errorCode: string; message: string } },
  what: string,
): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.errorCode} ${r.error.message}`);
  return r.value;
}

/** h1 becomes the writable primary, everyone else replicates from it over the lab network. */
async function wireReplication(plan: LabPlan, servers: Map<string, ServerFiles>): Promise<void> {
  const primary = plan.hosts[0]!;
  const source = { host: primary.address, port: LAB_MYSQL_PORT };
  await Promise.all(
    plan.hosts.slice(1).map(async (h) => {
      const c = await openSocketAdmin(servers.get(h.name)!.socket);
      try {
        check(await repoint(c, source, LAB_REPL), `replicate ${h.name} from ${primary.name}`);
      } finally {
        c.close();
      }
    }),
  );
  const pc = await openSocketAdmin(servers.get(primary.name)!.socket);
  let gtid: string;
  try {
    check(await makeWritable(pc), `make ${primary.name} writable`);
    await withSocket(servers.get(primary.name)!.socket, (s) => s.query(CHAOS_TABLE_SQL));
    gtid = check(await executedGtid(pc), `read ${primary.name} GTID`);
  } finally {
    pc.close();
  }
  await Promise.all(
    plan.hosts.slice(1).map(async (h) => {
      const c = await openSocketAdmin(servers.get(h.name)!.socket);
      try {
        check(await waitCaughtUp(c, gtid, CATCH_UP_TIMEOUT_MS), `${h.name} catching up to ${gtid}`);
      } finally {
        c.close();
      }
    }),
  );
}

export async function setUpLab(input: SetupInput): Promise<LabSetup> {
  sweepStaleLabs();
  const subnet = acquireSubnet(input.tag, input.subnet, process.pid);
  const plan = planLab(process.pid, input.seq, subnet, input.hostCount);
  const dir = labDirOf(plan.tag);
  const hostDirs = new Map(plan.hosts.map((h) => [h.name, `${dir}/${h.name}`]));
  for (const d of hostDirs.values()) mkdirSync(d, { recursive: true });
  await buildNetwork(plan);
  const loadFaults = faultLoader(plan);
  await loadFaults({ isolated: [], partition: null, lossPercent: {} });
  const servers = await startServers(plan, dir, input);
  await wireReplication(plan, servers);
  return { plan, dir, hostDirs, servers, loadFaults };
}
