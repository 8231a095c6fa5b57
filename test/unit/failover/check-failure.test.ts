// Which failed connection attempts count against a server: the failover core's verdicts must agree
// with the reasons src/mysql/driver-error.ts gives the same codes, or a code added on one side
// would silently start (or stop) failing over healthy primaries.
import { describe, expect, test } from "bun:test";
import { checkFailureVerdict, DOWN_ERROR_CODES } from "../../../src/failover/check-failure.ts";
import {
  classifyDriverError,
  DRIVER_CODE_REASONS,
  PROBE_DEADLINE_CODE,
} from "../../../src/mysql/driver-error.ts";

describe("checkFailureVerdict", () => {
  test.each(Object.entries(DRIVER_CODE_REASONS))("%s (%s) has the matching verdict", (code, reason) => {
    const expected =
      reason === "refused" || reason === "reset" || reason === "timeout"
        ? "down"
        : reason === "dns"
          ? "unknown"
          : "alive"; // auth and the server's own errors: mysqld answered
    expect(checkFailureVerdict(code)).toBe(expected);
  });

  test("every down code is one the driver side classifies as refused, reset or timeout", () => {
    expect(DOWN_ERROR_CODES).toContain(PROBE_DEADLINE_CODE);
    for (const code of DOWN_ERROR_CODES) {
      expect(["refused", "reset", "timeout"]).toContain(DRIVER_CODE_REASONS[code] ?? "error");
    }
  });

  test("a server error the driver has no name for is alive; no code or an unknown one proves nothing", () => {
    const unnamed = classifyDriverError({ code: "", errno: 4242, sqlState: "HY000", message: "x" }, "");
    expect(checkFailureVerdict(unnamed.errorCode)).toBe("alive");
    expect(checkFailureVerdict("UNKNOWN")).toBe("unknown");
    expect(checkFailureVerdict("EADDRNOTAVAIL")).toBe("unknown");
    expect(checkFailureVerdict(undefined)).toBe("unknown");
    expect(checkFailureVerdict(null)).toBe("unknown");
  });
});
