import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileRaftStorage } from "../../src/storage/file-raft-storage.ts";
import { runRaftStorageContract } from "./raft-storage.contract.ts";

runRaftStorageContract("file", () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-raft-storage-"));
  return {
    open: () => {
      const r = FileRaftStorage.open(dir);
      if (!r.ok) throw new Error(r.error.code);
      return r.value;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});
