// Dead, unreachable or merely agent-less primaries: each rule of the two-sided confirmation and its
// boundary, for MariaDB and MySQL flavored clusters of 3 and 5 instances.
import { describe, expect, test } from "bun:test";
import { type Analysis, analyzeCluster, DEFAULT_ANALYSIS_SETTINGS } from "../../../src/failover/analyze.ts";
import type { Flavor } from "../../../src/model/instance-state.ts";
import { healthy, replicaIds, ViewBuilder } from "./view-builder.ts";

const WINDOW = DEFAULT_ANALYSIS_SETTINGS.confirmWindowMs;

function primaryFinding(found: Analysis[]): Analysis {
  const first = found[0];
  if (first === undefined) throw new Error("no finding");
  return first;
}

function codes(found: Analysis[]): string[] {
  return found.map((a) => a.code);
}

describe.each(["mariadb", "mysql"] as const)("%s primary failure", (flavor: Flavor) => {
  describe.each([3, 5])("%d instances", (n) => {
    const replicas = replicaIds(n);
    const majority = replicas.slice(0, Math.floor(replicas.length / 2) + 1);
    const minority = replicas.slice(0, Math.floor((replicas.length - 1) / 2) || 1);

    test("a healthy cluster has no problem", () => {
      const found = analyzeCluster(healthy(flavor, n).build());
      expect(codes(found)).toEqual(["NoProblem"]);
      expect(found[0]?.orchestratorName).toBe("NoProblem");
    });

    test("only the primary's agent dies: PrimaryAgentDown, no failover", () => {
      const view = healthy(flavor, n).agentSilent("db1", 10_000, "dead").build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("PrimaryAgentDown");
      expect(a.actionable).toBe(false);
      expect(a.confirmations?.reaching).toEqual(replicas);
    });

    test("mysqld down on its own host and a majority confirms: DeadPrimary on the fast path", () => {
      const view = healthy(flavor, n).mysqldDown("db1").checksFail(replicas, 0).ioDown(replicas).build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a).toMatchObject({
        code: "DeadPrimary",
        orchestratorName: "DeadMaster",
        nodeId: "db1",
        actionable: true,
        primaryEvidence: "mysqld-down",
        hostUnreachable: false,
        replicaNodeIds: replicas,
      });
      expect(a.confirmations?.confirmed).toEqual(replicas);
      expect(a.evidence.some((e) => e.includes("db1 (primary)") && e.includes("refused"))).toBe(true);
      expect(a.evidence.some((e) => e.startsWith("db2: IO thread connecting"))).toBe(true);
    });

    test("mysqld down but only a minority fails to reach it: UnreachablePrimary", () => {
      const view = healthy(flavor, n).mysqldDown("db1").checksFail(minority, 0).build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("UnreachablePrimary");
      expect(a.actionable).toBe(false);
    });

    test("host gone and a majority fails for the window: DeadPrimary with hostUnreachable", () => {
      const view = healthy(flavor, n)
        .agentSilent("db1", 3_000)
        .checksFail(replicas, WINDOW, "ETIMEDOUT")
        .ioDown(replicas)
        .build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a).toMatchObject({
        code: "DeadPrimary",
        actionable: true,
        hostUnreachable: true,
        primaryEvidence: "agent-unreachable",
      });
    });

    test("host gone, majority failing one ms short of the window: not yet", () => {
      const view = healthy(flavor, n)
        .agentSilent("db1", 3_000)
        .checksFail(replicas, WINDOW - 1)
        .ioDown(replicas)
        .build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("UnreachablePrimary");
      expect(a.hostUnreachable).toBe(true);
      expect(a.confirmations?.pending).toEqual(replicas);
    });

    test("exactly a majority confirms while the rest are silent: DeadPrimaryAndSomeReplicas when they are gone", () => {
      const b = healthy(flavor, n).agentSilent("db1", 3_000).checksFail(majority, WINDOW).ioDown(majority);
      const rest = replicas.filter((r) => !majority.includes(r));
      for (const r of rest) b.agentSilent(r, 3_000, "suspect");
      const a = primaryFinding(analyzeCluster(b.build()));
      if (rest.length === 0) expect(a.code).toBe("DeadPrimary");
      else {
        expect(a.code).toBe("DeadPrimaryAndSomeReplicas");
        expect(a.orchestratorName).toBe("DeadMasterAndSomeReplicas");
        expect(a.actionable).toBe(true);
        expect(a.confirmations?.silent).toEqual(rest);
      }
    });

    test("one observer short of a majority: not confirmed", () => {
      const short = majority.slice(1);
      const view = healthy(flavor, n).mysqldDown("db1").checksFail(short, WINDOW).ioDown(replicas).build();
      for (const r of replicas.filter((x) => !short.includes(x))) {
        const agent = view.agents.find((a) => a.nodeId === r);
        if (agent !== undefined) agent.primaryCheck = null;
      }
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("UnreachablePrimary");
      expect(a.confirmations?.confirmed.length).toBe(majority.length - 1);
      expect(a.confirmations?.needed).toBe(majority.length);
    });
  });

  test("one replica alone loses the primary: UnreachablePrimary, no failover", () => {
    const view = healthy(flavor, 3).checksFail(["db2"], 60_000).build();
    const found = analyzeCluster(view);
    expect(codes(found)).toEqual(["UnreachablePrimary"]);
    expect(found[0]?.actionable).toBe(false);
    expect(found[0]?.confirmations?.reaching).toEqual(["db3"]);
  });

  test("majority confirms but one observer still reaches the primary: UnreachablePrimary", () => {
    const view = healthy(flavor, 5)
      .agentSilent("db1")
      .checksFail(["db2", "db3", "db4"], 5_000)
      .ioDown(["db2", "db3", "db4"])
      .build();
    const a = primaryFinding(analyzeCluster(view));
    expect(a.code).toBe("UnreachablePrimary");
    expect(a.description).toContain("db5 still reach");
  });

  test("a replica whose IO thread still runs vetoes, unless its own check confirms (a half-open session)", () => {
    const third = healthy(flavor, 5)
      .agentSilent("db1")
      .checksFail(["db2", "db3", "db4"], WINDOW)
      .ioDown(["db2", "db3", "db4"]);
    third.set("db5", { primaryCheck: { ok: false, failingForMs: 10, checkedAgeMs: 100 } });
    const vetoed = primaryFinding(analyzeCluster(third.build()));
    expect(vetoed.code).toBe("UnreachablePrimary");
    expect(vetoed.description).toContain("db5 still replicate");
    const halfOpen = healthy(flavor, 3).agentSilent("db1").checksFail(["db2", "db3"], WINDOW).ioDown(["db2"]);
    expect(primaryFinding(analyzeCluster(halfOpen.build())).code).toBe("DeadPrimary");
  });

  test("mysqld hung on its own host uses the full window and, since it may wake up writable, is hostUnreachable", () => {
    const early = healthy(flavor, 3)
      .mysqldDown("db1", "timeout")
      .checksFail(["db2", "db3"], WINDOW - 1)
      .ioDown(["db2", "db3"]);
    expect(primaryFinding(analyzeCluster(early.build())).code).toBe("UnreachablePrimary");
    const late = healthy(flavor, 3)
      .mysqldDown("db1", "timeout")
      .checksFail(["db2", "db3"], WINDOW)
      .ioDown(["db2", "db3"]);
    expect(primaryFinding(analyzeCluster(late.build()))).toMatchObject({
      code: "DeadPrimary",
      primaryEvidence: "mysqld-unresponsive",
      hostUnreachable: true,
    });
  });

  // Item 3 of review 1: only refused, reset and timeout speak against a server.
  test.each([
    ["too many connections", "error", "ER_CON_COUNT_ERROR"],
    ["a server error without a name", "error", "ER_1040"],
    ["its agent's own name lookup failing", "dns", "EAI_AGAIN"],
    ["an unknown client-side error", "error", "UNKNOWN"],
  ] as const)("the primary's own probe failing with %s is no evidence of death", (_, reason, code) => {
    const view = healthy(flavor, 3)
      .mysqldDown("db1", reason, code)
      .checksFail(["db2", "db3"], 60_000)
      .ioDown(["db2", "db3"])
      .build();
    const a = primaryFinding(analyzeCluster(view));
    expect(a.code).toBe("UnreachablePrimary");
    expect(a.actionable).toBe(false);
    expect(a.primaryEvidence).toBeNull();
    expect(a.description).toContain(`its own agent's probe fails with ${reason} (${code})`);
  });

  test.each(["ER_CON_COUNT_ERROR", "ER_ACCESS_DENIED_ERROR", "ER_1040", "HANDSHAKE_NO_SSL_SUPPORT"])(
    "an observer whose check got %s from the server reaches a living mysqld: it vetoes the failover",
    (code) => {
      const view = healthy(flavor, 3)
        .mysqldDown("db1", "timeout")
        .checksFail(["db2"], 60_000)
        .checksFail(["db3"], 60_000, code)
        .ioDown(["db2", "db3"])
        .build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("UnreachablePrimary");
      expect(a.confirmations?.reaching).toEqual(["db3"]);
      expect(a.confirmations?.confirmed).toEqual(["db2"]);
      expect(a.evidence).toContain(`db3: reaches the primary, whose mysqld answered with an error (${code})`);
    },
  );

  test.each(["ENOTFOUND", "EAI_AGAIN", "UNKNOWN", "EADDRNOTAVAIL"])(
    "an observer whose check fails with %s on its own side casts no vote",
    (code) => {
      const view = healthy(flavor, 3)
        .mysqldDown("db1", "timeout")
        .checksFail(["db2", "db3"], 60_000, code)
        .ioDown(["db2", "db3"])
        .build();
      const a = primaryFinding(analyzeCluster(view));
      expect(a.code).toBe("UnreachablePrimary");
      expect(a.confirmations?.confirmed).toEqual([]);
      expect(a.confirmations?.silent).toEqual(["db2", "db3"]);
      expect(a.evidence).toContain(
        `db2: primary check failing (${code}) on the observer's side, which says nothing about mysqld: not counted`,
      );
    },
  );

  test.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "PROTOCOL_CONNECTION_LOST",
    "ER_SERVER_SHUTDOWN",
    "PROBE_DEADLINE",
    "ETIMEDOUT",
  ])("refused, reset and timeout (%s) still confirm", (code) => {
    const view = healthy(flavor, 3)
      .mysqldDown("db1", "timeout")
      .checksFail(["db2", "db3"], WINDOW, code)
      .ioDown(["db2", "db3"])
      .build();
    expect(primaryFinding(analyzeCluster(view)).code).toBe("DeadPrimary");
  });

  test("the primary's record is fresh up to staleAfterMs and stale 1 ms later", () => {
    const stale = DEFAULT_ANALYSIS_SETTINGS.staleAfterMs;
    expect(codes(analyzeCluster(healthy(flavor, 3).agentSilent("db1", stale).build()))).toEqual([
      "NoProblem",
    ]);
    const a = primaryFinding(
      analyzeCluster(
        healthy(flavor, 3)
          .agentSilent("db1", stale + 1)
          .build(),
      ),
    );
    expect(a.code).toBe("PrimaryAgentDown");
  });

  test("rejected credentials on the primary's own host are not a dead mysqld", () => {
    const view = healthy(flavor, 3).mysqldDown("db1", "auth").build();
    expect(codes(analyzeCluster(view))).toEqual(["NoProblem"]);
  });

  test("checks older than staleAfterMs are silent and confirm nothing", () => {
    const b = healthy(flavor, 3).mysqldDown("db1").checksFail(["db2", "db3"], 5_000).ioDown(["db2", "db3"]);
    for (const id of ["db2", "db3"]) {
      const check = b.agent(id).primaryCheck;
      if (check !== null) check.checkedAgeMs = DEFAULT_ANALYSIS_SETTINGS.staleAfterMs + 1;
    }
    const a = primaryFinding(analyzeCluster(b.build()));
    expect(a.code).toBe("UnreachablePrimary");
    expect(a.confirmations?.silent).toEqual(["db2", "db3"]);
  });

  test("3 instances: primary and one replica gone leaves no majority", () => {
    const view = healthy(flavor, 3)
      .agentSilent("db1")
      .agentSilent("db3")
      .checksFail(["db2"], 5_000)
      .ioDown(["db2"])
      .build();
    expect(primaryFinding(analyzeCluster(view)).code).toBe("UnreachablePrimary");
  });

  test("witnesses neither count as observers nor as replicas", () => {
    const view = healthy(flavor, 3)
      .witness("w1")
      .witness("w2")
      .mysqldDown("db1")
      .checksFail(["db2", "db3"], 0)
      .ioDown(["db2", "db3"])
      .build();
    const a = primaryFinding(analyzeCluster(view));
    expect(a.code).toBe("DeadPrimary");
    expect(a.confirmations?.observers).toBe(2);
    expect(a.replicaNodeIds).toEqual(["db2", "db3"]);
  });

  test("a dead primary nobody replicates from: DeadPrimaryWithoutReplicas, not actionable", () => {
    const b = healthy(flavor, 3).mysqldDown("db1").checksFail(["db2", "db3"], 0);
    b.patchInst("db2", { channels: [] }).patchInst("db3", { channels: [] });
    const a = primaryFinding(analyzeCluster(b.build()));
    expect(a).toMatchObject({
      code: "DeadPrimaryWithoutReplicas",
      orchestratorName: "DeadMasterWithoutReplicas",
      actionable: false,
    });
  });

  test("a smaller window from the settings confirms sooner", () => {
    const view = healthy(flavor, 3)
      .agentSilent("db1")
      .checksFail(["db2", "db3"], 300)
      .ioDown(["db2", "db3"])
      .build();
    expect(primaryFinding(analyzeCluster(view)).code).toBe("UnreachablePrimary");
    expect(primaryFinding(analyzeCluster(view, { confirmWindowMs: 300 })).code).toBe("DeadPrimary");
  });

  test("no primary in the ledger: nothing to analyse", () => {
    const view = new ViewBuilder(flavor).primary("db1").replica("db2").build();
    view.primary = null;
    expect(codes(analyzeCluster(view))).toEqual(["NoProblem"]);
  });
});
