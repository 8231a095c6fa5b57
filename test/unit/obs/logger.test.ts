import { describe, expect, test } from "bun:test";
import { Secret } from "../../../src/config/secret.ts";
import { createLogger, type LoggerOptions, resolveLogFormat } from "../../../src/obs/logger.ts";

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0, 123);

function capture(over: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  let now = T0;
  const log = createLogger({
    level: "debug",
    format: "json",
    isTty: false,
    sink: { write: (l) => lines.push(l) },
    nowWallMs: () => now,
    ...over,
  });
  return { log, lines, advance: (ms: number) => (now += ms) };
}

describe("logger", () => {
  test("JSON lines carry ts, level, msg and the fields", () => {
    const { log, lines } = capture();
    log.info("probe ok", { host: "db1", lagSeconds: 0, readOnly: true });
    expect(lines).toEqual([
      '{"ts":"2026-11-24T10:00:00.123Z","level":"info","msg":"probe ok","host":"db1","lagSeconds":0,"readOnly":true}',
    ]);
  });

  test("the injected clock stamps each line", () => {
    const { log, lines, advance } = capture();
    log.info("a");
    advance(1_500);
    log.info("b");
    expect(lines.map((l) => JSON.parse(l).ts)).toEqual([
      "2026-11-24T10:00:00.123Z",
      "2026-11-24T10:00:01.623Z",
    ]);
  });

  test("lines below the level are not written", () => {
    const { log, lines } = capture({ level: "warn" });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error"]);
    expect(log.enabled("info")).toBe(false);
    expect(log.enabled("error")).toBe(true);
  });

  test("logfmt quotes what needs quoting and flattens nested fields", () => {
    const { log, lines } = capture({ format: "logfmt" });
    log.warn("replica lagging", {
      host: "db2",
      lag: { seconds: 12.5 },
      note: 'a "b"\nc',
      empty: "",
      list: [1, 2],
    });
    expect(lines).toEqual([
      'ts=2026-11-24T10:00:00.123Z level=warn msg="replica lagging" host=db2 lag.seconds=12.5 note="a \\"b\\"\\nc" empty="" list=[1,2]',
    ]);
  });

  test("auto is logfmt on a terminal and JSON otherwise", () => {
    expect(resolveLogFormat("auto", true)).toBe("logfmt");
    expect(resolveLogFormat("auto", false)).toBe("json");
    expect(resolveLogFormat("json", true)).toBe("json");
    const tty = capture({ format: "auto", isTty: true });
    tty.log.info("x");
    expect(tty.lines[0]).toStartWith("ts=");
    const pipe = capture({ format: "auto", isTty: false });
    pipe.log.info("x");
    expect(pipe.lines[0]).toStartWith("{");
  });

  test("a child logger binds fields; its own call's fields win", () => {
    const { log, lines } = capture();
    const child = log.child({ cluster: "shop", node: "a" }).child({ node: "b" });
    child.info("x", { extra: 1 });
    child.info("y", { node: "c" });
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { msg: "x", cluster: "shop", node: "b", extra: 1 },
      { msg: "y", cluster: "shop", node: "c" },
    ]);
  });

  test("fields cannot overwrite ts, level or msg", () => {
    const { log, lines } = capture();
    log.info("real", { msg: "forged", level: "error" });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      msg: "real",
      level: "info",
      "field.msg": "forged",
    });
  });

  test("secrets never reach the sink, in either format", () => {
    for (const format of ["json", "logfmt"] as const) {
      const { log, lines } = capture({ format });
      log.error("login failed", {
        user: "keel",
        password: "hunter2",
        dsn: { host: "db1", pass: "hunter2" },
        apiToken: "tok-hunter2",
        keyring: ["k1-hunter2"],
        clientSecret: "hunter2",
        replication: { credentials: new Secret("hunter2") },
        bare: new Secret("hunter2"),
      });
      expect(lines[0]).not.toContain("hunter2");
      expect(lines[0]).toContain("[redacted]");
      expect(lines[0]).toContain("keel");
    }
  });

  test("a newline in a value cannot forge a second line", () => {
    for (const format of ["json", "logfmt"] as const) {
      const { log, lines } = capture({ format });
      log.info("x", { host: 'db1\n{"level":"error","msg":"forged"}' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain("\n");
    }
  });

  test("a failing sink does not throw into the caller", () => {
    const { log } = capture({
      sink: {
        write: () => {
          throw new Error("EPIPE");
        },
      },
    });
    expect(() => log.error("x")).not.toThrow();
  });
});
