import { describe, expect, test } from "bun:test";
import {
  LEDGER_DOWNTIMES_MAX,
  LEDGER_FINISHED_RECOVERIES_MAX,
  LEDGER_TEXT_CHARS_MAX,
} from "../../../src/lib/limits.ts";
import { Ledger } from "../../../src/raft/ledger.ts";
import {
  decodeLedgerCommand,
  encodeLedgerCommand,
  type LedgerCommand,
} from "../../../src/raft/ledger-commands.ts";
import type { Entry } from "../../../src/raft/messages.ts";

let nextIndex = 1;
const entry = (cmd: LedgerCommand | null): Entry => ({
  index: nextIndex++,
  term: 1,
  data: cmd ? encodeLedgerCommand(cmd) : new Uint8Array(0),
});
const run = (l: Ledger, cmd: LedgerCommand) => l.apply(entry(cmd));
const codeOf = (r: ReturnType<Ledger["apply"]>) => (r.ok ? "ok" : r.error.code);

describe("primary and epoch (fencing)", () => {
  test("set-primary is compare-and-set on the epoch", () => {
    const l = new Ledger();
    expect(codeOf(run(l, { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 }))).toBe("ok");
    expect(l.state).toMatchObject({ primary: "db1:3306", epoch: 1 });
    const stale = run(l, { type: "set-primary", primary: "db2:3306", expectedEpoch: 0 });
    expect(stale.ok ? null : stale.error).toMatchObject({
      code: "ledger.stale-epoch",
      expectedEpoch: 0,
      epoch: 1,
    });
    expect(l.state.primary).toBe("db1:3306");
    expect(codeOf(run(l, { type: "set-primary", primary: "db2:3306", expectedEpoch: 1 }))).toBe("ok");
    expect(l.state.epoch).toBe(2);
  });

  test("no-ops and replays advance nothing but the index", () => {
    const l = new Ledger();
    const e = entry({ type: "set-primary", primary: "a", expectedEpoch: 0 });
    l.apply(e);
    expect(l.apply(e)).toEqual({ ok: true, value: { applied: "no-op" } });
    expect(l.state.epoch).toBe(1);
    expect(l.apply(entry(null))).toEqual({ ok: true, value: { applied: "no-op" } });
    expect(l.state.index).toBe(nextIndex - 1);
  });
});

describe("recoveries", () => {
  const detected = (id: string, failedInstance = "db1:3306"): LedgerCommand => ({
    type: "recovery-detected",
    id,
    analysis: "DeadPrimary",
    failedInstance,
    wallMs: 1_000,
  });

  test("detected → planned → steps → finished → acknowledged", () => {
    const l = new Ledger();
    expect(codeOf(run(l, detected("r1")))).toBe("ok");
    expect(l.activeRecovery()?.id).toBe("r1");
    run(l, { type: "recovery-planned", id: "r1", steps: ["fence", "promote"], successor: "db2:3306" });
    run(l, { type: "recovery-step", id: "r1", step: 0, status: "done", detail: "read_only=ON" });
    expect(codeOf(run(l, { type: "recovery-ack", id: "r1", by: "ops", comment: "early", wallMs: 2 }))).toBe(
      "ledger.bad-transition",
    );
    run(l, { type: "recovery-step", id: "r1", step: 1, status: "done", detail: "" });
    run(l, { type: "recovery-finished", id: "r1", outcome: "finished", detail: "ok", wallMs: 3_000 });
    expect(l.activeRecovery()).toBeNull();
    expect(
      codeOf(run(l, { type: "recovery-ack", id: "r1", by: "ops", comment: "fine", wallMs: 4_000 })),
    ).toBe("ok");
    const r = l.state.recoveries[0];
    expect(r?.steps.map((s) => s.status)).toEqual(["done", "done"]);
    expect(r?.acknowledged?.by).toBe("ops");
  });

  test("one active recovery per failed instance; unknown ids and bad steps are refused", () => {
    const l = new Ledger();
    run(l, detected("r1"));
    const dup = run(l, detected("r2"));
    expect(dup.ok ? null : dup.error).toMatchObject({ code: "ledger.recovery-in-progress", activeId: "r1" });
    expect(codeOf(run(l, detected("r3", "db9:3306")))).toBe("ok");
    expect(codeOf(run(l, { type: "recovery-planned", id: "nope", steps: [], successor: null }))).toBe(
      "ledger.unknown-recovery",
    );
    run(l, { type: "recovery-planned", id: "r1", steps: ["x"], successor: null });
    expect(codeOf(run(l, { type: "recovery-step", id: "r1", step: 5, status: "done", detail: "" }))).toBe(
      "ledger.bad-transition",
    );
  });

  test(`keeps the newest ${LEDGER_FINISHED_RECOVERIES_MAX} finished recoveries`, () => {
    const l = new Ledger();
    for (let i = 0; i <= LEDGER_FINISHED_RECOVERIES_MAX; i++) {
      run(l, detected(`r${i}`));
      run(l, { type: "recovery-finished", id: `r${i}`, outcome: "failed", detail: "", wallMs: i });
    }
    run(l, detected("last"));
    expect(l.state.recoveries.length).toBe(LEDGER_FINISHED_RECOVERIES_MAX + 1);
    expect(l.state.recoveries[0]?.id).toBe("r1");
  });
});

