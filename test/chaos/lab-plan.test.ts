import { describe, expect, test } from "bun:test";
import {
  accountHostPattern,
  IFNAME_CHARS_MAX,
  LAB_HOSTS_MAX,
  ownerPidOf,
  parseSubnet,
  planLab,
  tagOf,
} from "./harness/lab-plan.ts";
import { labMyCnf, serverFilesOf } from "./harness/lab-server.ts";
import { renderHostRules } from "./harness/nft-rules.ts";

describe("lab plan", () => {
  test("only private /24 subnets are accepted", () => {
    expect(parseSubnet("10.213.0.0/24")).toEqual({ prefix: "10.213.0" });
    expect(parseSubnet("192.168.77.0/24")).toEqual({ prefix: "192.168.77" });
    expect(parseSubnet("172.20.1.0/24")).toEqual({ prefix: "172.20.1" });
    for (const bad of ["8.8.8.0/24", "10.213.0.0/16", "10.213.0.5/24", "172.32.0.0/24", "10.300.0.0/24", ""])
      expect(parseSubnet(bad)).toBeNull();
  });

  test("hosts get addresses .11.., the root namespace .1, and names carrying the owner pid", () => {
    const plan = planLab(4_194_303, 35, { prefix: "10.213.9" }, 5);
    expect(plan.rootAddress).toBe("10.213.9.1");
    expect(plan.hosts.map((h) => h.address)).toEqual([
      "10.213.9.11",
      "10.213.9.12",
      "10.213.9.13",
      "10.213.9.14",
      "10.213.9.15",
    ]);
    expect(plan.hosts.map((h) => h.serverId)).toEqual([1, 2, 3, 4, 5]);
    for (const name of [plan.bridge, ...plan.hosts.map((h) => h.veth)]) {
      expect(name.length).toBeLessThanOrEqual(IFNAME_CHARS_MAX);
      expect(ownerPidOf(name)).toBe(4_194_303);
      expect(tagOf(name)).toBe(plan.tag);
    }
    for (const h of plan.hosts) {
      expect(ownerPidOf(h.netns)).toBe(4_194_303);
      expect(tagOf(h.netns)).toBe(plan.tag);
    }
  });

  test("two labs of one process, or of two processes, share no name", () => {
    const a = planLab(100, 1, { prefix: "10.213.1" }, 3);
    const b = planLab(100, 2, { prefix: "10.213.2" }, 3);
    const c = planLab(101, 1, { prefix: "10.213.3" }, 3);
    const names = [a, b, c].flatMap((p) => [p.bridge, ...p.hosts.flatMap((h) => [h.veth, h.netns])]);
    expect(new Set(names).size).toBe(names.length);
  });

  test("names that are not a lab's are never claimed by the sweep", () => {
    for (const other of ["eth0", "ifb0", "lo", "docker0", "keel-test-abc", "kv-", "kb-x", "keel-lab-subnets"])
      expect(ownerPidOf(other)).toBeNull();
  });

  test("host count is bounded", () => {
    expect(() => planLab(1, 1, { prefix: "10.213.0" }, 0)).toThrow(RangeError);
    expect(() => planLab(1, 1, { prefix: "10.213.0" }, LAB_HOSTS_MAX + 1)).toThrow(RangeError);
    expect(planLab(1, 1, { prefix: "10.213.0" }, LAB_HOSTS_MAX).hosts).toHaveLength(LAB_HOSTS_MAX);
  });

  test("accounts cover exactly the lab subnet", () => {
    expect(accountHostPattern({ prefix: "10.213.4" })).toBe("10.213.4.%");
  });

  test("a healthy host's rules accept everything", () => {
    const script = renderHostRules({ isolated: [], partition: null, lossPercent: {} }, "h1", [], "10.0.0.1");
    expect(script).not.toContain("drop");
  });
});

describe("lab my.cnf", () => {
  const host = planLab(1, 1, { prefix: "10.213.5" }, 3).hosts[1]!;
  const settings = (cnf: string) =>
    new Map(
      cnf
        .split("\n")
        .filter((l) => l.includes(" = "))
        .map((l) => l.split(" = ") as [string, string]),
    );

  test("the server listens on and reports its host's own address, read-only until made primary", () => {
    const files = serverFilesOf("/tmp/x/h2", host, false);
    const s = settings(labMyCnf(files, host.address, null));
    expect(s.get("bind-address")).toBe("10.213.5.12");
    expect(s.get("report_host")).toBe("10.213.5.12");
    expect(s.get("server_id")).toBe("2");
    expect(s.get("read_only")).toBe("ON");
    expect(s.get("socket")).toBe("/tmp/x/h2/mariadbd.sock");
    expect(s.has("rpl_semi_sync_slave_enabled")).toBe(false);
  });

  test("semi-sync is lossless (AFTER_SYNC) with the lab's timeout, on both sides of every server", () => {
    const files = serverFilesOf("/tmp/x/h1", host, true);
    const s = settings(labMyCnf(files, host.address, { timeoutMs: 7_000 }));
    expect(s.get("rpl_semi_sync_master_enabled")).toBe("ON");
    expect(s.get("rpl_semi_sync_slave_enabled")).toBe("ON");
    expect(s.get("rpl_semi_sync_master_wait_point")).toBe("AFTER_SYNC");
    // A later line wins in my.cnf: the lab's timeout overrides the sandbox's.
    expect(s.get("rpl_semi_sync_master_timeout")).toBe("7000");
  });
});
