// Raft inside the agent: opens the raft directory (raft.data_dir/<cluster>, mode 0700), builds
// the RaftHost and the Proposer, and ticks both on a timer (timers live here, never in cores).
// agent.ts plugs it in: register `handlers.r` and `handlers.p` on the channel registry, pass
// `send` through Channels.send, and serve `view()` under /api/state and /api/raft.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { PROPOSAL_TIMEOUT_MS_DEFAULT, RAFT_HOST_TICK_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { type Rng, seededRng } from "../lib/rng.ts";
import { type RaftConfigError, type RaftTiming, validateRaftConfig } from "../raft/config.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import { FileRaftStorage } from "../storage/file-raft-storage.ts";
import type { RaftStorage, StorageError } from "../storage/raft-storage.ts";
import type { RuntimeClock } from "./clock.ts";
import { lockRaftDir, type RaftDirLockError } from "./raft-dir-lock.ts";
import { buildRaftView, type MemberKind, type RaftView } from "./ledger-view.ts";
import type { ProposalMessage } from "./proposal-messages.ts";
import { type ProposalResult, Proposer } from "./proposals.ts";
import { RaftHost, type RaftHostError, type RaftHostEvent } from "./raft-host.ts";

export const RAFT_CHANNEL = "r";
export const PROPOSAL_CHANNEL = "p";

export type RaftStartError =
  | RaftConfigError
  | RaftHostError
  | { code: "raft.voters-required"; nodeId: string; configPath: string }
  | { code: "raft.data-dir-failed"; path: string; detail: string }
  | RaftDirLockError
  | StorageError;

export interface RaftRuntimeDeps {
  clock: RuntimeClock;
  /** Channels.send: seal and send `msg` to a node id on a channel. */
  send(toNodeId: string, channel: string, msg: unknown): void;
  onEvent?(e: RaftHostEvent): void;
  /** Seeded from crypto randomness unless a test or bench passes its own. */
  rng?: Rng;
  tickMs?: number;
  timing?: Partial<RaftTiming>;
  compactEveryEntries?: number;
  /** Storage to use instead of the data directory (tests). */
  storage?: RaftStorage;
  /** Whether a voter is a DB agent or a witness, as gossip knows it. */
  kindOf?(id: string): MemberKind | null;
  /** This agent runs as a witness (`keel agent --witness`) whatever the config says. */
  witness?: boolean;
}

interface Handler {
  onMessage(from: string, msg: unknown, nowMs: number): void;
}

export interface RaftRuntime {
  readonly host: RaftHost;
  readonly proposer: Proposer;
  readonly handlers: { readonly r: Handler; readonly p: Handler };
  propose(cmd: LedgerCommand, timeoutMs?: number): Promise<ProposalResult>;
  view(): RaftView;
  /** Runs one tick now (the timer does this every tickMs). */
  tickNow(): void;
  stop(): void;
}

/** Explicit voters, or this agent alone when it has no seeds (a one-node cluster). With peers
 *  and no list, "every agent seen" would let two halves of a partition each pick a majority. */
export function resolveVoters(config: Config): Result<readonly string[], RaftStartError> {
  if (config.raft.voters.length > 0) return ok(config.raft.voters);
  if (config.gossip.seeds.length === 0) return ok([config.nodeId]);
  return err({ code: "raft.voters-required", nodeId: config.nodeId, configPath: config.sourcePath });
}

/** raft.data_dir/<cluster>, created owner-only: the log holds the cluster's decisions. */
export function makeRaftDir(
  config: Config,
): Result<string, { code: "raft.data-dir-failed"; path: string; detail: string }> {
  const dir = join(config.raft.dataDir, config.cluster);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return ok(dir);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return err({ code: "raft.data-dir-failed", path: dir, detail });
  }
}

/** The raft directory (makeRaftDir), locked to this agent. Closing the storage is the caller's;
 *  `unlock` releases the lock. */
export function openRaftDir(
  config: Config,
): Result<{ storage: FileRaftStorage; unlock: () => void }, RaftStartError> {
  const made = makeRaftDir(config);
  if (!made.ok) return made;
  const dir = made.value;
  let unlock: () => void;
  try {
    const locked = lockRaftDir(dir);
    if (!locked.ok) return locked;
    unlock = locked.value;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return err({ code: "raft.data-dir-failed", path: dir, detail });
  }
  const opened = FileRaftStorage.open(dir);
  if (!opened.ok) {
    unlock();
    return opened;
  }
  return ok({ storage: opened.value, unlock });
}

function cryptoRng(): Rng {
  return seededRng(randomBytes(4).readUInt32LE(0));
}

export function startRaftRuntime(config: Config, deps: RaftRuntimeDeps): Result<RaftRuntime, RaftStartError> {
  const voters = resolveVoters(config);
  if (!voters.ok) return voters;
  const raftConfig = validateRaftConfig(config.nodeId, voters.value, deps.timing);
  if (!raftConfig.ok) return raftConfig;
  let storage = deps.storage;
  let unlock = (): void => {};
  if (storage === undefined) {
    const opened = openRaftDir(config);
    if (!opened.ok) return opened;
    storage = opened.value.storage;
    unlock = opened.value.unlock;
  }
  const created = RaftHost.create({
    config: raftConfig.value,
    storage,
    nowMs: deps.clock.monoMs(),
    deps: {
      send: (to, msg) => deps.send(to, RAFT_CHANNEL, msg),
      rng: deps.rng ?? cryptoRng(),
      onEvent: deps.onEvent,
      compactEveryEntries: deps.compactEveryEntries,
    },
  });
  if (!created.ok) {
    storage.close();
    unlock();
    return created;
  }
  const host = created.value;
  const proposer = new Proposer({
    host,
    send: (to, msg: ProposalMessage) => deps.send(to, PROPOSAL_CHANNEL, msg),
    newRequestId: () => randomBytes(8).toString("hex"),
  });
  const kindOf = (id: string): MemberKind | null =>
    id === config.nodeId
      ? (deps.witness ?? config.witness)
        ? "witness"
        : "agent"
      : (deps.kindOf?.(id) ?? null);
  let stopped = false;
  const tickNow = (): void => {
    if (stopped) return;
    const nowMs = deps.clock.monoMs();
    host.tick(nowMs);
    proposer.tick(nowMs);
  };
  tickNow();
  const tickMs = deps.tickMs ?? RAFT_HOST_TICK_MS;
  // tickMs 0: the caller's own loop calls tickNow() (no second timer).
  const timer = tickMs > 0 ? setInterval(tickNow, tickMs) : null;
  // Channels has no unregister: after stop, late datagrams must not touch the closed storage.
  const handlers = {
    r: { onMessage: (from: string, m: unknown, nowMs: number) => stopped || host.onMessage(from, m, nowMs) },
    p: {
      onMessage: (from: string, m: unknown, nowMs: number) => stopped || proposer.onMessage(from, m, nowMs),
    },
  };
  return ok({
    host,
    proposer,
    handlers,
    propose: (cmd, timeoutMs = PROPOSAL_TIMEOUT_MS_DEFAULT) =>
      proposer.propose(cmd, timeoutMs, deps.clock.monoMs()),
    view: () => buildRaftView(host, deps.clock.monoMs(), kindOf),
    tickNow,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer !== null) clearInterval(timer);
      proposer.close(deps.clock.monoMs());
      host.close();
      unlock();
    },
  });
}
