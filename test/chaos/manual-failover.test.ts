// A failover done by hand with keel's own MySQL actions, under a real partition, judged by the
// chaos checkers — including the case where the checker must fail: the old primary, never
// fenced, becomes reachable again while still writable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  demoteToReplica,
  executedGtid,
  makeWritable,
  promote,
  repoint,
  waitCaughtUp,
} from "../../src/mysql/actions.ts";
import type { AdminConnection } from "../../src/mysql/admin-connection.ts";
import { checkConvergence, checkOldPrimaries } from "./harness/checkers/final-state.ts";
import { findSplitBrain, primariesSeen, type Sample, writableHosts } from "./harness/checkers/split-brain.ts";
import { waitSettled } from "./harness/final-read.ts";
import { createLab, type Lab } from "./harness/lab.ts";
import { CHAOS_TABLE, LAB_APP, LAB_REPL, openSocketAdmin, openTcpSession } from "./harness/lab-sql.ts";
import { Nemesis } from "./harness/nemesis.ts";
import { Sampler } from "./harness/sampler.ts";

const HOOK_TIMEOUT_MS = 60_000;
let lab: Lab;
let nemesis: Nemesis;
let sampler: Sampler;

beforeAll(async () => {
  lab = await createLab({ hosts: 3 });
  nemesis = new Nemesis(lab);
  sampler = new Sampler(lab.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port })));
  sampler.start();
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await sampler?.stop();
  await lab?.teardown();
}, HOOK_TIMEOUT_MS);

async function withAdmin<T>(host: string, fn: (c: AdminConnection) => Promise<T>): Promise<T> {
  const c = await openSocketAdmin(lab.host(host).server.socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

function must<T>(
  r: { ok: true; value: T } | { ok: false; error: { errorCode: string; message: string } },
): T {
  if (!r.ok) throw new Error(`${r.error.errorCode}: ${r.error.message}`);
  return r.value;
}

/** Waits for a sampler round (after now) that satisfies `ok`. */
async function waitForSample(what: string, ok: (s: Sample) => boolean, timeoutMs = 10_000): Promise<Sample> {
  const fromMs = performance.now();
  for (;;) {
    const s = sampler.latest();
    if (s && s.atMs >= fromMs && ok(s)) return s;
    if (performance.now() - fromMs > timeoutMs)
      throw new Error(`no sample showed ${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function appInsert(host: string, id: number): Promise<void> {
  const h = lab.host(host);
  const s = await openTcpSession(h.address, h.port, LAB_APP, 2_000);
  try {
    await s.query(`INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (?, ?, 0)`, [id, host]);
  } finally {
    s.close();
  }
}

describe("manual failover under partition", () => {
  let splitFromMs = 0;

  test("isolate the primary, promote a replica by hand: exactly one writable primary the client reaches", async () => {
    for (let id = 1; id <= 20; id++) await appInsert("h1", id);
    const gtid = await withAdmin("h1", async (c) => must(await executedGtid(c)));
    for (const r of ["h2", "h3"]) await withAdmin(r, async (c) => must(await waitCaughtUp(c, gtid, 10_000)));

    await nemesis.isolate("h1");
    await withAdmin("h2", async (c) => {
      must(await promote(c));
      must(await makeWritable(c));
    });
    const h2 = lab.host("h2");
    await withAdmin("h3", async (c) => must(await repoint(c, { host: h2.address, port: h2.port }, LAB_REPL)));

    const s = await waitForSample("h2 as the only writable primary", (x) => writableHosts(x).join() === "h2");
    expect(s.hosts.find((h) => h.host === "h1")!.reachable).toBe(false);
    await appInsert("h2", 21);
    // The isolated h1 is still writable, but no client can reach it: no split brain yet.
    expect(findSplitBrain(sampler.samples)).toEqual([]);
    splitFromMs = performance.now();
  }, 30_000);

  test("the checker flags two writable primaries once the unfenced old primary is reachable again", async () => {
    // Deliberately: h1 stays (or is made) writable, then the partition heals.
    const changed = await withAdmin("h1", async (c) => must(await makeWritable(c)).changed);
    expect(changed).toBe(false);
    await nemesis.heal();
    await waitForSample("h1 and h2 both writable", (x) => writableHosts(x).join() === "h1,h2");
    const flagged = findSplitBrain(sampler.samples.filter((x) => x.atMs >= splitFromMs));
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged[0]!.writable).toEqual(["h1", "h2"]);
  }, 20_000);

  test("fencing and rejoining the old primary settles the lab; the final checkers agree", async () => {
    const h2 = lab.host("h2");
    await withAdmin("h1", async (c) =>
      must(await demoteToReplica(c, { host: h2.address, port: h2.port }, LAB_REPL)),
    );
    await waitForSample("h2 as the only writable primary again", (x) => writableHosts(x).join() === "h2");
    await appInsert("h2", 22);
    const settled = await waitSettled(lab, 15_000);
    expect(settled.problems).toEqual([]);
    expect(settled.primary?.host).toBe("h2");
    expect(checkConvergence(settled.finals, settled.primary!)).toEqual([]);
    expect(primariesSeen(sampler.samples)).toEqual(["h1", "h2"]);
    expect(checkOldPrimaries(["h1"], settled.finals, settled.primary!)).toEqual([]);
  }, 30_000);
});
