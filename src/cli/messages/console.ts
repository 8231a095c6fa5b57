import type { TerminalError } from "../../console/terminal.ts";
import { defineMessages } from "./define.ts";

const WHY_NOT: Record<string, (term: string) => string> = {
  "no-tty": () => "standard input or output is not a terminal",
  "no-term": () => "TERM is not set",
  dumb: (term) => `TERM=${term} has no cursor addressing`,
};

export const consoleMessages = defineMessages<TerminalError>({
  "console.no-capable-terminal": (e) => ({
    problem: `no capable terminal: ${(WHY_NOT[e.reason] ?? (() => e.reason))(e.term)}`,
    fix: "run keel from an interactive terminal with TERM set (e.g. xterm-256color); other commands print plain text here",
  }),
  "console.screen-failed": (e) => ({
    problem: `could not open the terminal screen for TERM=${e.term}: ${e.detail}`,
    fix: "try TERM=xterm-256color or TERM=xterm, or use keel's plain-text commands",
  }),
});
