// `keel demo`'s pure parts, no MariaDB needed: the console's K and R keys (what they ask, when they
// refuse, what they run), their place in the help and key hints, the mariadbd check/install
// decision, the topology "caught up" test and the one-line stage failure.
// (Pure logic; it lives here only because the demo's tests are owned under test/integration.)
import { describe, expect, test } from "bun:test";
import { renderStageFailure } from "../../../src/cli/demo.ts";
import { wordError } from "../../../src/cli/render-error.ts";
import { runAction } from "../../../src/console/actions.ts";
import { applySnapshot, type ConsoleState, initialState } from "../../../src/console/console-state.ts";
import { DEMO_KEYS, DemoConsoleActions } from "../../../src/console/demo-keys.ts";
import { topologySettled } from "../../../src/console/demo-topology.ts";
import { renderFrame } from "../../../src/console/frame.ts";
import { handleKey, type KeyInput } from "../../../src/console/keys.ts";
import { renderHelp, renderKeyHints } from "../../../src/console/views/help.ts";
import { err, ok } from "../../../src/lib/result.ts";
import { ensureMariadbd, type MariadbInstallDeps } from "../../../src/runtime/demo-mariadb.ts";
import { cluster, MAIN_PRIMARY, mainInstances, snapshot, WALL_MS } from "./app/snapshot-fixture.ts";
import { unreachable, view } from "./views/fixtures.ts";

const key = (ch: string): KeyInput =>
  /^[A-Z]$/.test(ch) ? { name: `S-${ch.toLowerCase()}`, ch } : { name: ch, ch };

