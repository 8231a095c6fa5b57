// Every recovery.* code has words naming the problem and a fix, reachable through allMessages;
// and `keel recoveries` renders a recovery with its steps (skipped ones named as such).
import { describe, expect, test } from "bun:test";
import { allMessages } from "../../../../src/cli/messages/index.ts";
import { type RecoveryCliError, recoveryMessages } from "../../../../src/cli/messages/recovery.ts";
import { renderRecovery } from "../../../../src/cli/recoveries.ts";
import { renderError } from "../../../../src/cli/render-error.ts";

const samples: RecoveryCliError[] = [
  { code: "recovery.primary-serves", nodeId: "db1" },
  { code: "recovery.no-primary", cluster: "main" },
  { code: "recovery.nothing-to-repoint", nodeId: "db2" },
  { code: "recovery.other-cluster", cluster: "b", configCluster: "a", configPath: "/etc/keel/keel.json" },
  { code: "recovery.no-quorum", leader: null, address: "127.0.0.1:9797" },
  { code: "recovery.unknown-instance", instance: "h:1", cluster: "main", known: ["h:2"] },
  { code: "recovery.ledger-no-primary", cluster: "main" },
  { code: "recovery.intent-pending", id: "sw-1", from: "db1", to: "db2" },
  { code: "recovery.intent-dropped", id: "sw-1", primary: "db2" },
  { code: "recovery.timeout", id: "fo-1", waitedMs: 60_000, state: "planned" },
  { code: "recovery.failed", id: "fo-1", kind: "failover", detail: "aborted" },
  { code: "recovery.direct-needs-to", cluster: "main" },
  { code: "recovery.direct-failed", instance: "h:1", step: "promote", detail: "ECONNREFUSED" },
];

describe("recovery messages", () => {
  test("every code is covered by a sample and worded with a problem and a fix", () => {
    expect(new Set<string>(samples.map((s) => s.code))).toEqual(
      new Set<string>(Object.keys(recoveryMessages)),
    );
    for (const e of samples) {
      const line = renderError(e);
      expect(line).toStartWith("keel: ");
      expect(line).toContain(`(${e.code}); fix: `);
      expect(Object.hasOwn(allMessages, e.code)).toBe(true);
    }
  });

  test("a finished recovery is one line plus one per step; steps never run read 'skipped'", () => {
    const lines = renderRecovery({
      id: "auto-1",
      analysis: "DeadPrimary",
      failedInstance: "db1",
      detectedWallMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      state: "finished",
      steps: [
        { name: "promote:db2", status: "done", detail: "by db2's agent: ok" },
        { name: "run-hooks:PostUnsuccessfulFailover", status: "pending", detail: "" },
      ],
      successor: "db2",
      finishedWallMs: Date.UTC(2026, 0, 2, 3, 4, 5) + 210,
      detail: "db2 is primary",
      acknowledged: null,
    });
    expect(lines).toEqual([
      "auto-1  DeadMaster  db1 -> db2  finished  2026-01-02T03:04:05Z in 210 ms, not acknowledged: db2 is primary",
      "  done    promote:db2: by db2's agent: ok",
      "  skipped run-hooks:PostUnsuccessfulFailover",
    ]);
  });
});
