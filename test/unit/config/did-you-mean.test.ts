import { describe, expect, test } from "bun:test";
import { editDistance, suggestKey } from "../../../src/config/did-you-mean.ts";

describe("editDistance", () => {
  test.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["", "abc", 3],
    ["port", "prot", 1],
    ["seeds", "seed", 1],
    ["kitten", "sitting", 3],
    ["bind", "bond", 1],
  ] as const)("%p → %p is %p", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("suggestKey", () => {
  const known = ["node_id", "cluster", "probe_interval_ms", "keyring", "keyring_file", "gossip"];
  test.each([
    ["nodeId", "node_id"],
    ["NODE-ID", "node_id"],
    ["clustr", "cluster"],
    ["probe_intervall_ms", "probe_interval_ms"],
    ["keyringfile", "keyring_file"],
    ["gosip", "gossip"],
  ])("%p → %p", (typo, meant) => {
    expect(suggestKey(typo, known)).toBe(meant);
  });

  test("no suggestion for something unrelated", () => {
    expect(suggestKey("colour", known)).toBeUndefined();
    expect(suggestKey("x", known)).toBeUndefined();
  });
});
