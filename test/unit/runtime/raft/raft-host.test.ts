import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, type Result } from "../../../../src/lib/result.ts";
import { seededRng } from "../../../../src/lib/rng.ts";
import { validateRaftConfig } from "../../../../src/raft/config.ts";
import { encodeRaftMessage } from "../../../../src/raft/codec.ts";
import { encodeLedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import { RaftHost, type RaftHostEvent } from "../../../../src/runtime/raft-host.ts";
import { FileRaftStorage } from "../../../../src/storage/file-raft-storage.ts";
import type { RaftMessage } from "../../../../src/raft/messages.ts";
import {
  emptyMemoryDisk,
  type MemoryDisk,
  MemoryRaftStorage,
} from "../../../../src/storage/memory-raft-storage.ts";
import type {
  StorageError,
  StoredEntry,
  StoredHardState,
  StoredSnapshot,
} from "../../../../src/storage/raft-storage.ts";
import { HostCluster, type Sent } from "./host-cluster.ts";

/** Memory storage that writes every durable call into a shared journal (and can fail on demand). */
class RecordingStorage extends MemoryRaftStorage {
  failNext: StorageError | null = null;
  onWrite: (line: string) => void = () => {};
  constructor(
    private readonly journal: string[],
    disk?: MemoryDisk,
  ) {
    super(disk);
  }
  private note(line: string): void {
    this.journal.push(line);
    this.onWrite(line);
  }
  private fail(): Result<void, StorageError> | null {
    const f = this.failNext;
    this.failNext = null;
    return f ? err(f) : null;
  }
  override saveHardState(hs: StoredHardState) {
    this.note(`hardState term=${hs.term} vote=${hs.vote}`);
    return this.fail() ?? super.saveHardState(hs);
  }
  override append(entries: readonly StoredEntry[]) {
    this.note(`append ${entries.map((e) => e.index).join(",")}`);
    return this.fail() ?? super.append(entries);
  }
  override saveSnapshot(s: StoredSnapshot) {
    this.note(`snapshot ${s.index}`);
    return super.saveSnapshot(s);
  }
}

function single(storage: MemoryRaftStorage | FileRaftStorage, journal: string[] = [], compactEvery = 0) {
  const cfg = validateRaftConfig("solo", ["solo"]);
  if (!cfg.ok) throw new Error(cfg.error.detail);
  const events: RaftHostEvent[] = [];
  const created = RaftHost.create({
    config: cfg.value,
    storage,
    nowMs: 0,
    deps: {
      send: (to, msg) => journal.push(`send ${to} ${(msg as { type: string }).type}`),
      rng: seededRng(1),
      onEvent: (e) => events.push(e),
      compactEveryEntries: compactEvery,
    },
  });
  if (!created.ok) throw new Error(created.error.code);
  return { host: created.value, events };
}

function electSolo(host: RaftHost): void {
  for (let t = 0; t <= 2_000 && host.status().role !== "leader"; t += 10) host.tick(t);
}

describe("RaftHost persists before it sends", () => {
  test("every message leaves only after the state it depends on is durable", async () => {
    // One journal for all nodes, in real order: storage calls and sends.
    const journal: ({ kind: "disk"; id: string; line: string } | { kind: "send"; s: Sent })[] = [];
    const c = new HostCluster(["a", "b", "c"], (id, disk) => {
      const lines: string[] = [];
      const st = new RecordingStorage(lines, disk);
      st.onWrite = (line) => journal.push({ kind: "disk", id, line });
      return st;
    });
    c.onSend = (s) => journal.push({ kind: "send", s });
    const leader = c.electLeader();
    for (let i = 0; i < 5; i++) await c.propose(leader.id, { type: "downtime-end", instance: `x${i}` });
    const follower = c.ids.find((id) => id !== leader.id) as string;
    expect((await c.propose(follower, { type: "resume", by: "ops" }))?.ok).toBe(true);

    const durable = new Map(c.ids.map((id) => [id, { term: 0, vote: null as string | null, last: 0 }]));
    const checked = { votes: 0, grants: 0, appends: 0, acks: 0 };
    for (const j of journal) {
      if (j.kind === "disk") {
        const d = durable.get(j.id) as { term: number; vote: string | null; last: number };
        const hs = /^hardState term=(\d+) vote=(\S+)$/.exec(j.line);
        if (hs) Object.assign(d, { term: Number(hs[1]), vote: hs[2] === "null" ? null : hs[2] });
        const ap = /^append (?:\d+,)*(\d+)$/.exec(j.line);
        if (ap) d.last = Number(ap[1]);
        continue;
      }
      if (j.s.channel !== "r") continue;
      const m = j.s.msg as RaftMessage;
      const d = durable.get(m.from) as { term: number; vote: string | null; last: number };
      if (m.type === "vote" && !m.preVote) {
        expect({ term: d.term, vote: d.vote }).toEqual({ term: m.term, vote: m.from });
        checked.votes++;
      } else if (m.type === "vote-response" && !m.preVote && m.granted) {
        expect({ term: d.term, vote: d.vote }).toEqual({ term: m.term, vote: m.to });
        checked.grants++;
      } else if (m.type === "append" && m.entries.length > 0) {
        expect(d.last).toBeGreaterThanOrEqual((m.entries.at(-1) as { index: number }).index);
        checked.appends++;
      } else if (m.type === "append-response" && m.success) {
        expect(d.last).toBeGreaterThanOrEqual(m.index);
        checked.acks++;
      }
    }
    // The rules above were actually exercised.
    expect(checked.votes).toBeGreaterThan(0);
    expect(checked.grants).toBeGreaterThan(0);
    expect(checked.appends).toBeGreaterThan(0);
    expect(checked.acks).toBeGreaterThan(0);
  });

  test("a storage failure halts the host: the entry is not applied, later proposals are refused", () => {
    const journal: string[] = [];
    const storage = new RecordingStorage(journal);
    const { host, events } = single(storage, journal);
    electSolo(host);
    storage.failNext = { code: "storage.io-failed", op: "write", path: "/x/raft.log", detail: "ENOSPC" };
    const r = host.propose({ type: "resume", by: "ops" });
    expect(r.ok).toBe(true); // appended in memory; the failed fsync then halts the host
    expect(host.halted?.code).toBe("storage.io-failed");
    expect(events.some((e) => e.type === "halted")).toBe(true);
    expect(host.ledgerState.index).toBe(1); // the failed entry was never applied
    const again = host.propose({ type: "resume", by: "ops" });
    expect(again.ok ? null : again.error.code).toBe("raft.host-halted");
  });
});

describe("RaftHost writes hard state only when term or vote change", () => {
  test("committing and applying entries writes no hard state; the election does", () => {
    const journal: string[] = [];
    const { host } = single(new RecordingStorage(journal), journal);
    electSolo(host);
    for (let i = 0; i < 10; i++) host.propose({ type: "downtime-end", instance: `db${i}:3306` });
    expect(host.ledgerState.index).toBe(11);
    expect(journal.filter((l) => l.startsWith("hardState"))).toEqual(["hardState term=1 vote=solo"]);
    expect(journal.filter((l) => l.startsWith("append")).length).toBe(11);
  });

  test("a follower restarted with a lagging commit applies only that, then relearns the rest", () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const f = c.ids.find((id) => id !== leader.id) as string;
    c.advance(50);
    for (const cmd of [
      { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 },
      { type: "pause", by: "ops", reason: "x", wallMs: 1 },
    ] as const)
      leader.host.propose(cmd);
    c.advance(300);
    const before = c.member(f).host;
    expect(before.ledgerState).toMatchObject({ primary: "db1:3306", paused: { by: "ops" } });
    const disk = c.crash(f);
    expect(disk.hardState.commit).toBeLessThan(before.status().commit); // commit was never synced
    for (const id of c.ids) c.cut.add(`${id}>${f}`).add(`${f}>${id}`);
    const again = c.start(f, disk);
    again.host.tick(c.nowMs);
    // Alone, it knows only the commit on disk: nothing past it is applied, though it holds more.
    expect(again.host.status().lastIndex).toBe(3);
    expect(again.host.ledgerState.index).toBe(disk.hardState.commit);
    expect(again.host.ledgerState.primary).toBeNull();
    c.cut.clear();
    c.advance(300);
    expect(again.host.ledgerState).toEqual(leader.host.ledgerState);
    // A clean stop writes the commit, so the next start re-applies everything at once.
    again.host.close();
    expect(disk.hardState.commit).toBe(again.host.status().commit);
  });
});