describe("pause, downtime, switchover", () => {
  test("pause and resume", () => {
    const l = new Ledger();
    run(l, { type: "pause", by: "ops", reason: "maintenance", wallMs: 5 });
    expect(l.state.paused).toEqual({ by: "ops", reason: "maintenance", sinceWallMs: 5 });
    run(l, { type: "resume", by: "ops" });
    expect(l.state.paused).toBeNull();
  });

  test("downtime windows expire by the wall time asked about, and are bounded", () => {
    const l = new Ledger();
    run(l, { type: "downtime-begin", instance: "db1", untilWallMs: 100, reason: "r", owner: "o" });
    expect(l.isDowntimed("db1", 99)).toBe(true);
    expect(l.isDowntimed("db1", 100)).toBe(false);
    run(l, { type: "downtime-end", instance: "db1" });
    expect(l.isDowntimed("db1", 0)).toBe(false);
    for (let i = 0; i < LEDGER_DOWNTIMES_MAX; i++)
      expect(
        codeOf(run(l, { type: "downtime-begin", instance: `i${i}`, untilWallMs: 1, reason: "", owner: "" })),
      ).toBe("ok");
    const over = run(l, {
      type: "downtime-begin",
      instance: "one-more",
      untilWallMs: 1,
      reason: "",
      owner: "",
    });
    expect(codeOf(over)).toBe("ledger.limit-reached");
  });

  test("one switchover intent at a time", () => {
    const l = new Ledger();
    const intent = (id: string): LedgerCommand => ({
      type: "switchover-intent",
      id,
      from: "a",
      to: "b",
      by: "ops",
      wallMs: 1,
    });
    expect(codeOf(run(l, intent("s1")))).toBe("ok");
    expect(codeOf(run(l, intent("s2")))).toBe("ledger.switchover-in-progress");
    run(l, { type: "switchover-clear", id: "s1" });
    expect(codeOf(run(l, intent("s2")))).toBe("ok");
  });
});

describe("decoding and snapshots", () => {
  test.each([
    ["not json", new TextEncoder().encode("{"), ""],
    ["unknown type", encodeLedgerCommand({ type: "nope" } as unknown as LedgerCommand), "type"],
    [
      "unknown analysis",
      new TextEncoder().encode(
        '{"type":"recovery-detected","id":"r","analysis":"X","failedInstance":"a","wallMs":1}',
      ),
      "analysis",
    ],
    [
      "overlong text",
      encodeLedgerCommand({ type: "resume", by: "x".repeat(LEDGER_TEXT_CHARS_MAX + 1) }),
      "by",
    ],
  ])("refuses %s, naming the field", (_name, data, field) => {
    const r = decodeLedgerCommand(data);
    expect(r.ok ? null : r.error).toEqual({ code: "ledger.entry-malformed", field });
  });

  test("a malformed entry is consumed identically (index advances, state doesn't)", () => {
    const l = new Ledger();
    const r = l.apply({ index: 7, term: 1, data: new Uint8Array([0xff]) });
    expect(codeOf(r)).toBe("ledger.entry-malformed");
    expect(l.state.index).toBe(7);
  });

  test("snapshot and restore give the same state, and the same answers afterwards", () => {
    const l = new Ledger();
    run(l, { type: "set-primary", primary: "db1", expectedEpoch: 0 });
    run(l, { type: "downtime-begin", instance: "db3", untilWallMs: 50, reason: "disk", owner: "ops" });
    run(l, { type: "recovery-detected", id: "r", analysis: "DeadPrimary", failedInstance: "db1", wallMs: 9 });
    const copy = Ledger.restore(l.snapshot());
    if (!copy.ok) throw new Error(copy.error.code);
    expect(copy.value.state).toEqual(l.state);
    const next = entry({ type: "set-primary", primary: "db2", expectedEpoch: 1 });
    expect(copy.value.apply(next)).toEqual(l.apply(next));
    expect(copy.value.state).toEqual(l.state);
    expect(Ledger.restore(new TextEncoder().encode("[]")).ok).toBe(false);
  });
});

