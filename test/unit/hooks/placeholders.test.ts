import { describe, expect, test } from "bun:test";
import { expandCommand, hookEnvironment, PLACEHOLDERS } from "../../../src/hooks/placeholders.ts";
import { deadMasterContext } from "./context.fixture.ts";

const ctx = deadMasterContext();

describe("expandCommand: orchestrator placeholders", () => {
  test.each([
    ["{failureType}", "DeadMaster"],
    ["{failureDescription}", "'Master cannot be reached by keel and none of its replicas is replicating'"],
    ["{failedHost}", "db1.example.com"],
    ["{failedPort}", "3306"],
    ["{failureCluster}", "db1.example.com:3306"],
    ["{failureClusterAlias}", "shop"],
    ["{failureClusterDomain}", "shop.example.com"],
    ["{instanceType}", "master"],
    ["{isMaster}", "true"],
    ["{isCoMaster}", "false"],
    ["{countReplicas}", "2"],
    ["{countSlaves}", "2"],
    ["{replicaHosts}", "db2.example.com:3306,db3.example.com:3306"],
    ["{slaveHosts}", "db2.example.com:3306,db3.example.com:3306"],
    ["{isDowntimed}", "false"],
    ["{autoMasterRecovery}", "true"],
    ["{autoIntermediateMasterRecovery}", "false"],
    ["{orchestratorHost}", "keel-a"],
    ["{recoveryUID}", "keel-a:1700000000:7"],
    ["{isSuccessful}", "true"],
    ["{lostReplicas}", "db3.example.com:3306"],
    ["{lostSlaves}", "db3.example.com:3306"],
    ["{countLostReplicas}", "1"],
    ["{successorHost}", "db2.example.com"],
    ["{successorPort}", "3307"],
    ["{successorBinlogCoordinates}", "mysql-bin.000042:1337"],
    ["{successorAlias}", "db2"],
    ["{command}", ""],
  ])("%s -> %s", (template, expected) => {
    expect(expandCommand(template, ctx)).toBe(expected);
  });

  test("every placeholder in the table is covered above", () => {
    expect(Object.keys(PLACEHOLDERS).length).toBe(28);
  });

  test("the Percona VIP hook line is unchanged apart from the values", () => {
    expect(
      expandCommand(
        "/usr/local/bin/orch_hook.sh {failureType} {failureClusterAlias} {failedHost} {successorHost}",
        ctx,
      ),
    ).toBe("/usr/local/bin/orch_hook.sh DeadMaster shop db1.example.com db2.example.com");
    expect(expandCommand('echo "{failedHost}" >> /tmp/recovery.log', ctx)).toBe(
      'echo "db1.example.com" >> /tmp/recovery.log',
    );
  });

  test("unknown words in braces and shell brace syntax stay as written", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a JS template
    const template = "echo {foo} {failedhost} ${HOME} a{b,c}";
    expect(expandCommand(template, ctx)).toBe(template);
  });

  test("without a successor the successor placeholders stay as written (orchestrator does the same)", () => {
    const failed = deadMasterContext({
      isSuccessful: false,
      successorHost: null,
      successorPort: null,
      successorBinlogCoordinates: null,
    });
    expect(expandCommand("x {successorHost} {successorPort} {successorAlias} {isSuccessful}", failed)).toBe(
      "x {successorHost} {successorPort} {successorAlias} false",
    );
  });

  test("missing binlog coordinates leave only that placeholder as written", () => {
    const c = deadMasterContext({ successorBinlogCoordinates: null });
    expect(expandCommand("{successorHost} {successorBinlogCoordinates}", c)).toBe(
      "db2.example.com {successorBinlogCoordinates}",
    );
  });

  test("the command hint goes in verbatim", () => {
    const c = deadMasterContext({ command: "graceful-master-takeover" });
    expect(expandCommand("hook {command}", c)).toBe("hook graceful-master-takeover");
  });

  test("a value is not scanned again for placeholders", () => {
    const c = deadMasterContext({ failureDescription: "see {failedHost}" });
    expect(expandCommand("{failureDescription}", c)).toBe("'see {failedHost}'");
  });
});

