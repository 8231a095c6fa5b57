import { describe, expect, test } from "bun:test";
import { classifyDriverError, PROBE_DEADLINE_CODE, scrubSecret } from "../../../src/mysql/driver-error.ts";

describe("classifyDriverError", () => {
  test.each([
    ["ECONNREFUSED", "refused"],
    ["ENOENT", "refused"],
    ["ETIMEDOUT", "timeout"],
    ["PROTOCOL_SEQUENCE_TIMEOUT", "timeout"],
    [PROBE_DEADLINE_CODE, "timeout"],
    ["ER_ACCESS_DENIED_ERROR", "auth"],
    ["ER_SPECIFIC_ACCESS_DENIED_ERROR", "auth"],
    ["ECONNRESET", "reset"],
    ["PROTOCOL_CONNECTION_LOST", "reset"],
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ER_PARSE_ERROR", "error"],
  ] as const)("%s → %s", (code, reason) => {
    const f = classifyDriverError(Object.assign(new Error(`boom ${code}`), { code }), "");
    expect(f).toEqual({ reason, errorCode: code, message: `boom ${code}` });
  });

  test("things that are not errors still classify, as 'error'", () => {
    expect(classifyDriverError("weird", "")).toEqual({
      reason: "error",
      errorCode: "UNKNOWN",
      message: "weird",
    });
    expect(classifyDriverError(undefined, "").reason).toBe("error");
  });

  test("a server error the driver has no name for is named by its errno", () => {
    const e = Object.assign(new Error("Too many connections"), { code: "", errno: 4242, sqlState: "08004" });
    expect(classifyDriverError(e, "")).toEqual({
      reason: "error",
      errorCode: "ER_4242",
      message: "Too many connections",
    });
  });

  test("a password echoed as the driver escaped it is masked too", () => {
    const pw = "it's\\mine";
    expect(scrubSecret("near 'it\\'s\\\\mine' at line 1", pw)).toBe("near '***' at line 1");
    expect(scrubSecret(`raw ${pw} too`, pw)).toBe("raw *** too");
  });

  test("the password never survives into the message; only the first line is kept", () => {
    const f = classifyDriverError({ code: "X", message: "bad s3cret-pw here\nstack line" }, "s3cret-pw");
    expect(f.message).toBe("bad *** here");
    expect(scrubSecret("short pw ab", "ab")).toBe("short pw ab");
  });
});
