// What the reconciler hands to the pure reconcile(): the ledger's primary resolved to a member and
// its server's addresses, the primary's GTID position as gossiped (and, on MariaDB, the position it
// was promoted at), the members chained below the primary, and how long this agent has been cut
// off from a raft majority. Pure: gossip members, the ledger and times arrive as data.
import type { LocalAction, ReconcileInput, ReconcileLedgerView } from "../failover/reconcile.ts";
import type { AgentKind, LastKnownPosition, LedgerPrimary } from "../model/cluster-view.ts";
import type { InstanceKey, InstanceState, ReachableInstance } from "../model/instance-state.ts";
import type { LedgerState } from "../raft/ledger.ts";
import {
  factsOf,
  knownInstance,
  lastKnownPositionOf,
  type MemberFacts,
  type MemberInput,
  parseInstanceKey,
} from "./member-facts.ts";

export interface QuorumReading {
  reachable: boolean;
  /** Since the last contact with a majority; 0 while reachable. */
  lostForMs: number;
  /** The local ledger provably holds all the leader committed (RaftHost.ledgerCurrent). */
  ledgerCurrent: boolean;
}

export interface ReconcileSources {
  self: string;
  kind: AgentKind;
  cluster: string;
  /** This agent's own server address as the config advertises it ("host:port"); null for a witness. */
  selfAddress: string | null;
  ledger: Readonly<LedgerState>;
  /** Gossip members with their decoded records (self included or not). */
  members: readonly MemberInput[];
  local: InstanceState | null;
  quorum: QuorumReading;
  settings: { fenceAfterMs: number; autoRejoin: boolean };
  rejoinRequest: { force: boolean } | null;
  inFlight: readonly LocalAction[];
  /** How long the local server went unanswered before the current probe answered (0: it answered). */
  unansweredForMs?: number;
  /** While the local server does not answer: for how long so far, and how it last answered. */
  hung?: { forMs: number; lastReadOnly: boolean | null };
}

const ACTIVE_RECOVERY_STATES = ["detected", "planned"];

function sameKey(a: InstanceKey, b: InstanceKey): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}

/** Every address known to name a member's server: advertised, probed, report_host. */
export function addressesOfMember(f: MemberFacts): InstanceKey[] {
  const out: InstanceKey[] = [];
  const add = (k: InstanceKey | null | undefined): void => {
    if (k && !out.some((x) => sameKey(x, k))) out.push(k);
  };
  add(f.key);
  add(f.instance?.key);
  add(f.lastReachable?.key);
  const known = knownInstance(f);
  if (known?.reportHost) add({ host: known.reportHost, port: known.reportPort ?? known.key.port });
  return out;
}

/** Does `name` (a node id or "host:port", as the ledger may hold either) name this member? */
export function namesMember(f: MemberFacts, name: string): boolean {
  if (f.nodeId === name) return true;
  const key = parseInstanceKey(name);
  return key !== null && addressesOfMember(f).some((k) => sameKey(k, key));
}

/** The member a ledger name refers to, as a node id; the name itself when no member matches. */
export function nodeIdOfName(facts: readonly MemberFacts[], name: string): string {
  return facts.find((f) => namesMember(f, name))?.nodeId ?? name;
}

/** This agent's facts, built from its own probe when gossip has not echoed its record back yet. */
function withSelf(facts: MemberFacts[], s: ReconcileSources): MemberFacts[] {
  if (facts.some((f) => f.nodeId === s.self)) return facts;
  const local = s.local;
  const key = (s.selfAddress === null ? null : parseInstanceKey(s.selfAddress)) ?? local?.key ?? null;
  const self: MemberFacts = {
    nodeId: s.self,
    cluster: s.cluster,
    kind: s.kind,
    status: "alive",
    stateAgeMs: 0,
    unchangedForMs: 0,
    key,
    instance: local,
    lastReachable: local?.reachable ? local : null,
    record: null,
  };
  return [...facts, self];
}

function positionOf(r: ReachableInstance, ageMs: number): LastKnownPosition {
  return {
    flavor: r.flavor,
    gtidExecuted: r.gtidExecuted,
    serverId: r.serverId,
    serverUuid: r.serverUuid,
    mariadbBinlogState: r.mariadbGtid?.binlogState ?? "",
    ageMs,
  };
}

interface PrimaryFacts {
  primary: LedgerPrimary;
  addresses: InstanceKey[];
  position: LastKnownPosition | null;
  promotedAt: string | null;
  facts: MemberFacts | undefined;
}

/**
 * The MariaDB position the primary was promoted at: RESET SLAVE ALL keeps @@gtid_slave_pos, and
 * the primary's own writes never move it, so it is what the primary had when it took over.
 */
function promotedAtOf(inst: ReachableInstance | null): string | null {
  if (inst === null || inst.mariadbGtid === null) return null;
  return inst.mariadbGtid.slavePos;
}

function primaryFactsOf(s: ReconcileSources, facts: readonly MemberFacts[]): PrimaryFacts | null {
  const name = s.ledger.primary;
  if (name === null) return null;
  const f = facts.find((m) => namesMember(m, name));
  // A primary whose record has not arrived yet: its key is unknown unless the ledger holds one,
  // and without its position nothing below moves a replica.
  const key = f?.key ?? parseInstanceKey(name) ?? { host: name, port: 0 };
  const primary: LedgerPrimary = { nodeId: f?.nodeId ?? name, key, epoch: s.ledger.epoch };
  const addresses = f === undefined ? [] : addressesOfMember(f).filter((k) => !sameKey(k, key));
  let position: LastKnownPosition | null = null;
  let known: ReachableInstance | null = null;
  if (primary.nodeId === s.self && s.local?.reachable) {
    known = s.local;
    position = positionOf(s.local, 0);
  } else if (f !== undefined) {
    known = knownInstance(f);
    position = lastKnownPositionOf(f);
  }
  return { primary, addresses, position, promotedAt: promotedAtOf(known), facts: f };
}

