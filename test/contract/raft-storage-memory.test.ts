import { emptyMemoryDisk, MemoryRaftStorage } from "../../src/storage/memory-raft-storage.ts";
import { runRaftStorageContract } from "./raft-storage.contract.ts";

runRaftStorageContract("memory", () => {
  const disk = emptyMemoryDisk();
  return { open: () => new MemoryRaftStorage(disk), cleanup: () => {} };
});