describe("a command committed twice (a retried proposal) is an exact repeat, not a rejection", () => {
  const repeatOf = (r: ReturnType<Ledger["apply"]>) => (r.ok ? r.value : r.error);

  test("set-primary: the copy answers applied (repeat) and moves nothing", () => {
    const l = new Ledger();
    const cmd: LedgerCommand = { type: "set-primary", primary: "db2:3306", expectedEpoch: 0 };
    expect(repeatOf(run(l, cmd))).toEqual({ applied: "set-primary" });
    expect(repeatOf(run(l, cmd))).toEqual({ applied: "set-primary", repeat: true });
    expect(l.state).toMatchObject({ primary: "db2:3306", epoch: 1 });
    // Not a repeat: another primary at the old epoch, or the same one two epochs back.
    expect(codeOf(run(l, { type: "set-primary", primary: "db3:3306", expectedEpoch: 0 }))).toBe(
      "ledger.stale-epoch",
    );
    run(l, { type: "set-primary", primary: "db3:3306", expectedEpoch: 1 });
    expect(codeOf(run(l, cmd))).toBe("ledger.stale-epoch");
    expect(l.state).toMatchObject({ primary: "db3:3306", epoch: 2 });
  });

  test("switchover-intent: the same id repeats; another id is still refused", () => {
    const l = new Ledger();
    const intent = (id: string): LedgerCommand => ({
      type: "switchover-intent",
      id,
      from: "db1",
      to: "db2",
      by: "ops",
      wallMs: 1,
    });
    run(l, intent("s1"));
    expect(repeatOf(run(l, intent("s1")))).toEqual({ applied: "switchover-intent", repeat: true });
    expect(codeOf(run(l, intent("s2")))).toBe("ledger.switchover-in-progress");
    expect(l.state.switchover?.id).toBe("s1");
  });

  test("recovery detected/planned/finished: each copy repeats; the record is not duplicated", () => {
    const l = new Ledger();
    const detected: LedgerCommand = {
      type: "recovery-detected",
      id: "r1",
      analysis: "DeadPrimary",
      failedInstance: "db1:3306",
      wallMs: 5,
    };
    const planned: LedgerCommand = {
      type: "recovery-planned",
      id: "r1",
      steps: ["a", "b"],
      successor: "db2",
    };
    const finished: LedgerCommand = {
      type: "recovery-finished",
      id: "r1",
      outcome: "finished",
      detail: "ok",
      wallMs: 9,
    };
    for (const cmd of [detected, planned, finished]) {
      expect(codeOf(run(l, cmd))).toBe("ok");
      expect(repeatOf(run(l, cmd))).toEqual({ applied: cmd.type, repeat: true });
    }
    expect(repeatOf(run(l, detected))).toEqual({ applied: "recovery-detected", repeat: true });
    expect(l.state.recoveries.length).toBe(1);
    expect(l.state.recoveries[0]).toMatchObject({ state: "finished", detail: "ok" });
    // A different plan or outcome for the same id is still a bad transition.
    expect(codeOf(run(l, { ...planned, successor: "db3" } as LedgerCommand))).toBe("ledger.bad-transition");
    expect(codeOf(run(l, { ...finished, outcome: "failed" } as LedgerCommand))).toBe("ledger.bad-transition");
  });
});

