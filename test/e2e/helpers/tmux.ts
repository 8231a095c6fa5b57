// A private tmux server (its own -L socket, so other tmux users are never touched) for driving
// full-screen programs: start a pane, send keys, wait for text, read the screen.
import { rmSync } from "node:fs";
import { join } from "node:path";

const POLL_MS = 25;

export class TmuxLab {
  readonly socket: string;
  private readonly sessions = new Set<string>();

  constructor(label: string) {
    this.socket = `keel-e2e-${process.pid}-${label}`;
  }

  private tmux(args: string[]): { exitCode: number; stdout: string; stderr: string } {
    const r = Bun.spawnSync(["tmux", "-L", this.socket, ...args], { stdout: "pipe", stderr: "pipe" });
    return { exitCode: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  /** Starts a detached 100x30 session running `command` (a shell command line) in `cwd`. */
  start(session: string, command: string, cwd: string): void {
    // tmux exits with its last session; a new-session racing that exit fails. An idle anchor
    // session keeps one server up until killServer() (and dies on its own after 10 minutes).
    if (this.sessions.size === 0) this.spawn("anchor", "sleep 600", cwd);
    this.spawn(session, command, cwd);
  }

  private spawn(session: string, command: string, cwd: string): void {
    const r = this.tmux(["new-session", "-d", "-x", "100", "-y", "30", "-s", session, "-c", cwd, command]);
    if (r.exitCode !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    this.sessions.add(session);
  }

  capture(session: string): string {
    return this.tmux(["capture-pane", "-p", "-J", "-t", session]).stdout;
  }

  /** Keys as tmux names them: "j", "Down", "C-c", "Enter"; or literal text with literal=true. */
  send(session: string, keys: string[], literal = false): void {
    this.tmux(["send-keys", "-t", session, ...(literal ? ["-l"] : []), ...keys]);
  }

  panePid(session: string): number {
    return Number(this.tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).stdout.trim());
  }

  /** Polls the pane until `test` matches; returns the screen, or throws with the last screen seen. */
  async waitFor(
    session: string,
    test: RegExp | ((screen: string) => boolean),
    timeoutMs = 5_000,
  ): Promise<string> {
    const matches = typeof test === "function" ? test : (s: string) => test.test(s);
    const deadline = Bun.nanoseconds() + timeoutMs * 1e6;
    let screen = "";
    while (Bun.nanoseconds() < deadline) {
      screen = this.capture(session);
      if (matches(screen)) return screen;
      await Bun.sleep(POLL_MS);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(test)}; screen was:\n${screen}`);
  }

  /** Ends one session; the anchor keeps the server for the next. */
  kill(session: string): void {
    this.tmux(["kill-session", "-t", session]);
    this.sessions.delete(session);
  }

  killServer(): void {
    this.tmux(["kill-server"]);
    this.sessions.clear();
    // tmux leaves its socket file behind; one per test run would pile up in /tmp.
    const uid = process.getuid?.() ?? 0;
    rmSync(join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${uid}`, this.socket), { force: true });
  }
}
