// A small interpreter for narrated Raft scenarios (house rule 7). A script is blocks of
//   <command line>
//   ----
//   <output lines>
// separated by blank lines; lines starting with # are narration and kept as they are.
// Commands:
//   add-nodes N            voters "1".."N" (seeded, default timing)
//   campaign I             node I starts an election now (pre-vote first)
//   propose I TEXT         propose on node I; propose-leader TEXT proposes on the current leader
//   partition 1|2,3        only nodes in the same group can talk; heal ends it
//   crash I / restart I    lose volatile state / restart from what was persisted
//   stabilize              deliver every queued message (printing each) until quiet
//   tick N                 N × 100 ms: tick everyone, deliver quietly, print only events
//   status / log I         every node's state / node I's log
import { seededRng } from "../../../src/lib/rng.ts";
import { validateRaftConfig } from "../../../src/raft/config.ts";
import type { Entry, HardState, RaftEvent, RaftMessage, Snapshot } from "../../../src/raft/messages.ts";
import { RaftNode } from "../../../src/raft/raft-node.ts";

const TICK_MS = 100;
const text = (d: Uint8Array) => new TextDecoder().decode(d);
const entryText = (e: Entry) => `${e.index}/${e.term}${e.data.length ? `:${text(e.data)}` : ""}`;

