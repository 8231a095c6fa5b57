import { describe, expect, test } from "bun:test";
import { displayWidth } from "../../../../src/console/views/line.ts";
import { renderTopology } from "../../../../src/console/views/topology-lines.ts";
import { instanceTokens } from "../../../../src/console/views/topology-tokens.ts";
import { buildTopologyTree } from "../../../../src/console/views/topology-tree.ts";
import type { TopologyInstanceView } from "../../../../src/model/topology-view.ts";
import { channel, mariadb, replicaOf, unreachable, view } from "./fixtures.ts";

const P = "127.0.0.1:23306";
const R = "127.0.0.1:23307";
const OPTS = { staleAfterMs: 5_000, lagWarnSeconds: 10 };

function bracket(v: TopologyInstanceView): string {
  return instanceTokens(v, OPTS)
    .tokens.map((t) => t.text)
    .join(",");
}

describe("bracket tokens (orchestrator's words and order)", () => {
  test("a MariaDB primary and a healthy replica read as in the issue", () => {
    expect(bracket(view(P, mariadb(P)))).toBe("0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID");
    expect(bracket(view(R, replicaOf(R, P)))).toBe("0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID");
  });

  test("lag beyond the threshold is status lag; SQL_Delay is subtracted first", () => {
    expect(bracket(view(R, replicaOf(R, P, { channels: [channel(P, { secondsBehind: 11 })] })))).toStartWith(
      "11s,lag,",
    );
    expect(bracket(view(R, replicaOf(R, P, { channels: [channel(P, { secondsBehind: 10 })] })))).toStartWith(
      "10s,ok,",
    );
    const delayed = replicaOf(R, P, {
      channels: [channel(P, { secondsBehind: 3_610, sqlDelaySeconds: 3_600 })],
    });
    expect(bracket(view(R, delayed))).toStartWith("3610s,ok,");
  });

  test("any thread not running (IO Connecting included) is null,nonreplicating with a - marker", () => {
    for (const over of [
      { ioState: "connecting" as const },
      { ioState: "no" as const },
      { sqlRunning: false },
    ]) {
      const v = view(R, replicaOf(R, P, { channels: [channel(P, { ...over, secondsBehind: null })] }));
      expect(bracket(v)).toStartWith("null,nonreplicating,");
      expect(instanceTokens(v, OPTS).replicatingFresh).toBe(false);
    }
  });

  test("threads running but no lag reported yet: null,ok", () => {
    expect(
      bracket(view(R, replicaOf(R, P, { channels: [channel(P, { secondsBehind: null })] }))),
    ).toStartWith("null,ok,");
  });

  test("multi-source: one broken channel makes the replica nonreplicating; lag is the worst channel", () => {
    const two = (b: Partial<Parameters<typeof channel>[1]>) =>
      view(
        R,
        replicaOf(R, P, {
          channels: [channel(P, { secondsBehind: 2 }), channel("h:1", { name: "b", ...b })],
        }),
      );
    expect(bracket(two({ secondsBehind: 30 }))).toStartWith("30s,lag,");
    expect(bracket(two({ sqlRunning: false }))).toStartWith("null,nonreplicating,");
  });

  test("nobinlog without log_bin; >> needs both log_bin and log_slave_updates", () => {
    expect(bracket(view(R, replicaOf(R, P, { logBin: false })))).toBe(
      "0s,ok,10.11.19-MariaDB-log,ro,nobinlog,GTID",
    );
    expect(bracket(view(R, replicaOf(R, P, { logReplicaUpdates: false })))).toBe(
      "0s,ok,10.11.19-MariaDB-log,ro,ROW,GTID",
    );
  });

  test("GTID: MySQL by gtid_mode or auto-position, MariaDB unless a channel uses file/position", () => {
    const mysqlOff = mariadb(P, { flavor: "mysql", version: "8.0.36", gtidMode: "OFF", mariadbGtid: null });
    expect(bracket(view(P, mysqlOff))).not.toContain("GTID");
    expect(bracket(view(P, { ...mysqlOff, gtidMode: "ON" }))).toEndWith(",GTID");
    expect(bracket(view(P, { ...mysqlOff, gtidMode: "OFF_PERMISSIVE" }))).toEndWith(",GTID");
    const filePos = replicaOf(R, P, {
      channels: [channel(P, { gtidAutoPosition: false, mariadbUsingGtid: "No" })],
    });
    expect(bracket(view(R, filePos))).toBe("0s,ok,10.11.19-MariaDB-log,ro,ROW,>>");
  });

  test("errant transactions replace GTID with GTID:errant", () => {
    const v = view(R, replicaOf(R, P), { errantGtids: "0-23307-5" });
    expect(bracket(v)).toBe("0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID:errant");
    expect(bracket({ ...v, errantGtids: "  " })).toEndWith(",GTID");
  });

  test("semi-sync, downtime, then keel's own tokens, in that order", () => {
    const inst = replicaOf(R, P);
    inst.semiSync = { ...inst.semiSync, sourceActive: true, replicaActive: true };
    const v = view(R, inst, {
      downtime: { untilWallMs: 0, owner: "a", reason: "b" },
      stateAgeMs: 65_000,
      agentStatus: "dead",
    });
    expect(bracket(v)).toBe(
      "unknown,unchecked,10.11.19-MariaDB-log,ro,ROW,>>,GTID,semi:master,semi:replica,downtimed,stale:1m,agent:dead",
    );
  });

  test("unreachable keeps the last known server tokens, or shows only what is known", () => {
    const withLast = view(P, unreachable(P, "refused"), { lastReachable: mariadb(P) });
    expect(bracket(withLast)).toBe("unknown,invalid,10.11.19-MariaDB-log,rw,ROW,>>,GTID,unreachable:refused");
    expect(bracket(view(P, unreachable(P, "auth")))).toBe("unknown,invalid,unreachable:auth");
    expect(bracket(view(P, null, { agentStatus: "none" }))).toBe("unknown,unchecked,agent:none");
  });

  test("a writable replica is styled as an error, a read-only ledger primary as a warning", () => {
    const rw = instanceTokens(view(R, replicaOf(R, P, { readOnly: false })), OPTS).tokens.find(
      (t) => t.text === "rw",
    );
    expect(rw?.style).toBe("error");
    const ro = instanceTokens(
      view(P, mariadb(P, { readOnly: true }), { isLedgerPrimary: true }),
      OPTS,
    ).tokens;
    expect(ro.find((t) => t.text === "ro")?.style).toBe("warn");
  });
});

