// The envelope incarnation an agent starts with: persisted in its raft directory and raised on
// every start (storage/incarnation-file.ts), so a restart with the wall clock behind the previous
// start still outbids the old incarnation in its peers' replay windows.
import type { Config } from "../config/config.ts";
import type { Result } from "../lib/result.ts";
import { claimIncarnation } from "../storage/incarnation-file.ts";
import { makeRaftDir, type RaftStartError } from "./raft-loop.ts";

export function claimAgentIncarnation(config: Config, wallMs: number): Result<number, RaftStartError> {
  const dir = makeRaftDir(config);
  if (!dir.ok) return dir;
  return claimIncarnation(dir.value, wallMs);
}
