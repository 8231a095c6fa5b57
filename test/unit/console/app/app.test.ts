// The blessed shell on a fake terminal: it draws what the source says, carries out the effects
// keys return (an action runs once, its result is logged, q ends the session), shows a failing
// source in the header instead of crashing, and closes the source on the way out.
import { describe, expect, test } from "bun:test";
import { PassThrough, Writable } from "node:stream";
import type { ActionResult, ConsoleActions } from "../../../../src/console/actions.ts";
import { runConsoleApp } from "../../../../src/console/app.ts";
import type { ConsoleSnapshot, ConsoleSource } from "../../../../src/console/console-source.ts";
import { type ConsoleState, initialState } from "../../../../src/console/console-state.ts";
import { openScreen } from "../../../../src/console/terminal.ts";
import type { Result } from "../../../../src/lib/result.ts";
import { snapshot, WALL_MS } from "./snapshot-fixture.ts";

function fakeTty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input });
  let written = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString("utf8");
      done();
    },
  });
  const output = Object.assign(sink, { isTTY: true, columns: 100, rows: 30 });
  return { input, output, written: () => written };
}

function fakeSource(answers: Result<ConsoleSnapshot, { code: string }>[]) {
  let calls = 0;
  let closed = false;
  const source: ConsoleSource = {
    snapshot: async () =>
      answers[Math.min(calls++, answers.length - 1)] as Result<ConsoleSnapshot, { code: string }>,
    close: async () => {
      closed = true;
    },
  };
  return { source, calls: () => calls, closed: () => closed };
}

function fakeActions(calls: string[]): ConsoleActions {
  const done =
    (what: string) =>
    async (...args: unknown[]): Promise<ActionResult> => {
      calls.push(`${what} ${String(args[0])}`);
      const progress = args.at(-1) as (t: string) => void;
      progress(`${what} step one`);
      return { ok: true, value: `${what} finished` };
    };
  return {
    switchover: done("switchover"),
    failover: done("failover"),
    downtime: done("downtime"),
    ack: done("ack"),
    rejoin: done("rejoin"),
    pause: done("pause"),
    resume: done("resume"),
  };
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

function start(answers: Result<ConsoleSnapshot, { code: string }>[], calls: string[] = []) {
  const tty = fakeTty();
  const opened = openScreen({
    env: { TERM: "xterm-256color" },
    input: tty.input as unknown as NodeJS.ReadStream,
    output: tty.output as unknown as NodeJS.WriteStream,
  });
  if (!opened.ok) throw new Error(opened.error.code);
  const src = fakeSource(answers);
  let latest: ConsoleState = initialState({ operator: "alice" });
  const done = runConsoleApp({
    session: opened.value,
    source: src.source,
    actions: fakeActions(calls),
    initial: latest,
    clock: { monoMs: () => performance.now(), wallMs: () => WALL_MS },
    refreshMs: 20,
    onState: (s) => {
      latest = s;
    },
  });
  return { tty, src, done, state: () => latest, type: (keys: string) => tty.input.write(keys) };
}

describe("console app on a fake terminal", () => {
  test("draws the snapshot, runs a confirmed action once with its steps and result, q quits", async () => {
    const calls: string[] = [];
    const app = start([{ ok: true, value: snapshot() }], calls);
    await until(() => app.tty.written().includes("127.0.0.1:31002"));
    app.type("a");
    await until(() => app.state().dialog?.kind === "confirm");
    app.type("y");
    await until(() => app.state().log.some((e) => e.text === "acknowledge main: done: ack finished"));
    expect(calls).toEqual(["ack main"]);
    expect(app.state().log.map((e) => e.text)).toContain("ack step one");
    expect(app.state().running).toBeNull();
    app.type("q");
    expect(await app.done).toBe(0);
    expect(app.src.closed()).toBe(true);
  });

  test("a failing source shows SOURCE LOST in the header and keeps the last data", async () => {
    const app = start([
      { ok: true, value: snapshot() },
      { ok: false, error: { code: "read.agent-unreachable" } },
    ]);
    await until(() => app.state().link.kind === "lost");
    expect(app.state().data?.clusters.length).toBe(2);
    await until(() => app.tty.written().includes("SOURCE LOST"));
    app.type("\x03"); // Ctrl-C
    expect(await app.done).toBe(0);
  });

  test("a source that throws is a lost source too, never a crash", async () => {
    const tty = fakeTty();
    const opened = openScreen({
      env: { TERM: "xterm" },
      input: tty.input as unknown as NodeJS.ReadStream,
      output: tty.output as unknown as NodeJS.WriteStream,
    });
    if (!opened.ok) throw new Error(opened.error.code);
    let states: ConsoleState[] = [];
    const done = runConsoleApp({
      session: opened.value,
      source: {
        snapshot: async () => {
          throw new Error("socket exploded");
        },
        close: async () => {},
      },
      actions: fakeActions([]),
      initial: initialState({ operator: "a" }),
      clock: { monoMs: () => performance.now(), wallMs: () => WALL_MS },
      refreshMs: 20,
      onState: (s) => {
        states = [...states, s];
      },
    });
    await until(() => states.some((s) => s.link.kind === "lost" && s.link.problem === "socket exploded"));
    tty.input.write("q");
    expect(await done).toBe(0);
  });
});
