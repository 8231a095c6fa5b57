// `keel agent [--config F] [--witness]`: runs this host's agent until SIGTERM or SIGINT, then
// leaves the gossip gracefully and exits 0. Startup problems are one line with a fix, exit 1.
import { startAgent } from "../runtime/agent.ts";
import { defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** Resolves with the first stop signal. Its handlers go away once one fired (a second signal
 *  then kills the process the default way: a way out of a stuck shutdown) or on cancel(). */
function firstStopSignal(): { signal: Promise<string>; cancel(): void } {
  let cancel = () => {};
  const signal = new Promise<string>((resolve) => {
    const handlers = STOP_SIGNALS.map((name) => {
      const handler = () => {
        cancel();
        resolve(name);
      };
      process.on(name, handler);
      return [name, handler] as const;
    });
    cancel = () => {
      for (const [name, h] of handlers) process.off(name, h);
    };
  });
  return { signal, cancel };
}

export const agentCommand = defineCommand({
  command: "agent",
  describe: "Run the agent: probe the local server, gossip its state, serve /metrics and /api/state",
  builder: (y) =>
    withConfigOption(y).option("witness", {
      type: "boolean",
      default: false,
      describe: "Run as a witness (a voter with no local database), whatever the config says",
    }),
  async run(args, io) {
    const loaded = loadConfigForCommand(args, io);
    if (!loaded.ok) return loaded.error;
    // Listening before starting: a SIGTERM during startup still ends in a graceful leave.
    const stop = firstStopSignal();
    const started = await startAgent(loaded.value, args.witness ? { witness: true } : {});
    if (!started.ok) {
      stop.cancel();
      return { error: started.error };
    }
    await stop.signal;
    await started.value.stop();
    return success;
  },
});
