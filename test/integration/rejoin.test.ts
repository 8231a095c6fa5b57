// Auto-rejoin on real MariaDB with the COMPILED agents. Automatic recovery is paused and each
// failover is driven by hand (ledger set-primary, then src/mysql promote), so only the reconcilers
// act on their own: the old primary, restarted, comes back read-only and rejoins the new primary
// as a replica by itself; an old primary holding a transaction nobody else has stays fenced and
// its agent names the errant GTID, and `keel rejoin` without --force refuses with it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { promote } from "../../src/mysql/actions.ts";
import { openAdminConnection } from "../../src/mysql/admin-connection.ts";
import { TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";
import {
  type AgentSandbox,
  agentLog,
  ensureLedgerPrimary,
  propose,
  raftView,
  readOnlyOf,
  sql,
  startAgentSandbox,
  waitFor,
  waitForQuorum,
} from "./fencing-sandbox.ts";
import { SANDBOX_ADMIN } from "../../src/sandbox/sandbox-types.ts";

let sb: AgentSandbox;
let epoch = 0;

async function promoteByHand(port: number): Promise<void> {
  const c = await openAdminConnection({
    address: { kind: "tcp", host: "127.0.0.1", port },
    ...SANDBOX_ADMIN,
  });
  if (!c.ok) throw new Error(`connect ${port}: ${c.error.message}`);
  try {
    const p = await promote(c.value);
    if (!p.ok) throw new Error(`promote ${port}: ${p.error.message}`);
  } finally {
    c.value.close();
  }
}

/** The failover a recovery would run, by hand: the ledger first, then the server. */
async function failOverTo(id: string): Promise<void> {
  const r = await propose(sb, id, { type: "set-primary", primary: id, expectedEpoch: epoch });
  if (!r.ok) throw new Error(`set-primary ${id}: ${JSON.stringify(r.error)}`);
  epoch += 1;
  await promoteByHand(sb.portOf(id));
}

async function replicatesFrom(port: number, sourcePort: number): Promise<true | null> {
  try {
    const rows = await sql(port, "SHOW SLAVE STATUS");
    const r = rows[0];
    return r !== undefined &&
      Number(r.Master_Port) === sourcePort &&
      r.Slave_IO_Running === "Yes" &&
      r.Slave_SQL_Running === "Yes"
      ? true
      : null;
  } catch {
    return null;
  }
}

async function rowCount(port: number): Promise<number> {
  const rows = await sql(port, "SELECT COUNT(*) AS n FROM keeltest.t");
  return Number(rows[0]?.n ?? -1);
}

async function untilRows(port: number, n: number, timeoutMs = 5_000): Promise<boolean> {
  return (
    (await waitFor(async () => ((await rowCount(port).catch(() => -1)) >= n ? true : null), timeoutMs)) !==
    null
  );
}

beforeAll(async () => {
  sb = await startAgentSandbox(TEST_PORT_BLOCKS.rejoin);
  await waitForQuorum(sb);
  epoch = await ensureLedgerPrimary(sb, "db1");
  const paused = sb.keel(
    "pause",
    "--config",
    sb.configPath("db1"),
    "--reason",
    "rejoin test drives failovers",
  );
  if (paused.exitCode !== 0) throw new Error(`keel pause: ${paused.stderr}`);
  await waitFor(async () => ((await readOnlyOf(sb.portOf("db1"))) === false ? true : null), 5_000);
  await sql(sb.portOf("db1"), "CREATE DATABASE IF NOT EXISTS keeltest");
  await sql(sb.portOf("db1"), "CREATE TABLE IF NOT EXISTS keeltest.t (id INT PRIMARY KEY)");
  await sql(sb.portOf("db1"), "INSERT INTO keeltest.t VALUES (1)");
  for (const id of ["db2", "db3"])
    if (!(await untilRows(sb.portOf(id), 1))) throw new Error(`${id} never replicated`);
}, SANDBOX_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await sb?.down();
}, SANDBOX_HOOK_TIMEOUT_MS);

