// Opens keel's full-screen terminal UI, or says plainly that this terminal can't host one.
// Owns the terminal's lifetime: whatever happens (quit key, error, SIGINT/SIGTERM/SIGHUP, process
// exit) the screen is torn down exactly once, leaving the shell as it was.
import blessed from "blessed";
import type { Widgets } from "blessed";
import { err, ok, type Result } from "../lib/result.ts";
import {
  describeTerminfo,
  hasParseableTerminfo,
  installEmbeddedTerminfo,
  type TputInternals,
} from "./embedded-terminfo.ts";
import { chooseTerminal, colorsWanted, type IncapableReason } from "./terminal-choice.ts";

export type TerminalError =
  | { code: "console.no-capable-terminal"; reason: IncapableReason; term: string }
  | { code: "console.screen-failed"; term: string; detail: string };

export interface OpenScreenOptions {
  env: Record<string, string | undefined>;
  /** false when --no-color was given; NO_COLOR is read from env. */
  color?: boolean;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

export interface TerminalInfo {
  /** TERM as the user's environment gave it. */
  term: string;
  /** The terminfo blessed loaded, e.g. "xterm-256color (embedded)". */
  terminfo: string;
  /** Colours the terminfo entry offers. */
  colorCount: number;
  /** Whether keel should draw with colour (entry offers it, and neither NO_COLOR nor --no-color). */
  colorEnabled: boolean;
}

export interface ScreenSession {
  screen: Widgets.Screen;
  info: TerminalInfo;
  /** Restores the terminal and settles `closed` with this exit code; later calls do nothing. */
  close(exitCode: number): void;
  /** Resolves once the screen is gone: 0 for a normal quit, 128+N for signal N; rejects on a crash. */
  closed: Promise<number>;
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function createScreen(terminal: string, opts: OpenScreenOptions): Widgets.Screen {
  return blessed.screen({
    terminal,
    input: opts.input ?? process.stdin,
    output: opts.output ?? process.stdout,
    smartCSR: true,
    // blessed would otherwise pop warning boxes (e.g. "Terminfo parse error") into keel's UI.
    warnings: false,
    // No `title`: inside tmux blessed polls stdout.bytesWritten before writing it, which Bun's
    // stdout never advances, so a 5 s interval kept keel alive after quitting.
    autoPadding: true,
  });
}

export function openScreen(opts: OpenScreenOptions): Result<ScreenSession, TerminalError> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  installEmbeddedTerminfo();
  const choice = chooseTerminal({
    term: opts.env.TERM,
    stdinIsTty: Boolean(input.isTTY),
    stdoutIsTty: Boolean(output.isTTY),
    hasParseableTerminfo,
  });
  if (!choice.capable)
    return err({ code: "console.no-capable-terminal", reason: choice.reason, term: choice.term });

  let screen: Widgets.Screen;
  try {
    screen = createScreen(choice.terminal, opts);
  } catch (e) {
    return err({
      code: "console.screen-failed",
      term: choice.term,
      detail: String((e as Error)?.message ?? e),
    });
  }
  const tput = (screen as unknown as { tput: TputInternals }).tput;
  // blessed reports -1 for an entry without colours (vt100).
  const colorCount = Math.max(0, tput.colors ?? 0);
  const info: TerminalInfo = {
    term: choice.term,
    terminfo: describeTerminfo(tput),
    colorCount,
    colorEnabled: colorCount > 2 && colorsWanted(opts.env, opts.color ?? true),
  };
  return ok(guardScreen(screen, info));
}

/** Ties the screen's teardown to every way the process can end. */
function guardScreen(screen: Widgets.Screen, info: TerminalInfo): ScreenSession {
  let settle: (code: number) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const closed = new Promise<number>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let open = true;
  const handlers = Object.entries(SIGNAL_EXIT_CODES).map(([signal, code]) => {
    const handler = () => close(code);
    process.on(signal as NodeJS.Signals, handler);
    return [signal as NodeJS.Signals, handler] as const;
  });
  const onExit = () => close(0);
  // An error thrown from a key or render handler: restore the terminal first, then let the
  // caller report it as one line (blessed's own handler would print a stack trace).
  const onCrash = (e: unknown) => teardown(() => fail(e));
  process.on("exit", onExit);
  process.on("uncaughtException", onCrash);

  function teardown(then: () => void): void {
    if (!open) return;
    open = false;
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off("exit", onExit);
    process.off("uncaughtException", onCrash);
    try {
      screen.destroy(); // leaves the alternate screen, shows the cursor, ends raw mode
    } finally {
      then();
    }
  }
  function close(exitCode: number): void {
    teardown(() => settle(exitCode));
  }
  return { screen, info, close, closed };
}
