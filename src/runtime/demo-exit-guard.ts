// Whatever way `keel demo` ends (q, Ctrl-C, SIGTERM, SIGHUP, an error, a crash), the servers and
// agents it started stop with it, unless --keep. The normal path stops them gracefully; this guard
// is the fallback that runs where async code can't: signal handlers and the process 'exit' event.
import { rmSync } from "node:fs";
import { teardownSandboxSync } from "../sandbox/teardown-sync.ts";

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export interface DemoExitGuard {
  /**
   * After the normal (graceful) stop: kills whatever it left, removes the dir when the demo made
   * it, and removes the process hooks. Does no teardown with --keep.
   */
  finish(): void;
}

export interface ExitGuardOptions {
  dir: string;
  keep: boolean;
  /** The demo made `dir` itself (a fresh temp dir), so it removes it entirely. */
  removeDir: boolean;
  say(text: string): void;
}

export function guardDemoExit(o: ExitGuardOptions): DemoExitGuard {
  let armed = !o.keep;
  const teardown = (): void => {
    if (!armed) return;
    armed = false;
    teardownSandboxSync(o.dir);
    if (o.removeDir) rmSync(o.dir, { recursive: true, force: true });
  };
  // Signals during setup or the headless story: stop everything now (SIGKILL) and exit. While
  // the console runs its own handler restores the terminal, in the 'exit' event that follows.
  const handlers = Object.entries(SIGNAL_EXIT_CODES).map(([signal, code]) => {
    const handler = (): void => {
      if (armed) o.say(`keel demo: ${signal}: stopping the servers and agents`);
      teardown();
      process.exit(code);
    };
    process.on(signal as NodeJS.Signals, handler);
    return [signal as NodeJS.Signals, handler] as const;
  });
  process.on("exit", teardown);
  return {
    finish: () => {
      teardown();
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off("exit", teardown);
    },
  };
}