describe("instance names are data, never object keys with meaning", () => {
  test("a downtime on '__proto__' is an ordinary entry, live and after restore alike", () => {
    const l = new Ledger();
    run(l, { type: "downtime-begin", instance: "__proto__", untilWallMs: 100, reason: "r", owner: "o" });
    run(l, { type: "downtime-begin", instance: "db1:3306", untilWallMs: 100, reason: "r", owner: "o" });
    expect(l.isDowntimed("__proto__", 50)).toBe(true);
    expect(l.isDowntimed("constructor", 50)).toBe(false);
    expect(Object.keys(l.state.downtimes).sort()).toEqual(["__proto__", "db1:3306"]);
    const copy = Ledger.restore(l.snapshot());
    if (!copy.ok) throw new Error(copy.error.code);
    expect(Object.keys(copy.value.state.downtimes).sort()).toEqual(["__proto__", "db1:3306"]);
    expect(copy.value.isDowntimed("__proto__", 50)).toBe(true);
    const end = entry({ type: "downtime-end", instance: "__proto__" });
    copy.value.apply(end);
    l.apply(end);
    expect(Object.keys(copy.value.state.downtimes)).toEqual(["db1:3306"]);
    expect(copy.value.snapshot()).toEqual(l.snapshot());
  });

  test("the decoder takes a node id or host:port, nothing else", () => {
    const begin = (instance: string) =>
      decodeLedgerCommand(
        encodeLedgerCommand({ type: "downtime-begin", instance, untilWallMs: 1, reason: "", owner: "" }),
      );
    for (const good of ["db1", "db1:3306", "10.0.0.7:3306", "[::1]:3306", "db-1.example.com:33060"])
      expect(begin(good).ok).toBe(true);
    for (const bad of ["", "db 1", "db1:", "db1:0", "db1:70000", "a:b:c", "x".repeat(65), "db1;drop"]) {
      const r = begin(bad);
      expect(r.ok ? null : r.error).toEqual({ code: "ledger.entry-malformed", field: "instance" });
    }
  });

  test("restore refuses a snapshot whose parts are of the wrong kind", () => {
    const good = JSON.parse(new TextDecoder().decode(new Ledger().snapshot())) as Record<string, unknown>;
    const restores = (patch: Record<string, unknown>) =>
      Ledger.restore(new TextEncoder().encode(JSON.stringify({ ...good, ...patch }))).ok;
    expect(restores({})).toBe(true);
    expect(restores({ primary: 7 })).toBe(false);
    expect(restores({ downtimes: [] })).toBe(false);
    expect(restores({ downtimes: { db1: { untilWallMs: "soon" } } })).toBe(false);
    expect(restores({ recoveries: [{ id: "r" }] })).toBe(false);
    expect(restores({ switchover: { id: "s" } })).toBe(false);
    expect(restores({ paused: true })).toBe(false);
  });
});

describe("only the driving leader's decisions count", () => {
  const planned = (l: Ledger) => {
    run(l, {
      type: "recovery-detected",
      id: "r9",
      analysis: "DeadPrimary",
      failedInstance: "db1",
      wallMs: 1,
    });
    run(l, { type: "recovery-planned", id: "r9", steps: ["fence:db1", "promote:db2"], successor: "db2" });
  };

  test("a step's first outcome stands: a different late one is refused, the same one is a repeat", () => {
    const l = new Ledger();
    planned(l);
    const step = { type: "recovery-step", id: "r9", step: 1, detail: "" } as const;
    expect(codeOf(run(l, { ...step, status: "failed", detail: "late, from a deposed leader" }))).toBe("ok");
    const late = run(l, { ...step, status: "done" });
    expect(late.ok ? null : late.error).toMatchObject({
      code: "ledger.step-recorded",
      step: 1,
      status: "failed",
    });
    expect(l.state.recoveries[0]?.steps[1]).toMatchObject({
      status: "failed",
      detail: "late, from a deposed leader",
    });
    const again = run(l, { ...step, status: "failed", detail: "retried" });
    expect(again.ok ? again.value : null).toEqual({ applied: "recovery-step", repeat: true });
  });

  test("a command stamped with its proposer's term applies only in that term", () => {
    const l = new Ledger();
    planned(l);
    const cmd: LedgerCommand = {
      type: "recovery-step",
      id: "r9",
      step: 0,
      status: "done",
      detail: "",
      term: 3,
    };
    const data = encodeLedgerCommand(cmd);
    const stale = l.apply({ index: nextIndex++, term: 4, data });
    expect(stale.ok ? null : stale.error).toMatchObject({ code: "ledger.stale-term", term: 3, entryTerm: 4 });
    expect(l.state.recoveries[0]?.steps[0]?.status).toBe("pending");
    expect(codeOf(l.apply({ index: nextIndex++, term: 3, data }))).toBe("ok");
    expect(l.state.recoveries[0]?.steps[0]?.status).toBe("done");
  });

  test("the term survives encoding; a bad one is malformed; absent stays absent", () => {
    const cmd: LedgerCommand = { type: "pause", by: "a", reason: "b", wallMs: 1, term: 5 };
    expect(decodeLedgerCommand(encodeLedgerCommand(cmd))).toEqual({ ok: true, value: cmd });
    const bad = new TextEncoder().encode(JSON.stringify({ ...cmd, term: -2 }));
    expect(decodeLedgerCommand(bad)).toEqual({
      ok: false,
      error: { code: "ledger.entry-malformed", field: "term" },
    });
    const plain = decodeLedgerCommand(encodeLedgerCommand({ type: "resume", by: "a" }));
    expect(plain.ok && "term" in plain.value).toBe(false);
  });
});