describe("RaftHost validates a leader's snapshot before it persists it", () => {
  test("a snapshot the ledger can't read halts the host with the disk untouched", () => {
    const cfg = validateRaftConfig("a", ["a", "b", "c"]);
    if (!cfg.ok) throw new Error(cfg.error.detail);
    const disk = emptyMemoryDisk();
    const create = () =>
      RaftHost.create({
        config: cfg.value,
        storage: new MemoryRaftStorage(disk),
        nowMs: 0,
        deps: { send: () => {}, rng: seededRng(3) },
      });
    const first = create();
    if (!first.ok) throw new Error(first.error.code);
    const chunk = new TextEncoder().encode('{"index":"five"}');
    const msg: RaftMessage = {
      type: "snapshot",
      from: "b",
      to: "a",
      term: 1,
      index: 5,
      snapshotTerm: 1,
      offset: 0,
      totalBytes: chunk.length,
      chunk,
    };
    first.value.onMessage("b", encodeRaftMessage(msg), 0);
    expect(first.value.halted?.code).toBe("ledger.snapshot-malformed");
    expect(disk.snapshot).toBeNull();
    const restarted = create();
    expect(restarted.ok).toBe(true);
  });
});

describe("RaftHost applies committed entries to the ledger", () => {
  test("ledger changes and rejections are events, and the node carries on", () => {
    const { host, events } = single(new MemoryRaftStorage());
    electSolo(host);
    expect(events.some((e) => e.type === "became-leader")).toBe(true);
    host.propose({ type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
    host.propose({ type: "set-primary", primary: "db2:3306", expectedEpoch: 0 }); // stale epoch
    expect(host.ledgerState.primary).toBe("db1:3306");
    expect(host.ledgerState.epoch).toBe(1);
    expect(events).toContainEqual({ type: "ledger-applied", index: 2, command: "set-primary" });
    const rejected = events.find((e) => e.type === "ledger-rejected");
    expect(rejected).toMatchObject({ index: 3, rejection: { code: "ledger.stale-epoch", epoch: 1 } });
    expect(host.propose({ type: "resume", by: "ops" }).ok).toBe(true);
    expect(host.ledgerState.index).toBe(4);
  });

  test("a message whose body names another sender than the envelope is dropped", () => {
    const c = new HostCluster(["a", "b", "c"]);
    const a = c.member("a");
    a.host.onMessage("b", { type: "heartbeat", from: "c", to: "a", term: 9, commit: 0 }, 0);
    expect(a.host.status().term).toBe(0);
    expect(a.events).toContainEqual({ type: "message-dropped", from: "b", reason: "sender-mismatch" });
    a.host.onMessage("b", { type: "nonsense" }, 0);
    expect(a.events.at(-1)).toMatchObject({ type: "message-dropped", reason: "raft.message-malformed" });
  });
});

describe("RaftHost restarts from disk", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "keel-raft-host-"));
    dirs.push(d);
    return d;
  };

  test("the ledger comes back from the log after a restart", () => {
    const dir = tmp();
    const opened = FileRaftStorage.open(dir);
    if (!opened.ok) throw new Error(opened.error.code);
    const first = single(opened.value);
    electSolo(first.host);
    first.host.propose({ type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
    first.host.propose({ type: "pause", by: "ops", reason: "maintenance", wallMs: 1_000 });
    const term = first.host.status().term;
    first.host.close();

    const reopened = FileRaftStorage.open(dir);
    if (!reopened.ok) throw new Error(reopened.error.code);
    const second = single(reopened.value);
    expect(second.host.status().term).toBe(term);
    electSolo(second.host);
    expect(second.host.ledgerState).toMatchObject({ primary: "db1:3306", epoch: 1, paused: { by: "ops" } });
    expect(second.host.status().term).toBe(term + 1);
    second.host.close();
  });

  test("compaction snapshots the ledger; a restart resumes from the snapshot plus the log tail", () => {
    const dir = tmp();
    const opened = FileRaftStorage.open(dir);
    if (!opened.ok) throw new Error(opened.error.code);
    const first = single(opened.value, [], 5);
    electSolo(first.host);
    for (let i = 0; i < 12; i++) first.host.propose({ type: "downtime-end", instance: `db${i}:3306` });
    first.host.propose({ type: "set-primary", primary: "db7:3306", expectedEpoch: 0 });
    const compactions = first.events.filter((e) => e.type === "compacted");
    expect(compactions.length).toBeGreaterThanOrEqual(2);
    expect(first.host.node.log.firstIndex()).toBeGreaterThan(1);
    first.host.close();

    const reopened = FileRaftStorage.open(dir);
    if (!reopened.ok) throw new Error(reopened.error.code);
    const loaded = reopened.value.load();
    expect(loaded.snapshot?.index).toBeGreaterThanOrEqual(10);
    const second = single(reopened.value, [], 5);
    electSolo(second.host);
    expect(second.host.ledgerState.primary).toBe("db7:3306");
    expect(second.host.ledgerState.index).toBeGreaterThanOrEqual(14);
    second.host.close();
  });

  test("an undecodable entry is rejected the same way, not a crash", () => {
    const { host, events } = single(new MemoryRaftStorage());
    electSolo(host);
    const r = host.node.propose(new TextEncoder().encode("{not json"));
    host.drain();
    expect(r.ok).toBe(true);
    expect(events.find((e) => e.type === "ledger-rejected")).toMatchObject({
      rejection: { code: "ledger.entry-malformed" },
    });
    expect(host.propose({ type: "resume", by: "x" }).ok).toBe(true);
    expect(encodeLedgerCommand({ type: "resume", by: "x" }).length).toBeGreaterThan(0);
  });
});
