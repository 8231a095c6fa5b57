// The full-screen terminal UI (blessed, its terminfo) is loaded only by the commands that draw one
// (console, demo, tui-check), when they are about to draw: `keel agent` and every scripted command
// start without evaluating blessed. (Measured: an agent's RSS did not change, ~78 MB; the code
// is mapped either way. It is kept for start-up work, not memory.)
import type { runCheckScreen } from "../console/check-screen.ts";
import type { runConsoleApp } from "../console/app.ts";
import type { openScreen } from "../console/terminal.ts";

export interface Tui {
  openScreen: typeof openScreen;
  runConsoleApp: typeof runConsoleApp;
  runCheckScreen: typeof runCheckScreen;
}

export async function loadTui(): Promise<Tui> {
  const [terminal, app, check] = await Promise.all([
    import("../console/terminal.ts"),
    import("../console/app.ts"),
    import("../console/check-screen.ts"),
  ]);
  return {
    openScreen: terminal.openScreen,
    runConsoleApp: app.runConsoleApp,
    runCheckScreen: check.runCheckScreen,
  };
}
