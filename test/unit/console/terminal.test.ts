import { describe, expect, test } from "bun:test";
import { PassThrough, Writable } from "node:stream";
import { renderError } from "../../../src/cli/render-error.ts";
import { CHECK_TITLE, checkScreenLines } from "../../../src/console/check-screen.ts";
import { openScreen, type ScreenSession } from "../../../src/console/terminal.ts";
import { chooseTerminal, colorsWanted, type TerminalFacts } from "../../../src/console/terminal-choice.ts";

function facts(term: string | undefined, known: string[] = [], tty = true): TerminalFacts {
  return { term, stdinIsTty: tty, stdoutIsTty: tty, hasParseableTerminfo: (n) => known.includes(n) };
}

describe("chooseTerminal", () => {
  const hostKnows = ["xterm", "screen", "linux", "vt100", "tmux"];
  test.each([
    ["xterm", "xterm"],
    ["screen", "screen"],
    ["linux", "linux"],
    ["vt100", "vt100"],
    ["xterm-256color", "xterm-256color"],
    ["screen-256color", "xterm-256color"],
    ["tmux-256color", "xterm-256color"],
    ["rxvt-unicode-256color", "xterm-256color"],
    ["XTERM-256COLOR", "xterm-256color"],
    ["xterm-kitty", "xterm"],
    ["keel-unknown-term", "xterm"],
  ])("TERM=%s draws with terminfo %s", (term, terminal) => {
    expect(chooseTerminal(facts(term, hostKnows))).toEqual({
      capable: true,
      term: term.toLowerCase(),
      terminal,
    });
  });

  test("a TERM the host lacks (no ncurses-base) falls back to xterm, never a crash", () => {
    for (const term of ["screen", "linux", "vt100"]) {
      expect(chooseTerminal(facts(term, []))).toMatchObject({ capable: true, terminal: "xterm" });
    }
  });

  test("no full-screen UI without a terminal, without TERM, or on a dumb one", () => {
    expect(chooseTerminal(facts("xterm", ["xterm"], false))).toEqual({
      capable: false,
      term: "xterm",
      reason: "no-tty",
    });
    const halfTty = { ...facts("xterm", ["xterm"]), stdoutIsTty: false };
    expect(chooseTerminal(halfTty)).toMatchObject({ capable: false, reason: "no-tty" });
    expect(chooseTerminal(facts(undefined))).toMatchObject({ capable: false, reason: "no-term" });
    expect(chooseTerminal(facts("  "))).toMatchObject({ capable: false, reason: "no-term" });
    expect(chooseTerminal(facts("dumb", ["dumb"]))).toEqual({ capable: false, term: "dumb", reason: "dumb" });
  });
});

describe("colorsWanted", () => {
  test("NO_COLOR with any non-empty value, or --no-color, turns colour off", () => {
    expect(colorsWanted({})).toBe(true);
    expect(colorsWanted({ NO_COLOR: "" })).toBe(true);
    expect(colorsWanted({ NO_COLOR: "1" })).toBe(false);
    expect(colorsWanted({ NO_COLOR: "0" })).toBe(false);
    expect(colorsWanted({}, false)).toBe(false);
  });
});

describe("check screen text", () => {
  test("names the terminal, its terminfo, colours and the selection", () => {
    const info = {
      term: "tmux-256color",
      terminfo: "xterm-256color (embedded)",
      colorCount: 256,
      colorEnabled: true,
    };
    const lines = checkScreenLines(info, "bravo");
    expect(lines[0]).toBe(CHECK_TITLE);
    expect(lines).toContain("TERM: tmux-256color");
    expect(lines).toContain("terminfo: xterm-256color (embedded)");
    expect(lines).toContain("colours: 256 (on)");
    expect(lines).toContain("selected: bravo");
    expect(checkScreenLines({ ...info, colorEnabled: false }, "alpha")).toContain("colours: 256 (off)");
  });
});

/** Stream pair that blessed accepts as a terminal, writing into a buffer instead of a tty. */
function fakeTty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input });
  let written = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString("latin1");
      done();
    },
  });
  const output = Object.assign(sink, { isTTY: true, columns: 80, rows: 24 });
  return {
    input: input as unknown as NodeJS.ReadStream,
    output: output as unknown as NodeJS.WriteStream,
    written: () => written,
  };
}

function openFake(env: Record<string, string>): ScreenSession & { written: () => string } {
  const tty = fakeTty();
  const r = openScreen({ env, input: tty.input, output: tty.output });
  if (!r.ok) throw new Error(`openScreen failed: ${r.error.code}`);
  return Object.assign(r.value, { written: tty.written });
}

const ENTER_ALT_SCREEN = "\x1b[?1049h";
const LEAVE_ALT_SCREEN = "\x1b[?1049l";
const SHOW_CURSOR = "\x1b[?25h";
/** blessed buffers its output until the next tick. */
const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("openScreen", () => {
  test("reports no capable terminal instead of drawing on a pipe or a dumb terminal", () => {
    const pipe = { isTTY: false } as unknown as NodeJS.ReadStream;
    const r = openScreen({
      env: { TERM: "xterm" },
      input: pipe,
      output: pipe as unknown as NodeJS.WriteStream,
    });
    expect(r).toEqual({
      ok: false,
      error: { code: "console.no-capable-terminal", reason: "no-tty", term: "xterm" },
    });
    const tty = fakeTty();
    const dumb = openScreen({ env: { TERM: "dumb" }, input: tty.input, output: tty.output });
    expect(dumb.ok ? undefined : dumb.error).toMatchObject({ reason: "dumb" });
    if (!dumb.ok)
      expect(renderError(dumb.error)).toMatch(/^keel: no capable terminal: TERM=dumb .*; fix: .+/);
  });

  test("a 256-colour TERM gets 256 colours; NO_COLOR keeps the count but turns drawing colour off", () => {
    const s = openFake({ TERM: "tmux-256color" });
    expect(s.info).toMatchObject({ term: "tmux-256color", colorCount: 256, colorEnabled: true });
    expect(s.info.terminfo).toStartWith("xterm-256color");
    s.close(0);
    const plain = openFake({ TERM: "xterm-256color", NO_COLOR: "1" });
    expect(plain.info).toMatchObject({ colorCount: 256, colorEnabled: false });
    plain.close(0);
  });

  test("close restores the terminal once and settles with the first exit code; listeners are removed", async () => {
    const before = process.listenerCount("SIGTERM");
    const s = openFake({ TERM: "xterm" });
    s.screen.render();
    await flushed();
    expect(s.written()).toContain(ENTER_ALT_SCREEN);
    expect(s.written()).not.toContain(LEAVE_ALT_SCREEN);
    expect(process.listenerCount("SIGTERM")).toBeGreaterThan(before);
    s.close(0);
    await flushed();
    const restored = s.written();
    expect(restored.lastIndexOf(LEAVE_ALT_SCREEN)).toBeGreaterThan(restored.lastIndexOf(ENTER_ALT_SCREEN));
    expect(restored).toContain(SHOW_CURSOR);
    s.close(1);
    await flushed();
    expect(s.written()).toBe(restored);
    expect(await s.closed).toBe(0);
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });

  test("SIGINT and SIGTERM close the screen with 128+signal", async () => {
    for (const [signal, code] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const) {
      const s = openFake({ TERM: "xterm" });
      const ours = process.listeners(signal).at(-1) as () => void;
      ours();
      expect(await s.closed).toBe(code);
      await flushed();
      expect(s.written()).toContain(LEAVE_ALT_SCREEN);
    }
  });
});