export function renderMessage(m: RaftMessage): string {
  const head = `${m.from}->${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case "vote":
      return `${head}${m.preVote ? " pre" : ""} last=${m.lastIndex}/${m.lastTerm}`;
    case "vote-response":
      return `${head}${m.preVote ? " pre" : ""} ${m.granted ? "granted" : "rejected"}`;
    case "append":
      return `${head} prev=${m.prevIndex}/${m.prevTerm} commit=${m.commit} [${m.entries.map(entryText).join(" ")}]`;
    case "append-response":
      return m.success
        ? `${head} ok ${m.index}`
        : `${head} reject ${m.index} hint=${m.hintIndex}/${m.hintTerm}`;
    case "heartbeat":
      return `${head} commit=${m.commit}`;
    case "heartbeat-response":
      return head;
    case "snapshot":
      return `${head} ${m.index}/${m.snapshotTerm} bytes ${m.offset}+${m.chunk.length}/${m.totalBytes}`;
    case "snapshot-response":
      return `${head} ${m.index} received=${m.receivedBytes}`;
  }
}

function renderEvent(id: string, e: RaftEvent): string {
  switch (e.type) {
    case "role-changed":
      return `${id}: became ${e.role} in term ${e.term}${e.leader && e.role !== "leader" ? ` (leader ${e.leader})` : ""}`;
    case "leader-changed":
      return `${id}: leader is ${e.leader ?? "unknown"} in term ${e.term}`;
    case "stepped-down":
      return `${id}: stepped down from term ${e.term} (${e.reason})`;
    case "snapshot-restored":
      return `${id}: restored snapshot ${e.index}/${e.term}`;
  }
}

interface Disk {
  hardState: HardState;
  entries: Entry[];
  snapshot: Snapshot | null;
}

export class ScenarioEnv {
  private ids: string[] = [];
  private readonly nodes = new Map<string, RaftNode>();
  private readonly disks = new Map<string, Disk>();
  private readonly queue: RaftMessage[] = [];
  private groups: Map<string, number> | null = null;
  private nowMs = 0;
  private out: string[] = [];
  private verbose = true;

  run(line: string): string {
    this.out = [];
    const [cmd, ...args] = line.trim().split(/\s+/);
    const a = args as string[];
    switch (cmd) {
      case "add-nodes":
        this.addNodes(Number(a[0]));
        break;
      case "campaign":
        this.node(a[0]).campaign(this.nowMs);
        this.drain(a[0] as string);
        break;
      case "propose":
        this.propose(a[0] as string, a.slice(1).join(" "));
        break;
      case "propose-leader":
        this.propose(this.leader(), a.join(" "));
        break;
      case "partition":
        this.partition(a.join(""));
        break;
      case "heal":
        this.groups = null;
        this.out.push("healed");
        break;
      case "crash":
        this.nodes.delete(a[0] as string);
        this.out.push(`${a[0]} crashed`);
        break;
      case "restart":
        this.start(a[0] as string);
        this.out.push(`${a[0]} restarted: ${this.statusLine(a[0] as string)}`);
        break;
      case "stabilize":
        this.stabilize(true);
        break;
      case "tick":
        this.tick(Number(a[0] ?? 1));
        break;
      case "status":
        for (const id of this.ids) this.out.push(this.statusLine(id));
        break;
      case "log":
        this.out.push(this.logLine(a[0] as string));
        break;
      default:
        this.out.push(`unknown command: ${line}`);
    }
    return this.out.length ? this.out.join("\n") : "ok";
  }

  private node(id: string | undefined): RaftNode {
    const n = this.nodes.get(id ?? "");
    if (!n) throw new Error(`node ${id} is not running`);
    return n;
  }

  private addNodes(n: number): void {
    this.ids = Array.from({ length: n }, (_, i) => String(i + 1));
    for (const id of this.ids) {
      this.disks.set(id, { hardState: { term: 0, vote: null, commit: 0 }, entries: [], snapshot: null });
      this.start(id);
    }
    this.out.push(`voters ${this.ids.join(",")}`);
  }

  private start(id: string): void {
    const cfg = validateRaftConfig(id, this.ids);
    if (!cfg.ok) throw new Error(cfg.error.detail);
    const rng = seededRng(1_000 + Number(id) * 7 + this.nowMs);
    this.nodes.set(
      id,
      new RaftNode({ config: cfg.value, rng, nowMs: this.nowMs, ...(this.disks.get(id) as Disk) }),
    );
  }

  private leader(): string {
    let best: RaftNode | null = null;
    for (const n of this.nodes.values())
      if (n.status().role === "leader" && (!best || n.status().term > best.status().term)) best = n;
    if (!best) throw new Error("no leader");
    return best.id;
  }

  private propose(id: string, data: string): void {
    const r = this.node(id).propose(new TextEncoder().encode(data));
    this.out.push(
      r.ok ? `${id}: proposed ${r.value.index}/${r.value.term}` : `${id}: refused (${r.error.code})`,
    );
    this.drain(id);
  }

  private partition(spec: string): void {
    const groups = spec.split("|").map((g) => g.split(",").filter(Boolean));
    this.groups = new Map();
    groups.forEach((g, i) => {
      for (const id of g) this.groups?.set(id, i);
    });
    this.out.push(`partitioned ${groups.map((g) => g.join(",")).join(" | ")}`);
  }

  private connected(a: string, b: string): boolean {
    return this.groups === null || this.groups.get(a) === this.groups.get(b);
  }

  /** What a shell does with a node's Ready: persist, queue messages, note events, advance. */
  private drain(id: string): void {
    const n = this.nodes.get(id);
    if (!n?.hasReady()) return;
    const rd = n.ready();
    const d = this.disks.get(id) as Disk;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = d.entries.filter((e) => e.index > (rd.snapshot as Snapshot).index);
    }
    const first = rd.entries[0]?.index;
    if (first !== undefined) d.entries = d.entries.filter((e) => e.index < first).concat(rd.entries);
    if (rd.hardState) d.hardState = rd.hardState;
    for (const e of rd.events) this.out.push(renderEvent(id, e));
    for (const c of rd.committed)
      if (c.data.length > 0 && this.verbose) this.out.push(`${id}: applied ${entryText(c)}`);
    this.queue.push(...rd.messages);
    n.advance();
  }

  private stabilize(verbose: boolean): void {
    this.verbose = verbose;
    for (const id of this.ids) this.drain(id);
    for (let delivered = 0; this.queue.length > 0; delivered++) {
      if (delivered > 10_000) throw new Error("no quiescence");
      const m = this.queue.shift() as RaftMessage;
      const to = this.nodes.get(m.to);
      if (!to || !this.connected(m.from, m.to)) {
        if (verbose) this.out.push(`${renderMessage(m)}  (dropped)`);
        continue;
      }
      if (verbose) this.out.push(renderMessage(m));
      to.step(m, this.nowMs);
      this.drain(m.to);
    }
    this.verbose = true;
  }

  private tick(count: number): void {
    for (let i = 0; i < count; i++) {
      this.nowMs += TICK_MS;
      for (const n of this.nodes.values()) n.tick(this.nowMs);
      this.stabilize(false);
    }
    this.out.push(`t=${this.nowMs}ms`);
  }

  private statusLine(id: string): string {
    const n = this.nodes.get(id);
    if (!n) return `${id}: down`;
    const s = n.status();
    const lead = s.leader ? ` leader=${s.leader}` : "";
    return `${id}: ${s.role} term=${s.term}${lead} commit=${s.commit} applied=${s.applied} last=${s.lastIndex}/${s.lastTerm}`;
  }

  private logLine(id: string): string {
    const d = this.disks.get(id) as Disk;
    const snap = d.snapshot ? `snapshot ${d.snapshot.index}/${d.snapshot.term} ` : "";
    return `${id}: ${snap}[${d.entries.map(entryText).join(" ")}]`;
  }
}

interface Block {
  /** Narration and blank lines before the command, verbatim. */
  preamble: string[];
  command: string;
  expected: string;
}

export function parseScript(source: string): Block[] {
  const lines = source.split("\n");
  const blocks: Block[] = [];
  let preamble: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "" || line.startsWith("#")) {
      preamble.push(line);
      continue;
    }
    if (lines[i + 1] !== "----") throw new Error(`line ${i + 1}: '${line}' must be followed by ----`);
    const out: string[] = [];
    for (i += 2; i < lines.length && (lines[i] as string).trim() !== ""; i++) out.push(lines[i] as string);
    i--;
    blocks.push({ preamble, command: line, expected: out.join("\n") });
    preamble = [];
  }
  return blocks;
}

/** Runs a script; returns each block's actual output and the script rewritten with it. */
export function runScript(source: string): { blocks: (Block & { actual: string })[]; rewritten: string } {
  const env = new ScenarioEnv();
  const blocks = parseScript(source).map((b) => {
    let actual: string;
    try {
      actual = env.run(b.command);
    } catch (e) {
      actual = `error: ${e instanceof Error ? e.message : String(e)}`;
    }
    return { ...b, actual };
  });
  const parts: string[] = [];
  for (const b of blocks) parts.push(...b.preamble, b.command, "----", b.actual);
  return { blocks, rewritten: `${parts.join("\n")}\n` };
}
