// A fresh lab with a keel agent on every host, for one scenario: created, its ledger waited for,
// handed to the scenario, torn down. When the scenario fails, the hosts' logs (agents' and
// mariadbd's) are copied out of the lab first, and the path is printed, so the failure can be read.
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChaosReport } from "./chaos-run.ts";
import { describeProblem } from "./checkers/final-state.ts";
import { createLab, type Lab } from "./lab.ts";
import { type AgentLedgerReading, type LabAgents, startLabAgents, waitLedgerPrimary } from "./lab-agents.ts";
import { withSocket } from "./lab-sql.ts";

export const LEDGER_ADOPT_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

export interface AgentLabContext {
  lab: Lab;
  agents: LabAgents;
  /** The ledger once the agents adopted the running topology (h1, epoch 1). */
  adopted: AgentLedgerReading;
}

function keepLogs(lab: Lab): string {
  const out = mkdtempSync(join(tmpdir(), "keel-chaos-failed-"));
  for (const h of lab.hosts) {
    for (const name of readdirSync(h.dir))
      if (name.endsWith(".log")) cpSync(join(h.dir, name), join(out, `${h.name}-${name}`));
  }
  return out;
}

export async function withAgentLab<T>(
  o: { hosts: number; semiSyncTimeoutMs?: number },
  body: (c: AgentLabContext) => Promise<T>,
): Promise<T> {
  const lab = await createLab({ hosts: o.hosts, semiSyncTimeoutMs: o.semiSyncTimeoutMs });
  let agents: LabAgents | null = null;
  try {
    agents = startLabAgents(lab);
    const adopted = await waitLedgerPrimary(lab, LEDGER_ADOPT_TIMEOUT_MS);
    return await body({ lab, agents, adopted });
  } catch (e) {
    console.error(`chaos: lab logs kept in ${keepLogs(lab)}`);
    throw e;
  } finally {
    await agents?.stop();
    await lab.teardown();
  }
}

/** Polls `probe` until it returns a value (not null/false) or the time is up. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | false> | T | null | false,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The server's read_only as the operator (unix socket) sees it; null when it does not answer. */
export async function operatorReadOnly(lab: Lab, host: string, timeoutMs = 500): Promise<boolean | null> {
  try {
    const rows = await withSocket(
      lab.host(host).server.socket,
      (s) => s.query("SELECT @@global.read_only AS ro"),
      timeoutMs,
    );
    return Number(rows[0]?.ro) === 1;
  } catch {
    return null;
  }
}

/**
 * Every broken invariant of a run, in words; empty when the run is healthy. The first line says
 * how to replay, so a failing assertion prints it.
 */
export function violations(r: ChaosReport, replay: string): string[] {
  const out = [
    ...r.splitBrain.map((s) => `split brain at ${Math.round(s.atMs)} ms: ${s.writable.join(", ")} writable`),
    ...r.epochViolations.map(
      (v) => `${v.host} writable at ${Math.round(v.atMs)} ms in epoch ${v.epoch} of ${v.epochPrimary}`,
    ),
    ...r.problems.map(describeProblem),
  ];
  if (out.length === 0) return [];
  const timeline = r.timeline.map(
    (e) =>
      `  ${Math.round(e.atMs)} ms ${e.phase} #${e.seq} ${e.kind} ${e.detail}${e.error ? ` (${e.error})` : ""}`,
  );
  const epochs = r.epochs.map((e) => `  epoch ${e.epoch}: ${e.primary} from ${Math.round(e.fromMs)} ms`);
  return [`replay: ${replay}`, ...out, "timeline:", ...timeline, "epochs:", ...epochs];
}
