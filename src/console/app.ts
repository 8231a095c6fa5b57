// The blessed shell of `keel console`: one full-screen box redrawn from the pure frame on every
// snapshot, key and resize. It owns no logic of its own: keys go through keys.ts, data through
// console-state.ts, and the effects they return (run an action, quit) are carried out here.
import blessed from "blessed";
import type { Widgets } from "blessed";
import { wordError } from "../cli/render-error.ts";
import { CONSOLE_REFRESH_MS, CONSOLE_SOURCE_TIMEOUT_MS } from "../lib/limits.ts";
import type { RuntimeClock } from "../runtime/clock.ts";
import type { ActionRequest } from "./action-request.ts";
import { type ConsoleActions, runAction } from "./actions.ts";
import type { ConsoleSource } from "./console-source.ts";
import {
  actionFinished,
  actionStep,
  applySnapshot,
  type ConsoleState,
  sourceFailed,
} from "./console-state.ts";
import { renderFrame } from "./frame.ts";
import { handleKey } from "./keys.ts";
import { lineMarkup, type MarkupOptions } from "./line-markup.ts";
import type { ScreenSession } from "./terminal.ts";

export interface ConsoleAppOptions {
  session: ScreenSession;
  source: ConsoleSource;
  actions: ConsoleActions;
  initial: ConsoleState;
  clock: RuntimeClock;
  refreshMs?: number;
  /** Called after every state change (the shell's actions look up node ids in it). */
  onState?: (s: ConsoleState) => void;
}

/** The source's answer, or a problem line when it fails, throws or takes too long. */
async function fetchSnapshot(source: ConsoleSource) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ problem: string }>((resolve) => {
    timer = setTimeout(
      () => resolve({ problem: `no answer within ${CONSOLE_SOURCE_TIMEOUT_MS / 1000}s` }),
      CONSOLE_SOURCE_TIMEOUT_MS,
    );
  });
  try {
    const r = await Promise.race([source.snapshot(), timeout]);
    if ("problem" in r) return r;
    if (!r.ok) return { problem: wordError(r.error).problem };
    return { snapshot: r.value };
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** A sleep that can be cut short: after an action (to show its effect) and on exit. */
class Sleeper {
  private wakeUp: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  wake(): void {
    this.wakeUp?.();
    this.wakeUp = null;
  }
}

/** Asks the source for a snapshot every refresh until `isOpen` turns false. */
async function refreshLoop(
  o: ConsoleAppOptions,
  isOpen: () => boolean,
  apply: (got: Awaited<ReturnType<typeof fetchSnapshot>>) => void,
  sleeper: Sleeper,
): Promise<void> {
  const refreshMs = o.refreshMs ?? CONSOLE_REFRESH_MS;
  while (isOpen()) {
    const startedMs = o.clock.monoMs();
    const got = await fetchSnapshot(o.source);
    if (!isOpen()) break;
    apply(got);
    await sleeper.sleep(Math.max(50, refreshMs - (o.clock.monoMs() - startedMs)));
  }
}

export async function runConsoleApp(o: ConsoleAppOptions): Promise<number> {
  const { session, clock } = o;
  const { screen } = session;
  const markup: MarkupOptions = { color: session.info.colorEnabled, colorCount: session.info.colorCount };
  let state = o.initial;
  let open = true;
  const sleeper = new Sleeper();

  // Lines are already exactly the screen's width. blessed's wrapping would break a full-width line
  // that ends in a styled run at its last space, pushing every row below it down.
  const box = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    width: "100%",
    height: "100%",
    tags: true,
    wrap: false,
  });
  const draw = (): void => {
    if (!open) return;
    const lines = renderFrame(state, screen.width as number, screen.height as number, clock.wallMs());
    box.setContent(lines.map((l) => lineMarkup(l, markup)).join("\n"));
    screen.render();
  };
  const update = (next: ConsoleState): void => {
    state = next;
    o.onState?.(state);
    draw();
  };
  const run = (action: ActionRequest): void => {
    const progress = (text: string): void => update(actionStep(state, text, clock.wallMs()));
    void runAction(o.actions, action, progress).then((outcome) => {
      update(actionFinished(state, outcome, clock.wallMs()));
      sleeper.wake();
    });
  };

  screen.on("keypress", (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => {
    const r = handleKey(state, { name: key?.full ?? ch ?? "", ch: ch ?? null }, clock.wallMs());
    if (r.state !== state) update(r.state);
    for (const e of r.effects) {
      if (e.type === "quit") session.close(0);
      else run(e.action);
    }
  });
  screen.on("resize", draw);
  draw();

  const loop = refreshLoop(
    o,
    () => open,
    (got) =>
      update(
        "snapshot" in got
          ? applySnapshot(state, got.snapshot)
          : sourceFailed(state, got.problem, clock.wallMs()),
      ),
    sleeper,
  );
  try {
    return await session.closed;
  } finally {
    open = false;
    sleeper.wake();
    await loop.catch(() => {});
    await o.source.close();
  }
}
