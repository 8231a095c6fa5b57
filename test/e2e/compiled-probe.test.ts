// The compiled binary, outside the repo with a bare environment, probes a real MariaDB: the JSON
// is keel's typed InstanceState, and a stopped server is a clean "unreachable" state.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stopInstance } from "../../src/sandbox/sandbox.ts";
import { TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";
import { ensureCompiledBinary, runBinary, stageBinary } from "./helpers/compiled.ts";

const BASE = TEST_PORT_BLOCKS.compiledProbe.first;
const sandbox = useTestSandbox({ instances: 2, basePort: BASE });
const staged = stageBinary(await ensureCompiledBinary());
const passwordFile = join(staged.dir, "mysql.password");
writeFileSync(passwordFile, "keel\n", { mode: 0o600 });
afterAll(() => staged.remove());

function probe(port: number) {
  const args = ["probe", "--json", "--host", "127.0.0.1", "--port", String(port), "--user", "keel"];
  return runBinary(staged.bin, [...args, "--password-file", passwordFile], staged.dir);
}

describe("keel probe --json (compiled)", () => {
  test("a primary and its replica, as typed JSON; the password appears nowhere", () => {
    sandbox();
    const primary = probe(BASE);
    expect(primary.exitCode).toBe(0);
    const p = JSON.parse(primary.stdout);
    expect(p).toMatchObject({ reachable: true, flavor: "mariadb", readOnly: false, channels: [] });
    const replica = JSON.parse(probe(BASE + 1).stdout);
    expect(replica).toMatchObject({
      reachable: true,
      readOnly: true,
      channels: [{ sourcePort: BASE, ioState: "yes", sqlRunning: true }],
    });
    expect(primary.stdout + primary.stderr).not.toContain('"keel"');
  });

  test("a stopped server is a clean unreachable state (refused), exit 1", async () => {
    const sb = sandbox();
    const stopped = await stopInstance(sb.dir, BASE + 1);
    expect(stopped.ok).toBe(true);
    const r = probe(BASE + 1);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ reachable: false, reason: "refused" });
  });
});
