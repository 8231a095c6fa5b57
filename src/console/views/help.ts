// Every key of the console, in one table: the key handler binds from it and `?` prints it, so the
// help can never drift from what the keys do.
import { type Line, LineBuilder, truncateLine, wrapText } from "./line.ts";

export type ConsoleAction =
  | "move-up"
  | "move-down"
  | "detail"
  | "switchover"
  | "failover"
  | "downtime"
  | "acknowledge"
  | "rejoin"
  | "pause-resume"
  | "help"
  | "back"
  | "quit";

export interface KeyBinding {
  /** blessed key names ("up", "k", "enter", "C-c"). */
  keys: readonly string[];
  action: ConsoleAction;
  description: string;
  /** Changes the topology; always asks for a confirmation naming what and where. */
  confirms: boolean;
}

export const CONSOLE_KEYS: readonly KeyBinding[] = [
  {
    keys: ["up", "k"],
    action: "move-up",
    description: "select the previous cluster or instance",
    confirms: false,
  },
  {
    keys: ["down", "j"],
    action: "move-down",
    description: "select the next cluster or instance",
    confirms: false,
  },
  {
    keys: ["enter"],
    action: "detail",
    description: "show every probe field of the selected instance",
    confirms: false,
  },
  {
    keys: ["s"],
    action: "switchover",
    description: "planned switchover: pick the new primary from a list",
    confirms: true,
  },
  {
    keys: ["f"],
    action: "failover",
    description: "failover (as keel failover): type the cluster name to confirm",
    confirms: true,
  },
  {
    keys: ["d"],
    action: "downtime",
    description: "downtime the selected instance for a duration",
    confirms: true,
  },
  {
    keys: ["a"],
    action: "acknowledge",
    description: "acknowledge the cluster's recoveries (lifts the anti-flap block)",
    confirms: true,
  },
  {
    keys: ["r"],
    action: "rejoin",
    description: "rejoin the selected old primary as a replica",
    confirms: true,
  },
  {
    keys: ["p"],
    action: "pause-resume",
    description: "pause or resume automatic recovery of the cluster",
    confirms: true,
  },
  { keys: ["?"], action: "help", description: "show this help", confirms: false },
  {
    keys: ["escape"],
    action: "back",
    description: "close the detail view, help or a dialog",
    confirms: false,
  },
  { keys: ["q", "C-c"], action: "quit", description: "quit and restore the terminal", confirms: false },
];

/** A key the caller added (the demo's K and R); it always asks to confirm. */
export interface ExtraKeyHelp {
  key: string;
  /** One or two words for the key-hint line. */
  hint: string;
  description: string;
}

const KEY_NAMES: Record<string, string> = {
  up: "Up",
  down: "Down",
  enter: "Enter",
  escape: "Esc",
  "C-c": "Ctrl-C",
};

export function keyLabel(key: string): string {
  return KEY_NAMES[key] ?? key;
}

const KEY_COLUMN = 12;

export function renderHelp(width: number, extra: readonly ExtraKeyHelp[] = []): Line[] {
  const lines: Line[] = [truncateLine(new LineBuilder().add("keel console keys", "heading").build(), width)];
  const narrow = width - KEY_COLUMN < 20;
  const added = extra.map((e) => ({ keys: [e.key], description: e.description, confirms: true }));
  for (const k of [...added, ...CONSOLE_KEYS]) {
    const keys = k.keys.map(keyLabel).join(" / ");
    const text = k.confirms ? `${k.description} (asks to confirm)` : k.description;
    const head = new LineBuilder().add("  ").cell(keys, KEY_COLUMN - 2, "primary");
    const wrapped = wrapText(text, narrow ? width - 4 : width - KEY_COLUMN);
    const indent = narrow ? 4 : KEY_COLUMN;
    if (!narrow) head.add(wrapped.shift() ?? "");
    lines.push(truncateLine(head.build(), width));
    for (const w of wrapped)
      lines.push(truncateLine(new LineBuilder().add(" ".repeat(indent) + w).build(), width));
  }
  return lines;
}

/** The one-line key reminder at the bottom of the screen; added keys first, so they show. */
export function renderKeyHints(width: number, extra: readonly ExtraKeyHelp[] = []): Line {
  const b = new LineBuilder();
  const hints: [string, string][] = [
    ...extra.map((e): [string, string] => [e.key, e.hint]),
    ["j/k", "move"],
    ["Enter", "detail"],
    ["s", "switchover"],
    ["f", "failover"],
    ["d", "downtime"],
    ["a", "ack"],
    ["r", "rejoin"],
    ["p", "pause"],
    ["?", "help"],
    ["q", "quit"],
  ];
  hints.forEach(([key, word], i) => {
    if (i > 0) b.add("  ");
    b.add(key, "primary").add(` ${word}`);
  });
  return truncateLine(b.build(), width);
}
