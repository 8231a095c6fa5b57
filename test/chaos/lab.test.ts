// The chaos lab on real namespaces and MariaDB: hosts, replication across them, the network
// nemesis (isolation, loss) and a teardown that leaves nothing behind. Needs root (CI has it).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createLab, type Lab, type LabHost } from "./harness/lab.ts";
import { CHAOS_TABLE, LAB_APP, openTcpSession, type Row, withSocket } from "./harness/lab-sql.ts";
import { deliveredInbound, deliveredOutbound } from "./harness/loss-calibration.ts";
import { listLinks, listNetns, processRunning, runCommandSync } from "./harness/net-admin.ts";
import { Nemesis } from "./harness/nemesis.ts";

const HOOK_TIMEOUT_MS = 60_000;
const IO_ERROR_WITHIN_MS = 11_000;
let lab: Lab;
let nemesis: Nemesis;
let rootTablesBefore = "";

beforeAll(async () => {
  rootTablesBefore = runCommandSync("nft", ["list", "tables"]).output;
  lab = await createLab({ hosts: 3 });
  nemesis = new Nemesis(lab);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await lab?.teardown();
}, HOOK_TIMEOUT_MS);

async function appQuery(h: LabHost, sql: string, values?: unknown[]): Promise<Row[]> {
  const s = await openTcpSession(h.address, h.port, LAB_APP, 1_000);
  try {
    return await s.query(sql, values);
  } finally {
    s.close();
  }
}

async function replicaStatus(h: LabHost): Promise<Row> {
  return withSocket(h.server.socket, async (s) => (await s.query("SHOW SLAVE STATUS"))[0] ?? {});
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

const netnsOf = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);

