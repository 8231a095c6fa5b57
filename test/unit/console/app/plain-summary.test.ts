// The plain-text console (TERM=dumb, no TTY, --once): what an operator reads in a log.
import { describe, expect, test } from "bun:test";
import { PLAIN_SUMMARY_DEFAULTS, plainSummary } from "../../../../src/console/plain-summary.ts";
import { snapshot, WALL_MS } from "./snapshot-fixture.ts";

describe("plain summary", () => {
  test("a timestamp header, each cluster's health line and orchestrator-style tree, then events", () => {
    const text = plainSummary(snapshot(), { kind: "live", atWallMs: WALL_MS }, WALL_MS + 500);
    expect(text).toEqual([
      "== keel console 2026-11-24 12:00:00 UTC  agent 127.0.0.1:31080  [live]",
      "",
      "cluster main: ok  primary 127.0.0.1:31001  epoch 3  quorum OK term 4 leader node-31001",
      "127.0.0.1:31001   [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]",
      "+ 127.0.0.1:31002 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "+ 127.0.0.1:31003 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "+ 127.0.0.1:31004 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID,downtimed]",
      "+ 127.0.0.1:31005 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "",
      "cluster orders: ok  primary 127.0.0.1:31101  epoch 3  quorum OK term 4 leader node-31001",
      "127.0.0.1:31101   [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]",
      "+ 127.0.0.1:31102 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "",
      "events:",
      "11:59:55 main info  membership    node-31003 joined",
    ]);
  });

  test("-c shows one cluster; an unknown one is said so", () => {
    const one = plainSummary(snapshot(), { kind: "live", atWallMs: WALL_MS }, WALL_MS, {
      ...PLAIN_SUMMARY_DEFAULTS,
      cluster: "orders",
    });
    expect(one.filter((l) => l.startsWith("cluster "))).toEqual([expect.stringContaining("cluster orders:")]);
    expect(one.join("\n")).not.toContain("node-31003 joined");
    const none = plainSummary(snapshot(), { kind: "live", atWallMs: WALL_MS }, WALL_MS, {
      ...PLAIN_SUMMARY_DEFAULTS,
      cluster: "nope",
    });
    expect(none).toContain("cluster nope is not known here");
  });

  test("problems, pause and a paused cluster are spelled out", () => {
    const s = snapshot();
    const main = s.clusters[0]!;
    main.summary = { ...main.summary, health: "failing-over", problems: ["DeadPrimary"] };
    main.paused = true;
    const text = plainSummary(s, { kind: "live", atWallMs: WALL_MS }, WALL_MS).join("\n");
    expect(text).toContain("cluster main: failing over");
    expect(text).toContain("recovery PAUSED");
    expect(text).toContain("problems: DeadMaster");
  });

  test("stale and lost sources are flagged in the header", () => {
    expect(plainSummary(snapshot(), { kind: "live", atWallMs: WALL_MS }, WALL_MS + 7_000)[0]).toContain(
      "[STALE 7s]",
    );
    const lost = plainSummary(
      null,
      { kind: "lost", problem: "no agent", sinceWallMs: WALL_MS, lastGoodWallMs: null },
      WALL_MS + 2_000,
    );
    expect(lost).toEqual([
      "== keel console 2026-11-24 12:00:02 UTC  [SOURCE LOST 2s: no agent; no data yet]",
    ]);
  });
});
