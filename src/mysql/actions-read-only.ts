// Fencing and its reverse, and the write test: the read_only side of the actions. Each reads the
// server before and after, so running one twice changes nothing the second time.
//
// SET GLOBAL read_only can wait behind commits that wait for a semi-sync ACK no replica will send,
// up to the semi-sync timeout: the chaos suite saw a replaced primary stay writable ~5 s that way
// after a SIGSTOP/SIGCONT. So fence kills those sessions while its SET is pending, and the SET
// completes at once (test/chaos/agent-failover.test.ts "SIGSTOP" fails without this). Semi-sync
// is never switched off to release them: that would acknowledge writes no replica has. Known gap:
// on MariaDB 10.11 the killed session's client was still seen to get OK once the semi-sync timeout
// passed; such a transaction stays on the fenced old primary only (keel then refuses to rejoin it).
import { setTimeout as sleep } from "node:timers/promises";
import { FENCE_LOCK_WAIT_SECONDS, FENCE_RELEASE_POLL_MS, FENCE_RELEASE_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { ACTION_CODE, type ActionError, type ActionName, type AdminConnection } from "./admin-connection.ts";
import {
  heartbeatStatements,
  killConnection,
  RESTORE_LOCK_WAIT,
  readOnlyState,
  readThreadIds,
  semiSyncAckWaiters,
  setReadOnly,
  setReadOnlyWithin,
} from "./statements.ts";

type ActionResult<T> = Promise<Result<T, ActionError>>;

function isOn(v: unknown): boolean {
  return v === 1 || v === "1" || v === true || String(v).toUpperCase() === "ON";
}

async function readOnlyNow(
  c: AdminConnection,
  action: ActionName,
): ActionResult<{ readOnly: boolean; superReadOnly: boolean }> {
  const row = await c.one(action, readOnlyState(c.dialect));
  if (!row.ok) return row;
  return ok({ readOnly: isOn(row.value.read_only), superReadOnly: isOn(row.value.super_read_only) });
}

/** MySQL/MariaDB: unknown thread (it ended between the look and the kill). */
const ER_NO_SUCH_THREAD = 1094;
/** MySQL/MariaDB: lock wait timeout exceeded. */
const ER_LOCK_WAIT_TIMEOUT = 1205;

const monoMs = (): number => performance.now();

/** Kills every session waiting for a semi-sync ACK; how many it killed. */
async function killAckWaiters(c: AdminConnection, action: ActionName): ActionResult<number> {
  const rows = await c.run(action, semiSyncAckWaiters());
  if (!rows.ok) return rows;
  let killed = 0;
  for (const id of readThreadIds(rows.value)) {
    const st = killConnection(id);
    if (st === null) continue;
    const r = await c.run(action, st);
    if (r.ok) killed++;
    else if (r.error.errno !== ER_NO_SUCH_THREAD) return r;
  }
  return ok(killed);
}

/** SET on `c` while `killer` releases the commits it waits behind, until the SET is done. */
async function setWhileReleasing(
  c: AdminConnection,
  killer: AdminConnection,
  action: ActionName,
): ActionResult<void> {
  let settled = false;
  const setting = c.runAll(action, setReadOnly(c.dialect, true)).finally(() => {
    settled = true;
  });
  const deadline = monoMs() + FENCE_RELEASE_TIMEOUT_MS;
  while (!settled && monoMs() < deadline) {
    // A failing killer only costs speed: the SET still ends, by itself or at its own bound.
    const killed = await killAckWaiters(killer, action);
    if (!killed.ok) break;
    if (!settled) await sleep(FENCE_RELEASE_POLL_MS);
  }
  return setting;
}

/** One connection only: kill the waiters, try the SET with a short lock wait, again until done. */
async function setReleasingInTurns(c: AdminConnection, action: ActionName): ActionResult<void> {
  const deadline = monoMs() + FENCE_RELEASE_TIMEOUT_MS;
  for (;;) {
    const killed = await killAckWaiters(c, action);
    if (!killed.ok) return killed;
    const set = await c.runAll(action, setReadOnlyWithin(c.dialect, true, FENCE_LOCK_WAIT_SECONDS));
    if (c.dialect.flavor !== "mariadb") {
      const restored = await c.run(action, RESTORE_LOCK_WAIT);
      if (set.ok && !restored.ok) return restored;
    }
    if (set.ok || set.error.errno !== ER_LOCK_WAIT_TIMEOUT || monoMs() >= deadline) return set;
  }
}

async function setFenced(c: AdminConnection, action: ActionName, o: FenceOptions): ActionResult<void> {
  if (!o.openSecond) return setReleasingInTurns(c, action);
  const second = await o.openSecond();
  if (!second.ok) return setReleasingInTurns(c, action);
  try {
    return await setWhileReleasing(c, second.value, action);
  } finally {
    second.value.close();
  }
}

export interface FenceOptions {
  /**
   * Opens another admin connection to the same server. With it, fence kills semi-sync waiters
   * while its SET is pending (the pending SET already holds back new writes); without it, it
   * alternates kills and short SET attempts on the one connection.
   */
  openSecond?: () => Promise<Result<AdminConnection, ActionError>>;
}

async function setAndVerifyReadOnly(
  c: AdminConnection,
  action: ActionName,
  on: boolean,
  o: FenceOptions = {},
): ActionResult<{ changed: boolean }> {
  const wanted = (s: { readOnly: boolean; superReadOnly: boolean }) =>
    s.readOnly === on && (!c.dialect.superReadOnly || s.superReadOnly === on);
  const before = await readOnlyNow(c, action);
  if (!before.ok) return before;
  if (wanted(before.value)) return ok({ changed: false });
  const set = on ? await setFenced(c, action, o) : await c.runAll(action, setReadOnly(c.dialect, on));
  if (!set.ok) return set;
  const after = await readOnlyNow(c, action);
  if (!after.ok) return after;
  if (!wanted(after.value)) {
    const seen = `read_only=${after.value.readOnly ? "ON" : "OFF"}${c.dialect.superReadOnly ? `, super_read_only=${after.value.superReadOnly ? "ON" : "OFF"}` : ""}`;
    return err(
      c.failure(
        action,
        ACTION_CODE.notVerified,
        `asked for read-only ${on ? "ON" : "OFF"}, server reports ${seen}`,
      ),
    );
  }
  return ok({ changed: true });
}

/** read_only ON (and super_read_only on MySQL ≥ 5.7.8): no more application writes. */
export function fence(c: AdminConnection, o: FenceOptions = {}): ActionResult<{ changed: boolean }> {
  return setAndVerifyReadOnly(c, "fence", true, o);
}

/** super_read_only OFF, then read_only OFF. Only for the primary of the current epoch. */
export function makeWritable(c: AdminConnection): ActionResult<{ changed: boolean }> {
  return setAndVerifyReadOnly(c, "make-writable", false);
}

/** MySQL/MariaDB: unknown database, unknown table. */
const MISSING_SCHEMA_ERRNOS = new Set([1049, 1146]);

/**
 * The optional write test: upserts this server's row in keel.heartbeat, creating the schema on
 * first use. Only on a writable server — an admin account may bypass read_only, and a fenced
 * server must not take even keel's writes. `written` is false when the server is read-only.
 */
export async function writeHeartbeat(c: AdminConnection): ActionResult<{ written: boolean }> {
  const action = "write-heartbeat";
  const ro = await readOnlyNow(c, action);
  if (!ro.ok) return ro;
  if (ro.value.readOnly) return ok({ written: false });
  const hb = heartbeatStatements();
  const first = await c.run(action, hb.upsert);
  if (first.ok) return ok({ written: true });
  if (first.error.errno === null || !MISSING_SCHEMA_ERRNOS.has(first.error.errno)) return first;
  const created = await c.runAll(action, [hb.createSchema, hb.createTable, hb.upsert]);
  return created.ok ? ok({ written: true }) : created;
}
