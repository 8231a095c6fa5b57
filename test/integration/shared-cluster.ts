// The lifecycle every failover/switchover test file shares: a private build of this tree, one
// cluster started from it with db1 adopted as primary before the first test, and both removed
// after the last. (Apart from failover-harness.ts because bench/failover.ts uses that outside
// bun test.)
import { afterAll, beforeAll } from "bun:test";
import { buildPrivateBinary, type ClusterOptions, TestCluster, waitFor } from "./failover-harness.ts";

const HOOK_TIMEOUT_MS = 60_000;

export interface SharedClusterOptions {
  /** How long db1's adoption may take; default 10 s. */
  adoptWithinMs?: number;
  /** Undo a test's leftovers (a SIGSTOPped server, nft rules) before the cluster is removed. */
  beforeRemove?: () => void;
}

export function useAdoptedCluster(
  o: ClusterOptions,
  onStarted: (c: TestCluster) => void,
  { adoptWithinMs = 10_000, beforeRemove }: SharedClusterOptions = {},
): void {
  let built: { bin: string; remove(): void } | undefined;
  let c: TestCluster | undefined;
  beforeAll(async () => {
    built = buildPrivateBinary();
    const started = await TestCluster.start(built.bin, o);
    c = started;
    onStarted(started);
    await waitFor(
      "the ledger to adopt db1",
      adoptWithinMs,
      async () => (await started.ledger())?.primary === "db1",
    );
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    beforeRemove?.();
    await c?.remove();
    built?.remove();
  }, HOOK_TIMEOUT_MS);
}