describe("rejoin after a failover (compiled agents, real MariaDB)", () => {
  test("the old primary restarted after a failover comes back read-only and rejoins as a replica by itself", async () => {
    const [p1, p2, p3] = [sb.portOf("db1"), sb.portOf("db2"), sb.portOf("db3")];
    expect(sb.keel("sandbox", "kill", "--dir", sb.dir, "--port", String(p1)).exitCode).toBe(0);
    await failOverTo("db2");
    expect(await waitFor(async () => ((await readOnlyOf(p2)) === false ? true : null), 5_000)).not.toBeNull();
    // db3 followed db1; its reconciler moves it to db2.
    expect(await waitFor(() => replicatesFrom(p3, p2), 8_000)).not.toBeNull();
    await sql(p2, "INSERT INTO keeltest.t VALUES (2)");
    expect(sb.keel("sandbox", "start", "--dir", sb.dir, "--port", String(p1)).exitCode).toBe(0);
    expect(await readOnlyOf(p1)).toBe(true);
    const rejoined = await waitFor(() => replicatesFrom(p1, p2), 10_000);
    expect(rejoined).not.toBeNull();
    console.log(`old primary rejoined ${Math.round(rejoined?.tookMs ?? -1)} ms after its restart`);
    expect(await readOnlyOf(p1)).toBe(true);
    expect(await untilRows(p1, 2)).toBe(true);
    // The rejoin was the reconciler's own doing, and it is on record.
    const logged = await waitFor(
      async () =>
        /"msg":"reconcile: server changed".*"action":"rejoin"/.test(agentLog(sb, "db1")) ? true : null,
      5_000,
    );
    expect(logged).not.toBeNull();
    const audit = readFileSync(`${sb.dir}/agent-${p1}/data/sandbox/audit.log`, "utf8");
    expect(audit).toMatch(/"kind":"reconcile\.action".*"action":"rejoin".*"outcome":"done"/);
  }, 40_000);

  test("an old primary with an errant transaction stays fenced; the event names the errant GTID", async () => {
    const [p1, p2, p3] = [sb.portOf("db1"), sb.portOf("db2"), sb.portOf("db3")];
    // Only db2 gets the next write: both replicas stop receiving first.
    await sql(p1, "STOP SLAVE IO_THREAD");
    await sql(p3, "STOP SLAVE IO_THREAD");
    await sql(p2, "INSERT INTO keeltest.t VALUES (3)");
    const pos = await sql(p2, "SELECT @@global.gtid_binlog_pos AS pos");
    const errant = String(pos[0]?.pos ?? "");
    expect(errant).toMatch(/^0-\d+-\d+$/);
    expect(sb.keel("sandbox", "kill", "--dir", sb.dir, "--port", String(p2)).exitCode).toBe(0);
    await failOverTo("db1");
    expect(await waitFor(async () => ((await readOnlyOf(p1)) === false ? true : null), 5_000)).not.toBeNull();
    expect(await waitFor(() => replicatesFrom(p3, p1), 8_000)).not.toBeNull();
    expect(sb.keel("sandbox", "start", "--dir", sb.dir, "--port", String(p2)).exitCode).toBe(0);
    const refused = await waitFor(
      async () => (agentLog(sb, "db2").includes("failover.rejoin-refused-errant") ? true : null),
      8_000,
    );
    expect(refused).not.toBeNull();
    const line = agentLog(sb, "db2")
      .split("\n")
      .find((l) => l.includes("failover.rejoin-refused-errant"));
    expect(line).toContain(errant);
    expect(await readOnlyOf(p2)).toBe(true);
    expect(await sql(p2, "SHOW SLAVE STATUS")).toEqual([]);
    // Asked through another agent (forwarded over channel "j"): refused, naming the GTID.
    const asked = sb.keel("rejoin", "--config", sb.configPath("db3"), "-i", `127.0.0.1:${p2}`);
    expect(asked.exitCode).toBe(1);
    expect(asked.stderr).toContain(errant);
    expect(asked.stderr).toContain("(reconcile.rejoin-refused)");
    expect(await sql(p2, "SHOW SLAVE STATUS")).toEqual([]);
    const v = await raftView(sb, "db1");
    expect(v?.ledger.primary).toBe("db1");
  }, 40_000);
});
