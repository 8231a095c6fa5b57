// Reading every host's end state through the operator's socket (no network fault can hide a
// host from it), and waiting for the lab to settle before the final checks.
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ChaosProblem,
  checkConvergence,
  type FinalHostState,
  type FinalReplication,
  finalPrimary,
  leftFenced,
} from "./checkers/final-state.ts";
import type { Lab, LabHost } from "./lab.ts";
import { CHAOS_TABLE, type Row, withSocket } from "./lab-sql.ts";

const READ_TIMEOUT_MS = 2_000;

function replicationOf(row: Row | undefined): FinalReplication | null {
  if (!row) return null;
  return {
    sourceHost: String(row.Master_Host ?? ""),
    sourcePort: Number(row.Master_Port ?? 0),
    ioRunning: String(row.Slave_IO_Running) === "Yes",
    sqlRunning: String(row.Slave_SQL_Running) === "Yes",
    lastError: String(row.Last_IO_Error || row.Last_SQL_Error || ""),
  };
}

export async function readFinalState(h: LabHost): Promise<FinalHostState> {
  const base = { host: h.name, address: h.address, port: h.port };
  try {
    return await withSocket(
      h.server.socket,
      async (s) => {
        const v = (await s.query("SELECT @@global.read_only AS ro, @@global.gtid_current_pos AS gtid"))[0];
        const status = await s.query("SHOW SLAVE STATUS");
        return {
          ...base,
          reachable: true,
          readOnly: Number(v?.ro) === 1,
          gtidCurrentPos: String(v?.gtid ?? ""),
          replication: replicationOf(status[0]),
        };
      },
      READ_TIMEOUT_MS,
    );
  } catch {
    return { ...base, reachable: false, readOnly: null, gtidCurrentPos: null, replication: null };
  }
}

export function readFinalStates(lab: Lab): Promise<FinalHostState[]> {
  return Promise.all(lab.hosts.map(readFinalState));
}

/**
 * Old primaries left fenced holding rows the primary lacks: transactions written before they were
 * cut off and never replicated, which keel refuses to rejoin over. Their ids, by host.
 */
export async function fencedWithErrantRows(
  lab: Lab,
  candidates: readonly string[],
  finals: readonly FinalHostState[],
  primary: FinalHostState,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const fenced = finals.filter(
    (f) => candidates.includes(f.host) && f.host !== primary.host && leftFenced(f),
  );
  if (fenced.length === 0) return out;
  try {
    const onPrimary = new Set(await readWrittenIds(lab.host(primary.host)));
    for (const f of fenced) {
      const extra = (await readWrittenIds(lab.host(f.host))).filter((id) => !onPrimary.has(id));
      if (extra.length > 0) out.set(f.host, extra);
    }
  } catch {
    // A server that does not answer now is judged on the next round.
  }
  return out;
}

/** Every id in the host's chaos table. */
export async function readWrittenIds(h: LabHost): Promise<number[]> {
  const rows = await withSocket(h.server.socket, (s) => s.query(`SELECT id FROM ${CHAOS_TABLE}`));
  return rows.map((r) => Number(r.id));
}

export interface Settled {
  finals: FinalHostState[];
  primary: FinalHostState | null;
  problems: ChaosProblem[];
}

/**
 * Polls until the lab has one primary and every replica converged, or timeoutMs passes. The hosts
 * `mayStayFenced` names (given each round's states) may end fenced instead of following.
 */
export async function waitSettled(
  lab: Lab,
  timeoutMs: number,
  pollMs = 250,
  mayStayFenced: (
    finals: FinalHostState[],
    primary: FinalHostState,
  ) => Promise<readonly string[]> = async () => [],
): Promise<Settled> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const finals = await readFinalStates(lab);
    const p = finalPrimary(finals);
    const exempt = "primary" in p ? await mayStayFenced(finals, p.primary) : [];
    const settled: Settled =
      "primary" in p
        ? { finals, primary: p.primary, problems: checkConvergence(finals, p.primary, exempt) }
        : { finals, primary: null, problems: [p.problem] };
    if (settled.problems.length === 0 || performance.now() > deadline) return settled;
    await sleep(pollMs);
  }
}
