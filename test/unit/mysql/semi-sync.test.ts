import { describe, expect, test } from "bun:test";
import { SEMI_SYNC_NEW_NAMES, SEMI_SYNC_OLD_NAMES } from "../../../src/mysql/flavor.ts";
import { parseSemiSync } from "../../../src/mysql/semi-sync.ts";

const row = (Variable_name: string, Value: string) => ({ Variable_name, Value });
const BOTH = [SEMI_SYNC_NEW_NAMES, SEMI_SYNC_OLD_NAMES];

describe("parseSemiSync", () => {
  test("no plugin loaded on MySQL: not available, everything off", () => {
    expect(parseSemiSync([], [], BOTH, false)).toEqual({
      available: false,
      sourceEnabled: false,
      sourceActive: false,
      replicaEnabled: false,
      replicaActive: false,
      sourceClients: 0,
      sourceTimeoutMs: null,
      waitForReplicaCount: 1,
    });
  });

  test("MySQL ≥ 8.0.26 with the old semisync_master plugin still reads the master names", () => {
    const s = parseSemiSync(
      [row("rpl_semi_sync_master_enabled", "ON"), row("rpl_semi_sync_master_wait_for_slave_count", "2")],
      [row("Rpl_semi_sync_master_status", "ON"), row("Rpl_semi_sync_master_clients", "3")],
      BOTH,
      false,
    );
    expect(s).toMatchObject({ available: true, sourceEnabled: true, sourceActive: true, sourceClients: 3 });
    expect(s.waitForReplicaCount).toBe(2);
  });

  test("the new source/replica plugin", () => {
    const s = parseSemiSync(
      [row("rpl_semi_sync_source_enabled", "ON"), row("rpl_semi_sync_source_timeout", "500")],
      [row("Rpl_semi_sync_source_status", "OFF"), row("Rpl_semi_sync_source_clients", "0")],
      BOTH,
      false,
    );
    expect(s).toMatchObject({
      available: true,
      sourceEnabled: true,
      sourceActive: false,
      sourceTimeoutMs: 500,
    });
  });

  test("old-name-only servers ignore new names", () => {
    const s = parseSemiSync([row("rpl_semi_sync_source_enabled", "ON")], [], [SEMI_SYNC_OLD_NAMES], false);
    expect(s.available).toBe(false);
    expect(s.sourceEnabled).toBe(false);
  });

  test("MariaDB built-in counts as available even with nothing enabled", () => {
    expect(parseSemiSync([], [], [SEMI_SYNC_OLD_NAMES], true).available).toBe(true);
  });
});
