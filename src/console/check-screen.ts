// The terminal smoke screen behind `keel tui-check`: proves blessed can draw, read keys and
// restore this terminal, and shows which terminfo and how many colours keel ended up with.
import blessed from "blessed";
import type { ScreenSession, TerminalInfo } from "./terminal.ts";

export const CHECK_ITEMS = ["alpha", "bravo", "charlie", "delta"] as const;
export const CHECK_TITLE = "keel terminal check";

/** Pure: the text of the info box for the current selection. */
export function checkScreenLines(info: TerminalInfo, selected: string): string[] {
  const colour = info.colorEnabled ? "on" : "off";
  return [
    CHECK_TITLE,
    "",
    `TERM: ${info.term}`,
    `terminfo: ${info.terminfo}`,
    `colours: ${info.colorCount} (${colour})`,
    `selected: ${selected}`,
    "",
    "Move with Up/Down or j/k; q or Ctrl-C quits.",
  ];
}

/** Draws the check screen on an open session; resolves with the exit code when it closes. */
export function runCheckScreen(session: ScreenSession): Promise<number> {
  const { screen, info } = session;
  const colour = info.colorEnabled;
  const box = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    width: "100%",
    height: 10,
    border: { type: "line" },
    label: " keel ",
    tags: false,
    content: checkScreenLines(info, CHECK_ITEMS[0]).join("\n"),
    style: colour ? { border: { fg: "cyan" } } : {},
  });
  const list = blessed.list({
    parent: screen,
    top: 10,
    left: 0,
    width: 30,
    height: CHECK_ITEMS.length + 2,
    border: { type: "line" },
    label: " items ",
    keys: true,
    vi: true,
    items: [...CHECK_ITEMS],
    style: colour
      ? { selected: { bg: "blue", fg: "white" }, border: { fg: "cyan" } }
      : { selected: { inverse: true } },
  });
  list.on("select item", (_item, index) => {
    box.setContent(checkScreenLines(info, CHECK_ITEMS[index] ?? "?").join("\n"));
    screen.render();
  });
  screen.key(["q", "C-c"], () => session.close(0));
  list.focus();
  screen.render();
  return session.closed;
}
