// A tiny interpreter for narrated gossip scenarios (etcd-io/raft's datadriven style): each block
// is optional "# narration" lines, one command, "----", then the output the command printed.
// Running a script regenerates every output; the test compares that with the file.
import type { GossipEvent } from "../../../src/gossip/events.ts";
import type { MemberKind } from "../../../src/gossip/messages.ts";
import { seededRng } from "../../../src/lib/rng.ts";
import { notYetDead, viewDisagreements } from "../../../src/sim/checkers/gossip-checkers.ts";
import { GossipCluster } from "../../../src/sim/gossip-cluster.ts";

export interface Block {
  narration: string[];
  command: string;
  output: string;
}

export function parseScript(text: string): Block[] {
  const blocks: Block[] = [];
  let narration: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      narration.push(line);
      continue;
    }
    const output: string[] = [];
    if (lines[i + 1] === "----") {
      i += 2;
      while (i < lines.length && lines[i] !== "") output.push(lines[i++] as string);
    }
    blocks.push({ narration, command: line, output: output.join("\n") });
    narration = [];
  }
  return blocks;
}

export function formatScript(blocks: readonly Block[]): string {
  return `${blocks
    .map((b) => [...b.narration, b.command, "----", ...(b.output === "" ? [] : [b.output])].join("\n"))
    .join("\n\n")}\n`;
}

const nodeId = (arg: string | undefined): string => {
  if (arg === undefined || !/^\d+$/.test(arg)) throw new Error(`expected a node number, got '${arg}'`);
  return `n${arg}`;
};

function describeEvent(e: GossipEvent): string {
  switch (e.type) {
    case "member-joined":
      return `${e.id} joined (${e.kind}, ${e.cluster})`;
    case "member-suspected":
      return `${e.id} suspected by ${e.by}`;
    case "member-alive":
      return `${e.id} alive again (incarnation ${e.incarnation})`;
    case "member-dead":
      return `${e.id} dead (declared by ${e.by})`;
    case "member-left":
      return `${e.id} left`;
    case "member-reclaimed":
      return `${e.id} forgotten`;
    case "member-refused":
      return `${e.id} refused (table full)`;
    case "record-updated":
      return `record of ${e.id} now v${e.version}`;
    case "self-refuted":
      return `refuted suspicion by ${e.accusedBy} (incarnation ${e.incarnation})`;
  }
}

export class ScenarioRunner {
  private cluster: GossipCluster;
  private eventCursor = 0;

  constructor(seed = 1) {
    this.cluster = new GossipCluster({
      rng: seededRng(seed),
      faults: { lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 },
      wire: true,
    });
  }

  run(command: string): string {
    const [verb, ...args] = command.trim().split(/\s+/);
    const c = this.cluster;
    switch (verb) {
      case "seed":
        this.cluster = new GossipCluster({
          rng: seededRng(Number(args[0])),
          faults: { lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 },
          wire: true,
        });
        return "";
      case "add-nodes": {
        const opts = Object.fromEntries(args.slice(1).map((a) => a.split("=") as [string, string]));
        const ids = c.addNodes(Number(args[0]), {
          kind: opts.kind as MemberKind | undefined,
          cluster: opts.cluster,
        });
        return `added ${ids.join(" ")}\n${this.newEvents()}`.trimEnd();
      }
      case "tick":
        c.run(Number(args[0]));
        return `now ${c.nowMs} ms\n${this.newEvents()}`.trimEnd();
      case "stabilize": {
        const startMs = c.nowMs;
        const ok = c.runUntil(() => viewDisagreements(c).length === 0, 60_000);
        const head = ok ? `stable after ${c.nowMs - startMs} ms` : `NOT stable after 60000 ms`;
        return `${head}\n${this.newEvents()}`.trimEnd();
      }
      case "await-dead": {
        const id = nodeId(args[0]);
        const startMs = c.nowMs;
        const ok = c.runUntil(() => notYetDead(c, id).length === 0, 30_000);
        return `${ok ? `${id} dead to all after ${c.nowMs - startMs} ms` : `${id} still alive somewhere`}\n${this.newEvents()}`.trimEnd();
      }
      case "crash":
        c.crash(nodeId(args[0]));
        return `crashed ${nodeId(args[0])}`;
      case "restart":
        c.restart(nodeId(args[0]));
        return `restarted ${nodeId(args[0])}\n${this.newEvents()}`.trimEnd();
      case "leave":
        c.leave(nodeId(args[0]));
        return `${nodeId(args[0])} leaving`;
      case "partition": {
        const groups = (args[0] ?? "").split("|").map((g) => g.split(",").map(nodeId));
        c.net.partition(groups);
        return `partitioned ${groups.map((g) => g.join(",")).join(" | ")}`;
      }
      case "isolate":
        c.net.isolate(nodeId(args[0]));
        return `isolated ${nodeId(args[0])}`;
      case "heal":
        c.net.heal();
        return "healed";
      case "loss": {
        c.net.setFaults({ lossRate: Number(args[0]), duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 });
        return `loss ${args[0]}`;
      }
      case "publish": {
        const version = c.publish(nodeId(args[0]), new TextEncoder().encode(args.slice(1).join(" ")));
        return `${nodeId(args[0])} published v${version}`;
      }
      case "members":
        return this.members(nodeId(args[0]));
      default:
        throw new Error(`unknown command '${verb}'`);
    }
  }

  private members(id: string): string {
    const c = this.cluster;
    const node = c.node(id);
    const rows = node.members(c.nowMs).map((m) => {
      const rec =
        m.record === null
          ? "no record"
          : `record v${m.record.version} "${new TextDecoder().decode(m.record.data)}" age ${m.record.ageMs} ms${m.record.stale ? " STALE" : ""}`;
      return `${m.id} ${m.status} inc=${m.incarnation} ${m.kind}/${m.cluster} ${m.addr} ${rec}`;
    });
    return [`view of ${id} at ${c.nowMs} ms:`, ...rows].join("\n");
  }

  /** Events since the last command, one line each, as "<ms> <node>: <what>". */
  private newEvents(): string {
    const events = this.cluster.events.slice(this.eventCursor);
    this.eventCursor = this.cluster.events.length;
    return events.map((e) => `  ${e.atMs} ${e.node}: ${describeEvent(e.event)}`).join("\n");
  }
}

export function runScript(text: string): string {
  const runner = new ScenarioRunner();
  const blocks = parseScript(text).map((b) => ({ ...b, output: runner.run(b.command) }));
  return formatScript(blocks);
}