describe("expandCommand: hostile values are quoted for the context they land in", () => {
  const evil = deadMasterContext({ failedHost: "x;$(id)`id`'q\"\nz" });
  const q = `'x;$(id)\`id\`'\\''q"\nz'`;
  test.each([
    ["plain word", "hook {failedHost}", `hook ${q}`],
    ["inside double quotes", 'hook "{failedHost}"', `hook ""${q}""`],
    ["inside double quotes with text", 'hook "host={failedHost}!"', `hook "host="${q}"!"`],
    ["inside single quotes", "hook 'h={failedHost}'", `hook 'h='${q}''`],
    ["inside $'…'", "hook $'h={failedHost}'", `hook $'h='${q}$''`],
    ["inside $( ) in double quotes", 'a="$(echo "{failedHost}")"', `a="$(echo ""${q}"")"`],
    ["inside $( ) unquoted", "a=$(echo {failedHost})", `a=$(echo ${q})`],
    ["after an escaping backslash", "hook \\{failedHost}", `hook ${q}`],
    ["after a backslash inside double quotes", 'hook "\\{failedHost}"', `hook "\\\\"${q}""`],
    ["in a comment (newline removed)", "true # {failedHost}", `true # ${q.replace("\n", " ")}`],
  ])("%s", (_, template, expected) => {
    expect(expandCommand(template, evil)).toBe(expected);
  });

  test.each([
    ["backticks", "echo `echo {failedHost}`"],
    ["a here-document", "cat <<EOF\n{failedHost}\nEOF"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a JS template
    ["${…}", 'echo "${X:-{failedHost}}"'],
    ["arithmetic", "echo $(( {failedPort} )) {failedHost}"],
    ["case", "case a in a) echo {failedHost};; esac"],
  ])("after %s (not modelled) values become a reference to their KEEL_ variable", (_, template) => {
    const out = expandCommand(template, evil);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a JS template
    expect(out).toContain("${KEEL_FAILED_HOST}");
    expect(out).not.toContain("$(id)");
  });

  test("safe values are never quoted, in any context", () => {
    expect(expandCommand("a {failedHost} '{failedHost}' \"{failedHost}\" `{failedHost}`", ctx)).toBe(
      "a db1.example.com 'db1.example.com' \"db1.example.com\" `db1.example.com`",
    );
  });

  test("NUL characters are dropped (argv cannot carry them)", () => {
    expect(expandCommand("{failedHost}", deadMasterContext({ failedHost: "a\0b" }))).toBe("ab");
  });

  test("an empty value is substituted as nothing, like orchestrator", () => {
    expect(expandCommand("x {failureClusterDomain} y", deadMasterContext({ failureClusterDomain: "" }))).toBe(
      "x  y",
    );
  });
});

describe("hookEnvironment", () => {
  test("sets orchestrator's ORC_* names with raw values", () => {
    const env = hookEnvironment(ctx);
    expect(env).toMatchObject({
      ORC_FAILURE_TYPE: "DeadMaster",
      ORC_INSTANCE_TYPE: "master",
      ORC_IS_MASTER: "true",
      ORC_IS_CO_MASTER: "false",
      ORC_FAILURE_DESCRIPTION: ctx.failureDescription,
      ORC_COMMAND: "",
      ORC_FAILED_HOST: "db1.example.com",
      ORC_FAILED_PORT: "3306",
      ORC_FAILURE_CLUSTER: "db1.example.com:3306",
      ORC_FAILURE_CLUSTER_ALIAS: "shop",
      ORC_FAILURE_CLUSTER_DOMAIN: "shop.example.com",
      ORC_COUNT_REPLICAS: "2",
      ORC_IS_DOWNTIMED: "false",
      ORC_AUTO_MASTER_RECOVERY: "true",
      ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY: "false",
      ORC_ORCHESTRATOR_HOST: "keel-a",
      ORC_IS_SUCCESSFUL: "true",
      ORC_LOST_REPLICAS: "db3.example.com:3306",
      ORC_REPLICA_HOSTS: "db2.example.com:3306,db3.example.com:3306",
      ORC_RECOVERY_UID: "keel-a:1700000000:7",
      ORC_SUCCESSOR_HOST: "db2.example.com",
      ORC_SUCCESSOR_PORT: "3307",
      ORC_SUCCESSOR_BINLOG_COORDINATES: "mysql-bin.000042:1337",
      ORC_SUCCESSOR_ALIAS: "db2",
    });
    expect(Object.keys(env).filter((k) => k.startsWith("ORC_"))).toHaveLength(24);
  });

  test("every value also goes out as KEEL_*, including the count orchestrator has no variable for", () => {
    const env = hookEnvironment(ctx);
    for (const [k, v] of Object.entries(env))
      if (k.startsWith("ORC_")) expect(env[`KEEL_${k.slice(4)}`]).toBe(v);
    expect(env.KEEL_COUNT_LOST_REPLICAS).toBe("1");
    expect(env.ORC_COUNT_LOST_REPLICAS).toBeUndefined();
  });

  test("successor variables are absent when there is no successor", () => {
    const env = hookEnvironment(
      deadMasterContext({ successorHost: null, successorPort: null, isSuccessful: false }),
    );
    expect(env.ORC_SUCCESSOR_HOST).toBeUndefined();
    expect(env.ORC_SUCCESSOR_PORT).toBeUndefined();
    expect(env.ORC_SUCCESSOR_ALIAS).toBeUndefined();
    expect(env.ORC_IS_SUCCESSFUL).toBe("false");
  });

  test("hostile values are passed raw (the environment needs no quoting), without NUL", () => {
    const env = hookEnvironment(deadMasterContext({ failedHost: "$(id)\n'\0" }));
    expect(env.ORC_FAILED_HOST).toBe("$(id)\n'");
  });
});
