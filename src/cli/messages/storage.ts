import type { StorageError, StorageWarning } from "../../storage/raft-storage.ts";
import { defineMessages } from "./define.ts";

export const storageMessages = defineMessages<StorageError | StorageWarning>({
  "storage.io-failed": (e) => ({
    problem: `could not ${e.op} ${e.path}: ${e.detail}`,
    fix: "check the disk is mounted, writable by the agent's user and not full",
  }),
  "storage.hard-state-corrupt": (e) => ({
    problem: `the raft hard state in ${e.path} is corrupt (${e.detail})`,
    fix: "don't delete it blindly: stop this agent, restore the file from backup, or remove this node's raft directory and re-add it as a new voter",
  }),
  "storage.snapshot-corrupt": (e) => ({
    problem: `the raft snapshot in ${e.path} is corrupt (${e.detail})`,
    fix: "remove this node's raft directory and restart it; it will fetch a fresh snapshot from the leader",
  }),
  "storage.incarnation-corrupt": (e) => ({
    problem: `the agent's incarnation counter in ${e.path} is corrupt (${e.detail})`,
    fix: `check the disk, then delete ${e.path} and restart: the counter starts again from the wall clock, so make sure this machine's clock is not behind its last start (peers would ignore the agent until it is)`,
  }),
  "storage.append-gap": (e) => ({
    problem: `raft log append at index ${e.gotIndex} would leave a gap (next index is ${e.expectedIndex})`,
    fix: "this is a bug in keel; report it with the agent log",
  }),
  "storage.entry-too-large": (e) => ({
    problem: `raft log entry ${e.index} is ${e.bytes} bytes, over the ${e.maxBytes}-byte record limit`,
    fix: "this is a bug in keel (entries are limited at propose); report it with the agent log",
  }),
  "storage.log-corrupt": (e) => ({
    problem: `the raft log ${e.path} is damaged at byte ${e.offset} (${e.reason}) and intact records follow at byte ${e.intactAt}: this is not a torn write from a crash, and cutting it could lose committed entries`,
    fix: "check the disk (dmesg, SMART); then stop this agent, move its raft directory aside and restart it while a majority of the other voters is healthy: it re-fetches the log from the leader",
  }),
  "storage.log-missing-entries": (e) => ({
    problem: `the raft log ${e.path} is missing entries: it holds ${e.firstIndex === null ? "none" : `${e.firstIndex}..${e.lastIndex}`} after snapshot index ${e.snapshotIndex}, but entries up to ${e.commit} are recorded as committed`,
    fix: "don't start this node on it: move its raft directory aside and restart it while a majority of the other voters is healthy, so it re-fetches the log from the leader; check the disk",
  }),
  "storage.log-tail-truncated": (e) => ({
    problem: `the raft log ${e.path} ended in a torn or corrupt record (${e.reason}); cut ${e.droppedBytes} bytes, kept ${e.keptBytes}`,
    fix: "nothing to do after a crash or power loss: the entries are re-fetched from the leader; if it repeats without crashes, check the disk",
  }),
});
