// The bracket of one `topology` line: orchestrator's descriptionTokens words, in orchestrator's
// order, so people and scripts that read orchestrator-client output read keel's. keel's own tokens
// (unreachable reason, stale age, agent status) come last and only when they apply.
import type { ReachableInstance, ReplicationChannel } from "../../model/instance-state.ts";
import type { TopologyInstanceView } from "../../model/topology-view.ts";
import type { Style } from "./line.ts";
import { formatAge } from "./time-text.ts";
import { knownState } from "./topology-tree.ts";

export interface Token {
  text: string;
  style?: Style;
}

export interface TokenOptions {
  staleAfterMs: number;
  lagWarnSeconds: number;
  /** "10.11.19" for "10.11.19-MariaDB-0+deb12u1-log": buys narrow screens room for the tokens that matter. */
  compactVersion?: boolean;
}

export interface InstanceTokens {
  /** Both threads of every channel running, on a fresh successful probe: orchestrator's `+`. */
  replicatingFresh: boolean;
  tokens: Token[];
}

function running(ch: ReplicationChannel): boolean {
  return ch.ioState === "yes" && ch.sqlRunning;
}

interface LagStatus {
  lag: Token;
  status: Token;
  replicating: boolean;
}

/** Lag and status of a fresh, reachable probe. Multi-source: the worst channel counts. */
function liveLagStatus(inst: ReachableInstance, opts: TokenOptions): LagStatus {
  if (inst.channels.length === 0) {
    return { lag: { text: "0s", style: "ok" }, status: { text: "ok", style: "ok" }, replicating: false };
  }
  const replicating = inst.channels.every(running);
  const behind = inst.channels.map((c) => c.secondsBehind);
  if (!replicating) {
    return {
      lag: { text: "null", style: "error" },
      status: { text: "nonreplicating", style: "error" },
      replicating,
    };
  }
  // Both threads run but the server reports no lag yet (just started): orchestrator prints null.
  if (behind.some((b) => b === null)) {
    return { lag: { text: "null", style: "warn" }, status: { text: "ok", style: "ok" }, replicating };
  }
  const lagSeconds = Math.max(...(behind as number[]));
  const netLag = Math.max(...inst.channels.map((c) => (c.secondsBehind ?? 0) - c.sqlDelaySeconds));
  const lagging = netLag > opts.lagWarnSeconds;
  return {
    lag: { text: `${lagSeconds}s`, style: lagging ? "warn" : "ok" },
    status: lagging ? { text: "lag", style: "warn" } : { text: "ok", style: "ok" },
    replicating,
  };
}

function lagStatus(view: TopologyInstanceView, opts: TokenOptions): LagStatus {
  const cur = view.instance;
  if (cur === null) {
    return {
      lag: { text: "unknown", style: "stale" },
      status: { text: "unchecked", style: "stale" },
      replicating: false,
    };
  }
  if (!cur.reachable) {
    return {
      lag: { text: "unknown", style: "error" },
      status: { text: "invalid", style: "error" },
      replicating: false,
    };
  }
  if (view.stateAgeMs > opts.staleAfterMs) {
    return {
      lag: { text: "unknown", style: "stale" },
      status: { text: "unchecked", style: "stale" },
      replicating: false,
    };
  }
  return liveLagStatus(cur, opts);
}

/**
 * orchestrator shows GTID for Oracle gtid_mode other than OFF or auto-positioned channels, and for
 * MariaDB channels with Using_Gtid other than No. keel runs MariaDB only with GTID replication, so a
 * MariaDB server without channels (the primary) shows GTID too; only a file/position channel hides it.
 */
function usesGtid(inst: ReachableInstance): boolean {
  if (inst.channels.some((c) => c.gtidAutoPosition)) return true;
  if (inst.flavor === "mariadb") return inst.channels.length === 0;
  return inst.gtidMode !== "" && inst.gtidMode.toUpperCase() !== "OFF";
}

function rwToken(inst: ReachableInstance, view: TopologyInstanceView): Token {
  if (inst.readOnly) return view.isLedgerPrimary ? { text: "ro", style: "warn" } : { text: "ro" };
  // A writable server that replicates and is not the ledger's primary invites split brain.
  const writableReplica = !view.isLedgerPrimary && inst.channels.length > 0;
  return writableReplica
    ? { text: "rw", style: "error" }
    : { text: "rw", style: view.isLedgerPrimary ? "primary" : undefined };
}

function serverTokens(inst: ReachableInstance, view: TopologyInstanceView, opts: TokenOptions): Token[] {
  const version = opts.compactVersion ? inst.versionNumbers.join(".") : inst.version;
  const out: Token[] = [
    { text: version },
    rwToken(inst, view),
    { text: inst.logBin ? inst.binlogFormat : "nobinlog" },
  ];
  if (inst.logBin && inst.logReplicaUpdates) out.push({ text: ">>" });
  const errant = view.errantGtids !== null && view.errantGtids.trim() !== "";
  if (errant) out.push({ text: "GTID:errant", style: "error" });
  else if (usesGtid(inst)) out.push({ text: "GTID" });
  if (inst.semiSync.sourceActive) out.push({ text: "semi:master" });
  if (inst.semiSync.replicaActive) out.push({ text: "semi:replica" });
  return out;
}

const AGENT_STYLE: Record<string, Style> = { suspect: "warn", dead: "error", left: "muted", none: "muted" };

function keelTokens(view: TopologyInstanceView, opts: TokenOptions): Token[] {
  const out: Token[] = [];
  if (view.instance && !view.instance.reachable) {
    out.push({ text: `unreachable:${view.instance.reason}`, style: "error" });
  }
  if (view.instance && view.stateAgeMs > opts.staleAfterMs) {
    out.push({ text: `stale:${formatAge(view.stateAgeMs)}`, style: "stale" });
  }
  if (view.agentStatus !== "alive") {
    out.push({ text: `agent:${view.agentStatus}`, style: AGENT_STYLE[view.agentStatus] ?? "warn" });
  }
  return out;
}

/** Every token inside one instance's brackets, with its semantic style. */
export function instanceTokens(view: TopologyInstanceView, opts: TokenOptions): InstanceTokens {
  const ls = lagStatus(view, opts);
  const known = knownState(view);
  const tokens: Token[] = [ls.lag, ls.status];
  if (known) tokens.push(...serverTokens(known, view, opts));
  if (view.downtime) tokens.push({ text: "downtimed", style: "downtimed" });
  tokens.push(...keelTokens(view, opts));
  return { replicatingFresh: ls.replicating, tokens };
}