describe("chaos lab, 3 hosts", () => {
  test("refuses to run without root, saying why", () => {
    const bun = process.execPath;
    const r = runCommandSync("setpriv", [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      bun,
      join(import.meta.dir, "harness/preflight.ts"),
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain("keel chaos lab unavailable");
    expect(r.output).toContain("need root");
  });

  test("every host is its own namespace and mariadbd on its own address; replication crosses them", async () => {
    const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
    const namespaces = lab.hosts.map((h) => netnsOf(h.mysqldPid()!));
    expect(new Set([...namespaces, netnsOf(process.pid)]).size).toBe(4);
    for (const h of lab.hosts) {
      const row = (await appQuery(h, "SELECT @@global.bind_address AS bind, @@global.read_only AS ro"))[0]!;
      expect(row.bind).toBe(h.address);
      expect(Number(row.ro)).toBe(h === h1 ? 0 : 1);
    }
    await appQuery(h1, `INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (?, 'h1', 0)`, [1_000_001]);
    for (const r of [h2, h3]) {
      await waitFor(`row on ${r.name}`, 10_000, async () =>
        (await appQuery(r, `SELECT id FROM ${CHAOS_TABLE} WHERE id = 1000001`)).length === 1 ? true : null,
      );
    }
    // The application account really is refused by a read-only replica.
    const refused = await appQuery(
      h2,
      `INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (2, 'h2', 0)`,
    ).catch((e: { errno?: number }) => e.errno);
    expect(refused).toBe(1290);
  }, 30_000);

  test("a process spawned on a host runs inside that host's namespace", async () => {
    const h2 = lab.host("h2");
    const p = h2.spawn(["sleep", "600"], { name: "sleeper" });
    await waitFor("sleeper in namespace", 5_000, async () =>
      netnsOf(p.pid) === netnsOf(h2.mysqldPid()!) ? true : null,
    );
    expect(p.running()).toBe(true);
    expect(h2.processes().map((x) => x.name)).toEqual(["sleeper"]);
  });

  test("isolate(primary): replicas report an IO error within ~10 s; heal() restores replication", async () => {
    const h1 = lab.host("h1");
    const replicas = [lab.host("h2"), lab.host("h3")];
    await nemesis.isolate("h1");
    const startMs = performance.now();
    await expect(appQuery(h1, "SELECT 1")).rejects.toBeDefined();
    // The operator's socket still works: a write lands on the isolated primary only.
    await withSocket(h1.server.socket, (s) =>
      s.query(`INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (1000002, 'h1', 0)`),
    );
    // slave_net_timeout (4 s) without heartbeats stops the IO thread; its reconnect then times
    // out after another 4 s and reports the error: ~8 s, whatever the machine's load.
    for (const r of replicas) {
      const status = await waitFor(`${r.name} IO error`, IO_ERROR_WITHIN_MS, async () => {
        const st = await replicaStatus(r);
        return st.Slave_IO_Running !== "Yes" && Number(st.Last_IO_Errno) !== 0 ? st : null;
      });
      expect(String(status.Last_IO_Error)).not.toBe("");
    }
    const brokenAfterMs = performance.now() - startMs;
    expect(brokenAfterMs).toBeLessThan(IO_ERROR_WITHIN_MS);
    for (const r of replicas)
      expect(
        (
          await withSocket(r.server.socket, (s) =>
            s.query(`SELECT id FROM ${CHAOS_TABLE} WHERE id = 1000002`),
          )
        ).length,
      ).toBe(0);

    await nemesis.heal();
    for (const r of replicas) {
      await waitFor(`${r.name} replicating again`, 15_000, async () => {
        const st = await replicaStatus(r);
        const rows = await appQuery(r, `SELECT id FROM ${CHAOS_TABLE} WHERE id = 1000002`);
        return st.Slave_IO_Running === "Yes" && rows.length === 1 ? true : null;
      });
    }
    expect((await appQuery(h1, "SELECT 1 AS one"))[0]!.one).toBe(1);
  }, 45_000);

  test("loss(h2, 30) drops about 30% of packets each way; a healthy host drops none", async () => {
    const n = 3_000;
    // Paced at 4,000/s, a healthy path loses nothing; the 2% slack absorbs a stalled receiver.
    const healthy = await deliveredInbound(lab, lab.host("h3"), n);
    expect(healthy).toBeGreaterThanOrEqual(n * 0.98);
    await nemesis.loss("h2", 30);
    try {
      const inbound = await deliveredInbound(lab, lab.host("h2"), n);
      const outbound = await deliveredOutbound(lab, lab.host("h2"), n);
      // 5 sigma of a binomial(3000, 0.3) share is 0.042.
      for (const delivered of [inbound, outbound]) {
        const dropped = 1 - delivered / n;
        expect(dropped).toBeGreaterThan(0.25);
        expect(dropped).toBeLessThan(0.35);
      }
    } finally {
      await nemesis.heal();
    }
    expect(await deliveredInbound(lab, lab.host("h2"), n)).toBeGreaterThanOrEqual(n * 0.98);
  }, 30_000);

  test("delay(h1, 150): every round trip into h1's mysqld from elsewhere takes 300 ms more, replication included; undelay ends it", async () => {
    const h1 = lab.host("h1");
    const rtt = async (): Promise<number> => {
      const s = await openTcpSession(h1.address, h1.port, LAB_APP, 5_000);
      try {
        await s.query("SELECT 1");
        const startMs = performance.now();
        await s.query("SELECT 1");
        return performance.now() - startMs;
      } finally {
        s.close();
      }
    };
    expect(await rtt()).toBeLessThan(100);
    await nemesis.delay("h1", 150);
    try {
      expect(await rtt()).toBeGreaterThanOrEqual(300);
      // The replicas' dump connections were dropped; they come back through the proxy and go on.
      await withSocket(h1.server.socket, (s) =>
        s.query(`INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (1000003, 'h1', 0)`),
      );
      for (const r of [lab.host("h2"), lab.host("h3")])
        await waitFor(`${r.name} replicating through the delay`, 15_000, async () => {
          const st = await replicaStatus(r);
          const rows = await withSocket(r.server.socket, (s) =>
            s.query(`SELECT id FROM ${CHAOS_TABLE} WHERE id = 1000003`),
          );
          return st.Slave_IO_Running === "Yes" && rows.length === 1 ? true : null;
        });
    } finally {
      await nemesis.undelay("h1");
    }
    expect(await rtt()).toBeLessThan(100);
    expect(lab.faults().redirect ?? {}).toEqual({});
  }, 45_000);

  test("teardown leaves no namespace, link, nft table, process or directory", async () => {
    const tag = lab.plan.tag;
    const pids = [
      ...lab.hosts.map((h) => h.mysqldPid()!),
      ...lab.hosts.flatMap((h) => h.processes().map((p) => p.pid)),
    ];
    // 3 mysqld, the spawn test's process and the delay test's proxy (exited already).
    expect(pids.length).toBe(5);
    nemesis.pause("h3");
    await lab.teardown();
    expect(listNetns().filter((n) => n.includes(tag))).toEqual([]);
    expect(listLinks().filter((n) => n.includes(tag))).toEqual([]);
    expect(runCommandSync("nft", ["list", "tables"]).output).toBe(rootTablesBefore);
    const alive = pids.filter(processRunning);
    expect(alive).toEqual([]);
    expect(runCommandSync("pgrep", ["-f", lab.dir]).output).toBe("");
    expect(existsSync(lab.dir)).toBe(false);
  }, 30_000);
});
