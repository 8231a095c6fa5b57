// Fencing and its reverse, and the write test: the read_only side of the actions. Each reads the
// server before and after, so running one twice changes nothing the second time.
import { err, ok, type Result } from "../lib/result.ts";
import { ACTION_CODE, type ActionError, type ActionName, type AdminConnection } from "./admin-connection.ts";
import { heartbeatStatements, readOnlyState, setReadOnly } from "./statements.ts";

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

async function setAndVerifyReadOnly(
  c: AdminConnection,
  action: ActionName,
  on: boolean,
): ActionResult<{ changed: boolean }> {
  const wanted = (s: { readOnly: boolean; superReadOnly: boolean }) =>
    s.readOnly === on && (!c.dialect.superReadOnly || s.superReadOnly === on);
  const before = await readOnlyNow(c, action);
  if (!before.ok) return before;
  if (wanted(before.value)) return ok({ changed: false });
  const set = await c.runAll(action, setReadOnly(c.dialect, on));
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
export function fence(c: AdminConnection): ActionResult<{ changed: boolean }> {
  return setAndVerifyReadOnly(c, "fence", true);
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