describe("renderTopology", () => {
  const views = [
    view(P, mariadb(P)),
    view(R, replicaOf(R, P)),
    view(
      "127.0.0.1:23308",
      replicaOf("127.0.0.1:23308", R, { channels: [channel(R, { sqlRunning: false })] }),
    ),
  ];

  test("markers, two cells of indent per level, and every [ in one column", () => {
    const lines = renderTopology(buildTopologyTree(views)).map((l) => l.text);
    expect(lines).toEqual([
      "127.0.0.1:23306     [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]",
      "+ 127.0.0.1:23307   [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "  - 127.0.0.1:23308 [null,nonreplicating,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
    ]);
  });

  test("a stale replica gets - even though its last probe said replicating", () => {
    const stale = [
      views[0],
      { ...(views[1] as TopologyInstanceView), stateAgeMs: 6_000 },
    ] as TopologyInstanceView[];
    expect(renderTopology(buildTopologyTree(stale))[1]?.text).toStartWith("- 127.0.0.1:23307");
  });

  test("the stale threshold and lag threshold are options", () => {
    const lines = renderTopology(buildTopologyTree(views.slice(0, 2)), {
      staleAfterMs: 100,
      lagWarnSeconds: 0,
    });
    expect(lines[1]?.text).toContain("[unknown,unchecked,");
  });

  test("when a line would not fit, versions shorten first, then lines are cut to the width", () => {
    const down = [
      ...views,
      view("127.0.0.1:23309", replicaOf("127.0.0.1:23309", P), {
        downtime: { untilWallMs: 0, owner: "o", reason: "r" },
      }),
    ];
    const tree = buildTopologyTree(down);
    expect(renderTopology(tree, { width: 200 })[0]?.text).toContain("10.11.19-MariaDB-log");
    const narrow = renderTopology(tree, { width: 72 });
    expect(narrow.map((l) => l.text).find((t) => t.includes("23309"))).toContain(
      "[0s,ok,10.11.19,ro,ROW,>>,GTID,downtimed]",
    );
    for (const w of [10, 30, 50])
      for (const l of renderTopology(tree, { width: w })) expect(displayWidth(l.text)).toBeLessThanOrEqual(w);
  });

  test("keel topology (no width) never truncates", () => {
    const long = "a-very-long-host-name-in-a-far-away-datacenter.example.internal:3306";
    const lines = renderTopology(buildTopologyTree([view(long, mariadb(long))]));
    expect(lines[0]?.text).toBe(`${long} [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]`);
  });

  test("spans cover the tokens they style", () => {
    const [line] = renderTopology(buildTopologyTree([view(P, unreachable(P, "refused"))]));
    const styled = (line?.spans ?? []).map(
      (s) => `${s.style}:${[...(line?.text ?? "")].slice(s.start, s.end).join("")}`,
    );
    expect(styled).toEqual([
      "error:127.0.0.1:23306",
      "error:unknown",
      "error:invalid",
      "error:unreachable:refused",
    ]);
  });
});
