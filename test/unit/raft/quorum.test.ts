import { describe, expect, test } from "bun:test";
import { isQuorum, majority, quorumIndex, voteOutcome } from "../../../src/raft/quorum.ts";

describe("majority", () => {
  test.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 4],
    [7, 4],
  ])("%i voters need %i", (n, need) => {
    expect(majority(n)).toBe(need);
  });
});

describe("quorumIndex", () => {
  test.each([
    [[], 0],
    [[5], 5],
    [[5, 3], 3],
    [[1, 2, 3], 2],
    [[9, 9, 1], 9],
    [[7, 1, 1], 1],
    [[5, 4, 3, 2, 1], 3],
    [[10, 10, 0, 0, 0], 0],
  ])("%j → %i", (matches, want) => {
    expect(quorumIndex(matches)).toBe(want);
  });
});

describe("voteOutcome", () => {
  const voters = ["a", "b", "c"];
  const tally = (entries: [string, boolean][]) => voteOutcome(voters, new Map(entries));
  test("self alone is pending in a group of three", () => expect(tally([["a", true]])).toBe("pending"));
  test("two grants win", () =>
    expect(
      tally([
        ["a", true],
        ["c", true],
      ]),
    ).toBe("won"));
  test("two rejections lose", () =>
    expect(
      tally([
        ["a", true],
        ["b", false],
        ["c", false],
      ]),
    ).toBe("lost"));
  test("one rejection is still pending", () =>
    expect(
      tally([
        ["a", true],
        ["b", false],
      ]),
    ).toBe("pending"));
  test("votes from non-voters don't count", () =>
    expect(
      tally([
        ["a", true],
        ["x", true],
      ]),
    ).toBe("pending"));
  test("a single voter wins alone", () => expect(voteOutcome(["a"], new Map([["a", true]]))).toBe("won"));
  test("two agents + witness: agent and witness win", () => {
    expect(
      voteOutcome(
        ["db1", "db2", "w"],
        new Map([
          ["db1", true],
          ["w", true],
        ]),
      ),
    ).toBe("won");
  });
});

describe("isQuorum", () => {
  test.each([
    [["a", "b", "c"], ["a"], false],
    [["a", "b", "c"], ["a", "b"], true],
    [["a", "b", "c", "d", "e"], ["a", "b"], false],
    [["a", "b", "c", "d", "e"], ["a", "b", "e"], true],
    [["a", "b"], ["a"], false],
  ])("%j with %j active → %p", (voters, active, want) => {
    expect(isQuorum(voters, new Set(active))).toBe(want);
  });
});
