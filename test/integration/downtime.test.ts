// keel downtime / ack / pause / resume with the COMPILED binary against sandbox agents: each one
// changes the replicated ledger, and `keel raft status --json` (from another agent) shows it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RaftView } from "../../src/runtime/ledger-view.ts";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";
import { type AgentSandbox, propose, startAgentSandbox, waitFor, waitForQuorum } from "./fencing-sandbox.ts";

const PORTS = TEST_PORT_BLOCKS.downtime;
let sb: AgentSandbox;

function status(via: string): RaftView {
  const r = sb.keel("raft", "status", "--json", "--config", sb.configPath(via));
  if (r.exitCode !== 0) throw new Error(`keel raft status: ${r.stderr}`);
  return JSON.parse(r.stdout) as RaftView;
}

/** The ledger as db3's agent has applied it, once `check` holds (entries reach followers async). */
async function ledgerUntil(check: (l: RaftView["ledger"]) => boolean): Promise<RaftView["ledger"]> {
  const seen = await waitFor(async () => {
    const l = status("db3").ledger;
    return check(l) ? l : null;
  }, 3_000);
  if (seen === null) throw new Error(`ledger never matched: ${JSON.stringify(status("db3").ledger)}`);
  return seen.value;
}

beforeAll(async () => {
  sb = await startAgentSandbox(PORTS);
  await waitForQuorum(sb);
}, SANDBOX_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await sb?.down();
}, SANDBOX_HOOK_TIMEOUT_MS);

describe("ledger commands through the compiled CLI", () => {
  const instance = `127.0.0.1:${portIn(PORTS, 1)}`;

  test("keel downtime begins and ends an instance's downtime", async () => {
    const begun = sb.keel(
      "downtime",
      "--config",
      sb.configPath("db1"),
      "-i",
      instance,
      "--duration",
      "1h",
      "--reason",
      "disk swap",
      "--owner",
      "ops",
    );
    expect(begun.stderr).toBe("");
    expect(begun.exitCode).toBe(0);
    expect(begun.stdout).toMatch(
      new RegExp(`^downtime: ${instance} downtimed until .* UTC by ops \\(disk swap\\)`),
    );
    const l = await ledgerUntil((x) => instance in x.downtimes);
    expect(l.downtimes[instance]).toMatchObject({ owner: "ops", reason: "disk swap" });
    expect((l.downtimes[instance]?.untilWallMs ?? 0) - Date.now()).toBeGreaterThan(3_500_000);
    const ended = sb.keel("downtime", "--end", "--config", sb.configPath("db2"), "-i", instance);
    expect(ended.exitCode).toBe(0);
    await ledgerUntil((x) => !(instance in x.downtimes));
  });

  test("keel pause and keel resume switch automatic recovery off and on", async () => {
    const paused = sb.keel("pause", "--config", sb.configPath("db2"), "-c", "sandbox", "--reason", "upgrade");
    expect(paused.exitCode).toBe(0);
    expect(paused.stdout).toContain("is paused by");
    const l = await ledgerUntil((x) => x.paused !== null);
    expect(l.paused?.reason).toBe("upgrade");
    const resumed = sb.keel("resume", "--config", sb.configPath("db1"));
    expect(resumed.exitCode).toBe(0);
    await ledgerUntil((x) => x.paused === null);
  });

  test("keel ack acknowledges the finished recovery", async () => {
    const id = "test-recovery-1";
    const detected = await propose(sb, "db1", {
      type: "recovery-detected",
      id,
      analysis: "DeadPrimary",
      failedInstance: "ghost-node",
      wallMs: Date.now(),
    });
    expect(detected.ok).toBe(true);
    // The raft leader's runner may end it first (its subject is no member); either way it ends.
    await propose(sb, "db1", {
      type: "recovery-finished",
      id,
      outcome: "failed",
      detail: "test",
      wallMs: Date.now(),
    });
    await ledgerUntil((x) =>
      x.recoveries.some((r) => r.id === id && (r.state === "finished" || r.state === "failed")),
    );
    const acked = sb.keel(
      "ack",
      "--config",
      sb.configPath("db2"),
      "-c",
      "sandbox",
      "--reason",
      "looked at it",
    );
    expect(acked.stderr).toBe("");
    expect(acked.exitCode).toBe(0);
    expect(acked.stdout).toContain(id);
    const l = await ledgerUntil((x) => x.recoveries.some((r) => r.id === id && r.acknowledged !== null));
    expect(l.recoveries.find((r) => r.id === id)?.acknowledged?.comment).toBe("looked at it");
    const again = sb.keel("ack", "--config", sb.configPath("db2"), "-c", "sandbox");
    expect(again.stdout).toContain("nothing to acknowledge");
  });
});
