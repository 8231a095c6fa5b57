// What counts as errant on a replica, given that its probe and the primary's are taken at
// different moments: the primary's own newer writes never do, whatever the primary's older
// position still lacks.
import { describe, expect, test } from "bun:test";
import { errantAgainstPrimary } from "../../../src/failover/errant.ts";

function mariadbErrant(replica: string, primaryPos: string, primaryServerId: number): number {
  const r = errantAgainstPrimary(replica, "mariadb", {
    flavor: "mariadb",
    gtidExecuted: primaryPos,
    serverId: primaryServerId,
    serverUuid: null,
  });
  if (!r.ok) throw new Error(r.error.code);
  if (r.value.family !== "mariadb") throw new Error("family");
  return r.value.gaps.length;
}

describe("errant GTIDs against a primary probed earlier", () => {
  test("a fresh cluster's first writes (primary position still empty) are not errant", () => {
    expect(mariadbErrant("0-1-6", "", 1)).toBe(0);
  });

  test("the primary's newer writes in a known domain are not errant", () => {
    expect(mariadbErrant("0-1-120", "0-1-100", 1)).toBe(0);
  });

  test("writes from another server in a domain the primary lacks are errant", () => {
    expect(mariadbErrant("0-2-6", "", 1)).toBe(1);
    expect(mariadbErrant("0-1-100,7-3-2", "0-1-100", 1)).toBe(1);
  });

  test("a same-seq conflict stays errant even with the primary's server id elsewhere", () => {
    expect(mariadbErrant("0-2-100", "0-1-100", 1)).toBe(1);
  });

  test("MySQL: the primary's own uuid is forgiven, another uuid is not", () => {
    const primary = {
      flavor: "mysql" as const,
      gtidExecuted: "",
      serverId: 1,
      serverUuid: "3e11fa47-71ca-11e1-9e33-c80aa9429562",
    };
    const own = errantAgainstPrimary("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6", "mysql", primary);
    const other = errantAgainstPrimary("4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2", "mysql", primary);
    expect(own.ok && own.value.family === "mysql" && own.value.set.sources.length).toBe(0);
    expect(other.ok && other.value.family === "mysql" && other.value.set.sources.length).toBe(1);
  });
});
