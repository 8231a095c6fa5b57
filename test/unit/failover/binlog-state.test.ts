import { describe, expect, test } from "bun:test";
import { errantAgainstBinlogState } from "../../../src/failover/binlog-state.ts";

describe("errantAgainstBinlogState", () => {
  test.each([
    ["held exactly", ["0-1-565"], "0-1-565,0-2-640", ""],
    ["held and more", ["0-1-560,0-2-600"], "0-1-565,0-2-640", ""],
    ["a tail past what the primary holds of that server", ["0-1-571"], "0-1-565,0-2-640", "0-1-566..571"],
    ["one past", ["0-1-566"], "0-1-565", "0-1-566"],
    ["a server the primary never had", ["0-4-3"], "0-1-565", "0-4-3"],
    ["another domain", ["0-1-565,1-1-9"], "0-1-565,1-1-7", "1-1-8..9"],
    ["the primary's own server id is forgiven", ["0-3-700"], "0-3-662", ""],
    ["several texts, the highest per server counts", ["0-1-560", "0-1-570", ""], "0-1-565", "0-1-566..570"],
    ["unknown primary state: nothing judged", ["0-1-571"], "", ""],
    ["unreadable text: nothing judged", ["garbage"], "0-1-1", ""],
  ])("%s", (_what, local, primaryState, errant) => {
    expect(errantAgainstBinlogState(local, primaryState, 3)).toBe(errant);
  });
});