function press(s: ConsoleState, ...keys: string[]) {
  let state = s;
  const effects = [];
  for (const k of keys) {
    const r = handleKey(state, key(k), WALL_MS);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

const demoState = (snap = snapshot()): ConsoleState =>
  applySnapshot(initialState({ operator: "demo@vm", extraKeys: DEMO_KEYS }), snap);

/** Cluster "main" with its primary's mysqld down, as the agents report it after K. */
function primaryDown() {
  const instances = mainInstances().map((i) =>
    i.key === MAIN_PRIMARY
      ? view(MAIN_PRIMARY, unreachable(MAIN_PRIMARY, "refused"), { isLedgerPrimary: true })
      : i,
  );
  return snapshot({ clusters: [cluster("main", instances)] });
}

describe("K: kill the primary's mysqld", () => {
  test("asks to confirm, naming the primary and what follows; y runs it", () => {
    const asked = press(demoState(), "K").state;
    expect(asked.dialog?.kind).toBe("confirm");
    const text = renderFrame(asked, 100, 30, WALL_MS)
      .map((l) => l.text)
      .join("\n");
    expect(text).toContain(`confirm: kill the mysqld of ${MAIN_PRIMARY}`);
    expect(text).toContain("[y/N]");
    const r = press(asked, "y");
    expect(r.effects).toEqual([
      {
        type: "run-action",
        action: expect.objectContaining({ kind: "extra", ch: "K", target: MAIN_PRIMARY, cluster: "main" }),
      },
    ]);
    expect(r.state.running?.kind).toBe("extra");
  });

  test.each(["n", "escape", "enter"])("%s cancels without running anything", (k) => {
    const r = press(demoState(), "K", k);
    expect([r.state.dialog, r.effects]).toEqual([null, []]);
  });

  test("lower-case k still moves the selection (it is not K)", () => {
    const r = press(demoState(), "j", "k");
    expect([r.state.dialog, r.state.selectedInstance]).toEqual([null, MAIN_PRIMARY]);
  });

  test("a primary already down gets a notice, not a second kill", () => {
    const d = press(demoState(primaryDown()), "K").state.dialog;
    expect(d).toEqual(expect.objectContaining({ kind: "notice", title: "the primary is already down" }));
  });

  test("without the demo's keys, K does nothing", () => {
    const plain = applySnapshot(initialState({ operator: "x" }), snapshot());
    expect(press(plain, "K").state.dialog).toBeNull();
  });
});

describe("R: restart the old primary", () => {
  test("with every mysqld running it explains that K comes first", () => {
    const d = press(demoState(), "R").state.dialog;
    expect(d).toEqual(expect.objectContaining({ kind: "notice", title: "nothing to restart" }));
  });

  test("targets the server whose mysqld is down and says it rejoins as a replica", () => {
    const asked = press(demoState(primaryDown()), "j", "R").state;
    expect(asked.dialog).toEqual({
      kind: "confirm",
      action: expect.objectContaining({ kind: "extra", ch: "R", target: MAIN_PRIMARY }),
    });
    const text = renderFrame(asked, 100, 30, WALL_MS)
      .map((l) => l.text)
      .join("\n");
    expect(text).toContain("rejoins it as a");
  });
});

describe("the demo's keys in the help and hints", () => {
  test("the hint line starts with K and R so they are seen first", () => {
    const hints = renderKeyHints(100, [
      { key: "K", hint: "kill primary", description: "" },
      { key: "R", hint: "restart old primary", description: "" },
    ]).text;
    expect(hints.startsWith("K kill primary  R restart old primary  j/k move")).toBe(true);
    expect(renderKeyHints(100).text.startsWith("j/k move")).toBe(true);
  });

  test("the help lists both as confirming keys, the frame shows them in demo mode only", () => {
    const help = renderHelp(100, [{ key: "K", hint: "kill primary", description: "demo: kill it" }])
      .map((l) => l.text)
      .join("\n");
    expect(help).toContain("demo: kill it (asks to confirm)");
    const last = (s: ConsoleState) => renderFrame(s, 100, 30, WALL_MS).at(-1)?.text ?? "";
    expect(last(demoState())).toStartWith("K kill primary");
    expect(last(applySnapshot(initialState({ operator: "x" }), snapshot()))).toStartWith("j/k move");
  });
});

describe("DemoConsoleActions", () => {
  const calls: string[] = [];
  const base = {
    switchover: async () => ok("switched"),
    failover: async () => ok(""),
    downtime: async () => ok(""),
    ack: async () => ok(""),
    rejoin: async () => ok(""),
    pause: async () => ok("paused"),
    resume: async () => ok(""),
  };
  const cluster3 = {
    portOfKey: (k: string) =>
      k.endsWith(":23306")
        ? ok(23306)
        : err({ code: "demo.unknown-instance" as const, key: k, ports: [23306, 23307, 23308] }),
    killMysqld: async (port: number) => {
      calls.push(`kill ${port}`);
      return ok(undefined);
    },
    restartMysqld: async (port: number) => {
      calls.push(`start ${port}`);
      return ok(undefined);
    },
  };
  const actions = new DemoConsoleActions(base, cluster3);
  const extra = (ch: string, target: string) =>
    ({ kind: "extra", cluster: "sandbox", ch, target, title: `t ${ch}`, description: "" }) as const;

  test("K kills and R restarts the target's server; other actions pass through", async () => {
    const steps: string[] = [];
    expect(await runAction(actions, extra("K", "127.0.0.1:23306"), (t) => steps.push(t))).toEqual({
      ok: true,
      summary: "mysqld of 127.0.0.1:23306 killed; watch the detection and the failover",
    });
    expect((await runAction(actions, extra("R", "127.0.0.1:23306"), () => {})).ok).toBe(true);
    expect(await runAction(actions, { kind: "pause", cluster: "sandbox" }, () => {})).toEqual({
      ok: true,
      summary: "paused",
    });
    expect(calls).toEqual(["kill 23306", "start 23306"]);
    expect(steps).toEqual(["kill -9 the mysqld on port 23306"]);
  });

  test("a target outside the sandbox is refused with a worded error", async () => {
    const r = await runAction(actions, extra("K", "10.0.0.9:3306"), () => {});
    expect(r).toEqual({
      ok: false,
      problem:
        "10.0.0.9:3306 is not one of the demo's servers (ports 23306, 23307, 23308) (demo.unknown-instance)",
      fix: "select one of the demo's instances in the console and press the key again",
    });
  });
});

describe("ensureMariadbd", () => {
  function deps(o: { present: boolean; root: boolean; installs?: boolean; fail?: string }) {
    const log: string[] = [];
    let present = o.present;
    const d: MariadbInstallDeps = {
      isExecutable: () => present,
      isRoot: () => o.root,
      run: (argv) => {
        log.push(argv.join(" "));
        if (o.fail !== undefined) return o.fail;
        if (argv.includes("install") && o.installs !== false) present = true;
        return null;
      },
      say: (t) => log.push(`say: ${t}`),
    };
    return { d, log };
  }

  test("present: nothing is run", () => {
    const { d, log } = deps({ present: true, root: true });
    expect(ensureMariadbd("/usr/sbin/mariadbd", d)).toEqual(ok(undefined));
    expect(log).toEqual([]);
  });

  test("missing, not root: the exact command to run, nothing installed", () => {
    const { d, log } = deps({ present: false, root: false });
    expect(ensureMariadbd("/usr/sbin/mariadbd", d)).toEqual(
      err({
        code: "demo.mariadbd-missing",
        path: "/usr/sbin/mariadbd",
        command: "sudo apt-get install -y mariadb-server",
      }),
    );
    expect(log).toEqual([]);
  });

  test("missing, root: says so, then apt-get update and install", () => {
    const { d, log } = deps({ present: false, root: true });
    expect(ensureMariadbd("/usr/sbin/mariadbd", d).ok).toBe(true);
    expect(log).toEqual([
      "say: keel demo: /usr/sbin/mariadbd is missing; installing it with 'apt-get install -y mariadb-server' (you are root)",
      "apt-get update -qq",
      "apt-get install -y mariadb-server",
    ]);
  });

  test("a failing apt-get, or an install that leaves no binary, is an install failure", () => {
    const failing = deps({ present: false, root: true, fail: "apt-get exited with 100" });
    expect(ensureMariadbd("/x/mariadbd", failing.d)).toEqual(
      err(expect.objectContaining({ code: "demo.install-failed", detail: "apt-get exited with 100" })),
    );
    const empty = deps({ present: false, root: true, installs: false });
    expect(ensureMariadbd("/x/mariadbd", empty.d)).toEqual(
      err(expect.objectContaining({ code: "demo.install-failed" })),
    );
  });
});

describe("topologySettled and the stage failure line", () => {
  const after = [
    "127.0.0.1:23307   [0s,ok,10.11.19,rw,ROW,>>,GTID]",
    "+ 127.0.0.1:23308 [0s,ok,10.11.19,ro,ROW,>>,GTID]",
    "127.0.0.1:23306   [unknown,invalid,10.11.19,rw,ROW,>>,GTID,unreachable:refused]",
  ];
  test.each([
    ["the new primary heads the tree with its answering replica", after, 23307, 1, true],
    ["a second answering replica is still missing", after, 23307, 2, false],
    ["the old primary no longer heads the tree", after, 23306, 1, false],
    ["no lines yet", [], 23307, 0, false],
  ] as const)("%s", (_name, lines, port, replicas, want) => {
    expect(topologySettled(lines, port, replicas)).toBe(want);
  });

  test("a failed stage is one line: the stage, the problem, the code and the fix", () => {
    const line = renderStageFailure({
      stage: "wait for the failover",
      error: {
        code: "demo.no-failover",
        waitedMs: 30_100,
        oldPrimaryPort: 23306,
        seen: "ledger primary db1",
      },
    } as Parameters<typeof renderStageFailure>[0]);
    expect(line).toStartWith(
      'keel: demo stage "wait for the failover" failed: no replica became the writable primary within 30.1 s of killing 127.0.0.1:23306',
    );
    expect(line).toContain("(demo.no-failover); fix: ");
    expect(line.split("\n")).toHaveLength(1);
  });
});

describe("demo messages", () => {
  const samples = [
    { code: "demo.not-ready", waitedMs: 30_000, seen: "raft leaders none/none/none, ledger primary none" },
    { code: "demo.no-failover", waitedMs: 30_000, oldPrimaryPort: 23306, seen: "ledger primary db1" },
    { code: "demo.no-rejoin", waitedMs: 30_000, port: 23306, primaryPort: 23307, seen: "read_only true" },
    { code: "demo.unknown-instance", key: "10.0.0.9:3306", ports: [23306] },
    {
      code: "demo.mariadbd-missing",
      path: "/usr/sbin/mariadbd",
      command: "sudo apt-get install -y mariadb-server",
    },
    {
      code: "demo.install-failed",
      path: "/usr/sbin/mariadbd",
      command: "apt-get install -y x",
      detail: "exit 100",
    },
    {
      code: "demo.writer-stuck",
      acked: 3,
      wanted: 20,
      waitedMs: 10_000,
      port: null,
      lastError: "ER_OPTION_PREVENTS_STATEMENT",
    },
    { code: "demo.count-failed", port: 23307, detail: "ECONNREFUSED" },
    { code: "demo.writes-lost", lost: 2, acked: 40, sample: [38, 39], port: 23307 },
  ];
  test.each(samples.map((s) => [s.code, s] as const))("%s names the problem and a fix", (_code, e) => {
    const w = wordError(e);
    expect(w.problem).not.toMatch(/undefined|\[object|^error /);
    expect(w.fix.length).toBeGreaterThan(10);
  });

  test("a missing mariadbd for a non-root user says exactly what to run", () => {
    expect(wordError(samples[4] as { code: string }).fix).toContain(
      "run 'sudo apt-get install -y mariadb-server'",
    );
  });
});
