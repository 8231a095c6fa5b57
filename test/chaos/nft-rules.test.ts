import { describe, expect, test } from "bun:test";
import {
  blockedPeers,
  faultProblems,
  type NetFaults,
  NO_FAULTS,
  renderHostRules,
} from "./harness/nft-rules.ts";

const HOSTS = [
  { name: "h1", address: "10.213.0.11" },
  { name: "h2", address: "10.213.0.12" },
  { name: "h3", address: "10.213.0.13" },
];
const CLIENT = "10.213.0.1";

function chains(script: string): { input: string[]; output: string[] } {
  const body = (name: string) => {
    const start = script.indexOf(`chain ${name} {`);
    const end = script.indexOf("\n  }", start);
    return script
      .slice(start, end)
      .split("\n")
      .slice(3)
      .map((l) => l.trim())
      .filter((l) => l !== "");
  };
  return { input: body("input"), output: body("output") };
}

describe("nft rules", () => {
  test("the script replaces the table atomically and keeps loopback open", () => {
    const s = renderHostRules(NO_FAULTS, "h1", HOSTS, CLIENT);
    expect(s.startsWith("add table inet keel_chaos\ndelete table inet keel_chaos\n")).toBe(true);
    expect(s).toContain('iifname "lo" accept');
    expect(s).toContain('oifname "lo" accept');
    expect(chains(s)).toEqual({ input: [], output: [] });
  });

  test("an isolated host drops everything but loopback, both ways", () => {
    const f: NetFaults = { ...NO_FAULTS, isolated: ["h2"] };
    expect(chains(renderHostRules(f, "h2", HOSTS, CLIENT))).toEqual({ input: ["drop"], output: ["drop"] });
    expect(chains(renderHostRules(f, "h1", HOSTS, CLIENT))).toEqual({ input: [], output: [] });
  });

  test("a partition blocks the other side; the client follows its group", () => {
    const f: NetFaults = { ...NO_FAULTS, partition: { groups: [["h1", "h2"], ["h3"]], clientGroup: 0 } };
    expect(blockedPeers(f, "h1", HOSTS, CLIENT)).toEqual(["10.213.0.13"]);
    expect(blockedPeers(f, "h3", HOSTS, CLIENT)).toEqual(["10.213.0.11", "10.213.0.12", CLIENT]);
    expect(chains(renderHostRules(f, "h3", HOSTS, CLIENT))).toEqual({
      input: ["ip saddr { 10.213.0.11, 10.213.0.12, 10.213.0.1 } drop"],
      output: ["ip daddr { 10.213.0.11, 10.213.0.12, 10.213.0.1 } drop"],
    });
    const clientEverywhere: NetFaults = {
      ...f,
      partition: { groups: f.partition!.groups, clientGroup: null },
    };
    expect(blockedPeers(clientEverywhere, "h3", HOSTS, CLIENT)).not.toContain(CLIENT);
  });

  test("a host in no group is cut off from every other host", () => {
    const f: NetFaults = { ...NO_FAULTS, partition: { groups: [["h1", "h2"]], clientGroup: null } };
    expect(blockedPeers(f, "h3", HOSTS, CLIENT)).toEqual(["10.213.0.11", "10.213.0.12"]);
  });

  test("loss drops a random share in each direction, alongside a partition", () => {
    const f: NetFaults = {
      isolated: [],
      partition: { groups: [["h1"], ["h2", "h3"]], clientGroup: null },
      lossPercent: { h1: 30 },
    };
    expect(chains(renderHostRules(f, "h1", HOSTS, CLIENT))).toEqual({
      input: ["ip saddr { 10.213.0.12, 10.213.0.13 } drop", "numgen random mod 100 < 30 drop"],
      output: ["ip daddr { 10.213.0.12, 10.213.0.13 } drop", "numgen random mod 100 < 30 drop"],
    });
    expect(chains(renderHostRules({ ...f, lossPercent: { h1: 0 } }, "h1", HOSTS, CLIENT)).input).toHaveLength(
      1,
    );
  });

  test("a delayed host redirects new connections to its MySQL port to the proxy; other hosts don't", () => {
    const faults: NetFaults = { ...NO_FAULTS, redirect: { h1: { port: 3306, to: 13306 } } };
    const h1 = renderHostRules(faults, "h1", HOSTS, CLIENT);
    expect(h1).toContain(
      [
        "  chain prerouting {",
        "    type nat hook prerouting priority dstnat; policy accept;",
        "    tcp dport 3306 redirect to :13306",
        "  }",
      ].join("\n"),
    );
    expect(h1.indexOf("chain prerouting")).toBeLessThan(h1.lastIndexOf("}"));
    expect(renderHostRules(faults, "h2", HOSTS, CLIENT)).not.toContain("prerouting");
    expect(renderHostRules(NO_FAULTS, "h1", HOSTS, CLIENT)).not.toContain("prerouting");
    expect(
      faultProblems(
        { ...NO_FAULTS, redirect: { h9: { port: 3306, to: 13306 }, h2: { port: 3306, to: 3306 } } },
        ["h1", "h2"],
      ),
    ).toEqual([
      "redirect: unknown host h9",
      "redirect: h2 needs two different ports 1..65535, got 3306 -> 3306",
    ]);
  });

  test("every problem in a fault state is reported at once", () => {
    const problems = faultProblems(
      {
        isolated: ["h9"],
        partition: {
          groups: [
            ["h1", "h2"],
            ["h2", "h7"],
          ],
          clientGroup: 4,
        },
        lossPercent: { h1: 140 },
      },
      ["h1", "h2", "h3"],
    );
    expect(problems).toEqual([
      "isolate: unknown host h9",
      "loss: h1 percent must be 0..100, got 140",
      "partition: h2 is in two groups",
      "partition: unknown host h7",
      "partition: client group 4 does not exist",
    ]);
    expect(faultProblems(NO_FAULTS, ["h1"])).toEqual([]);
  });
});