/**
 * Addresses of members replicating from the primary, directly or below another such member: the
 * legitimate sources of a chained topology. Only a member that answers now and whose channel
 * runs (IO and SQL) counts: a replica chained below a broken or fenced-out member (a former
 * primary kept fenced for errant GTIDs, say) would otherwise wait there forever.
 */
export function attachedSourcesOf(
  facts: readonly MemberFacts[],
  primaryAddresses: readonly InstanceKey[],
  primaryNodeId: string,
): InstanceKey[] {
  const attached: InstanceKey[] = [];
  const sources = [...primaryAddresses];
  const done = new Set<string>([primaryNodeId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of facts) {
      if (done.has(f.nodeId)) continue;
      const inst = f.instance?.reachable ? f.instance : null;
      const follows = inst?.channels.some(
        (c) =>
          c.ioState === "yes" &&
          c.sqlRunning &&
          sources.some((k) => sameKey(k, { host: c.sourceHost, port: c.sourcePort })),
      );
      if (!follows) continue;
      done.add(f.nodeId);
      const own = addressesOfMember(f);
      attached.push(...own);
      sources.push(...own);
      grew = true;
    }
  }
  return attached;
}

function ledgerViewOf(s: ReconcileSources, facts: readonly MemberFacts[], p: PrimaryFacts | null) {
  const active = s.ledger.recoveries.find((r) => ACTIVE_RECOVERY_STATES.includes(r.state));
  const sw = s.ledger.switchover;
  const view: ReconcileLedgerView = {
    primary: p?.primary ?? null,
    primaryAddresses: p?.addresses ?? [],
    activeRecovery:
      active === undefined
        ? null
        : {
            id: active.id,
            failedNodeId: nodeIdOfName(facts, active.failedInstance),
            successor: active.successor === null ? null : nodeIdOfName(facts, active.successor),
          },
    switchover:
      sw === null ? null : { id: sw.id, from: nodeIdOfName(facts, sw.from), to: nodeIdOfName(facts, sw.to) },
  };
  return view;
}

export function buildReconcileInput(s: ReconcileSources): ReconcileInput {
  const facts = withSelf(
    s.members.flatMap((m) => {
      const f = factsOf(m);
      return f !== null && f.cluster === s.cluster ? [f] : [];
    }),
    s,
  );
  const p = primaryFactsOf(s, facts);
  const attachedSources =
    p === null ? [] : attachedSourcesOf(facts, [p.primary.key, ...p.addresses], p.primary.nodeId);
  return {
    self: s.self,
    kind: s.kind,
    ledger: ledgerViewOf(s, facts, p),
    local: s.local,
    quorum: s.quorum,
    settings: s.settings,
    primaryPosition: p?.position ?? null,
    primaryPromotedAt: p?.promotedAt ?? null,
    attachedSources,
    rejoinRequest: s.rejoinRequest,
    inFlight: s.inFlight,
    ...(s.unansweredForMs ? { unansweredForMs: s.unansweredForMs } : {}),
    ...(s.hung ? { hung: s.hung } : {}),
  };
}

/** What the raft host knows about contact with the other voters. */
export interface QuorumContactSample {
  selfId: string;
  voters: readonly string[];
  role: string;
  leader: string | null;
  /** Monotonic ms of the last valid raft message from a voter; null when never. */
  heardAtMs(id: string): number | null;
}

/**
 * When this node last had a majority in contact. A leader: itself plus its most recent peers. A
 * follower of a known leader: the leader's last word (the leader keeps its role only while a
 * majority answers it). A node without a leader (campaigning, or just cut off) proves no contact
 * by hearing a peer or two: a lone reachable peer may itself be cut off from the leader, and its
 * messages say nothing of the majority. It keeps `previousMs`, the contact it last had, so its
 * lost time runs from there. Null when never.
 */
export function lastQuorumContactMs(
  s: QuorumContactSample,
  nowMs: number,
  previousMs: number | null = null,
): number | null {
  let best: number | null = null;
  if (s.role === "leader" && s.leader === s.selfId) {
    const majority = Math.floor(s.voters.length / 2) + 1;
    const times = s.voters
      .map((id) => (id === s.selfId ? nowMs : s.heardAtMs(id)))
      .filter((t): t is number => t !== null)
      .sort((a, b) => b - a);
    best = times[majority - 1] ?? null;
  } else if (s.leader !== null && s.leader !== s.selfId) {
    best = s.heardAtMs(s.leader);
  }
  if (previousMs !== null && (best === null || previousMs > best)) return previousMs;
  return best;
}

/**
 * In contact while the last majority contact is within `windowMs` (the longest election timeout:
 * past it a follower would start an election). Lost time counts from that contact, or from
 * `sinceMs` (the agent's start) when there never was one.
 */
export function quorumReading(
  lastContactMs: number | null,
  nowMs: number,
  windowMs: number,
  sinceMs: number,
  ledgerCurrent: boolean,
): QuorumReading {
  if (lastContactMs !== null && nowMs - lastContactMs < windowMs)
    return { reachable: true, lostForMs: 0, ledgerCurrent };
  return { reachable: false, lostForMs: Math.max(0, nowMs - (lastContactMs ?? sinceMs)), ledgerCurrent };
}
