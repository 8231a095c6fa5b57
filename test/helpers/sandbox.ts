// Real MariaDB sandboxes for tests. Nothing may outlive the test run: each sandbox is torn down
// in afterAll, on process exit/SIGINT/SIGTERM, and sandboxes left by a killed earlier run (their
// ownerPid is dead) are swept before the first new one starts.
//
// Bun runs an afterAll registered from inside a hook or test right after that hook/test, so
// startTestSandbox can't register its own afterAll (it is called from beforeAll). Either use
// useTestSandbox at describe scope, or pair startTestSandbox with afterAll(() => sb.down()).
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { renderError } from "../../src/cli/render-error.ts";
import { type SandboxOptions, type SandboxState, sandboxDown, sandboxUp } from "../../src/sandbox/sandbox.ts";
import { sweepOrphanedSandboxes, teardownSandboxSync } from "../../src/sandbox/teardown-sync.ts";

export const TEST_SANDBOX_PARENT = "/tmp";
export const TEST_SANDBOX_PREFIX = "keel-test-";

/** bun's default 5 s hook timeout is too short for a first start that builds the datadir template. */
export const SANDBOX_HOOK_TIMEOUT_MS = 60_000;

const liveDirs = new Set<string>();
let processHooksInstalled = false;
let sweptOrphans = false;

function teardownAllSync(): void {
  for (const dir of liveDirs) {
    teardownSandboxSync(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  liveDirs.clear();
}

function installProcessHooks(): void {
  if (processHooksInstalled) return;
  processHooksInstalled = true;
  process.on("exit", teardownAllSync);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      teardownAllSync();
      process.exit(code);
    });
  }
}

/** A fresh /tmp/keel-test-* dir whose sandbox (if any) is torn down with this process. */
export function makeTestSandboxDir(): string {
  installProcessHooks();
  if (!sweptOrphans) {
    sweptOrphans = true;
    sweepOrphanedSandboxes(TEST_SANDBOX_PARENT, TEST_SANDBOX_PREFIX);
  }
  const dir = mkdtempSync(`${TEST_SANDBOX_PARENT}/${TEST_SANDBOX_PREFIX}`);
  liveDirs.add(dir);
  return dir;
}

/** Kills whatever runs in dir and removes it; safe to call twice. */
export async function removeTestSandboxDir(dir: string): Promise<void> {
  if (!liveDirs.delete(dir)) return;
  const down = await sandboxDown(dir);
  if (!down.ok) teardownSandboxSync(dir);
  rmSync(dir, { recursive: true, force: true });
}

export type TestSandbox = SandboxState & { down(): Promise<void> };

/**
 * Starts a sandbox in a fresh temp dir; throws with the server's own words if it can't. Torn
 * down by down(), or at the latest when this process exits.
 */
export async function startTestSandbox(o: Omit<SandboxOptions, "dir">): Promise<TestSandbox> {
  const dir = makeTestSandboxDir();
  const down = () => removeTestSandboxDir(dir);
  const up = await sandboxUp({ ...o, dir });
  if (!up.ok) {
    await down();
    throw new Error(`test sandbox failed to start: ${renderError(up.error)}`);
  }
  return { ...up.value, down };
}

/**
 * Call at describe (or file) scope: starts the sandbox in beforeAll, tears it down in afterAll.
 * The returned getter throws if read before beforeAll ran.
 */
export function useTestSandbox(
  o: Omit<SandboxOptions, "dir">,
  onStartedMs?: (ms: number) => void,
): () => TestSandbox {
  let sandbox: TestSandbox | undefined;
  beforeAll(async () => {
    const startedAtMs = performance.now();
    sandbox = await startTestSandbox(o);
    onStartedMs?.(performance.now() - startedAtMs);
  }, SANDBOX_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await sandbox?.down();
  }, SANDBOX_HOOK_TIMEOUT_MS);
  return () => {
    if (!sandbox) throw new Error("useTestSandbox: read the sandbox inside a test, after beforeAll");
    return sandbox;
  };
}
