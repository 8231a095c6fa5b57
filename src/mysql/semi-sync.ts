// Semi-synchronous replication state from SHOW GLOBAL VARIABLES/STATUS LIKE 'rpl_semi_sync%'.
// Pure. MySQL ≥ 8.0.26 may run either the old (master/slave) or the new (source/replica)
// plugin, so the names that exist decide which family is read.
import type { SemiSyncState } from "../model/instance-state.ts";
import type { SemiSyncNames } from "./flavor.ts";
import type { StatusRow } from "./replica-status.ts";

/** Variable_name → Value, names lower-cased (status names start with a capital R). */
export function nameValueMap(rows: readonly StatusRow[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const row of rows) {
    const name = row.Variable_name ?? row.variable_name;
    if (name === null || name === undefined) continue;
    const value = row.Value ?? row.value;
    map.set(String(name).toLowerCase(), value === null || value === undefined ? "" : String(value));
  }
  return map;
}

function isOn(value: string | undefined): boolean {
  const v = (value ?? "").trim().toUpperCase();
  return v === "ON" || v === "1" || v === "YES" || v === "TRUE";
}

function intOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads semi-sync state. `families` is the server's preference order (see dialectFor); a side
 * (source/replica) counts as present when its `…enabled` variable exists.
 */
export function parseSemiSync(
  variableRows: readonly StatusRow[],
  statusRows: readonly StatusRow[],
  families: readonly SemiSyncNames[],
  builtIn: boolean,
): SemiSyncState {
  const vars = nameValueMap(variableRows);
  const status = nameValueMap(statusRows);
  const source = families.find((f) => vars.has(`${f.sourcePrefix}enabled`));
  const replica = families.find((f) => vars.has(`${f.replicaPrefix}enabled`));
  const state: SemiSyncState = {
    available: builtIn || source !== undefined || replica !== undefined,
    sourceEnabled: false,
    sourceActive: false,
    replicaEnabled: false,
    replicaActive: false,
    sourceClients: 0,
    sourceTimeoutMs: null,
    waitForReplicaCount: 1,
  };
  if (source) {
    const p = source.sourcePrefix;
    const waitVar = p === "rpl_semi_sync_source_" ? `${p}wait_for_replica_count` : `${p}wait_for_slave_count`;
    state.sourceEnabled = isOn(vars.get(`${p}enabled`));
    state.sourceTimeoutMs = intOrNull(vars.get(`${p}timeout`));
    state.waitForReplicaCount = intOrNull(vars.get(waitVar)) ?? 1;
    state.sourceActive = isOn(status.get(`${p}status`));
    state.sourceClients = intOrNull(status.get(`${p}clients`)) ?? 0;
  }
  if (replica) {
    const p = replica.replicaPrefix;
    state.replicaEnabled = isOn(vars.get(`${p}enabled`));
    state.replicaActive = isOn(status.get(`${p}status`));
  }
  return state;
}
