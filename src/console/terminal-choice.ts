// Which terminfo entry to hand blessed for a given TERM, and whether to draw at all. Pure: the
// filesystem question ("is there a terminfo file blessed can parse?") comes in as a function.

export type IncapableReason = "no-tty" | "no-term" | "dumb";

export type TerminalChoice =
  | { capable: true; term: string; terminal: string }
  | { capable: false; term: string; reason: IncapableReason };

export interface TerminalFacts {
  term: string | undefined;
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
  /** True when the host has a terminfo file for this name in the format blessed can parse. */
  hasParseableTerminfo: (name: string) => boolean;
}

/** Every *-256color name gets xterm-256color: keel embeds that entry, so 256 colours never depend on the host. */
const TWO_FIFTY_SIX = /256colou?r/;

export function chooseTerminal(facts: TerminalFacts): TerminalChoice {
  const term = (facts.term ?? "").trim().toLowerCase();
  if (!facts.stdinIsTty || !facts.stdoutIsTty) return { capable: false, term, reason: "no-tty" };
  if (term === "") return { capable: false, term, reason: "no-term" };
  // dumb has no cursor addressing; a full-screen UI would be garbage.
  if (term === "dumb" || term === "unknown") return { capable: false, term, reason: "dumb" };
  if (TWO_FIFTY_SIX.test(term)) return { capable: true, term, terminal: "xterm-256color" };
  // screen, tmux, linux, vt100… are usually shipped by ncurses-base in the legacy format.
  if (facts.hasParseableTerminfo(term)) return { capable: true, term, terminal: term };
  // Unknown to this host (xterm-kitty, alacritty without its entry…): every modern emulator speaks xterm.
  return { capable: true, term, terminal: "xterm" };
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colour off, as does --no-color. */
export function colorsWanted(env: Record<string, string | undefined>, colorFlag = true): boolean {
  if (!colorFlag) return false;
  const noColor = env.NO_COLOR;
  return noColor === undefined || noColor === "";
}
