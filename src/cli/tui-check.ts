// `keel tui-check`: opens the terminal smoke screen. Where no full-screen UI is possible (no TTY,
// TERM=dumb) it says so in one line and succeeds, because that is a valid answer, not a failure.
import { defineCommand, success } from "./command.ts";
import { wordError } from "./render-error.ts";
import { loadTui } from "./tui-loader.ts";

export const tuiCheckCommand = defineCommand({
  command: "tui-check",
  describe: "Open a test screen to check this terminal",
  builder: (y) =>
    y.option("color", {
      type: "boolean",
      default: true,
      describe: "Use colours (--no-color or NO_COLOR=1 turns them off)",
    }),
  async run(args, io) {
    const { openScreen, runCheckScreen } = await loadTui();
    const opened = openScreen({ env: io.env, color: args.color });
    if (!opened.ok) {
      if (opened.error.code !== "console.no-capable-terminal") return { error: opened.error };
      const w = wordError(opened.error);
      io.out(`keel tui-check: ${w.problem}; plain-text output will be used`);
      return success;
    }
    const session = opened.value;
    try {
      return { exitCode: await runCheckScreen(session) };
    } finally {
      session.close(1); // no-op after a normal quit; restores the terminal if drawing threw
    }
  },
});
