// Child process for the crash test: appends entries to a FileRaftStorage forever, printing
// "durable <index>" only after each batch is fsynced, and compacting now and then so a kill can
// land mid-compaction too. The parent kills it with SIGKILL at random moments.
import { FileRaftStorage } from "../../../src/storage/file-raft-storage.ts";
import { expectedData } from "./crash-data.ts";

const dir = process.argv[2] as string;
const opened = FileRaftStorage.open(dir);
if (!opened.ok) {
  console.log(`error ${opened.error.code}`);
  process.exit(2);
}
const storage = opened.value;
const state = storage.load();
let next = (state.entries.at(-1)?.index ?? state.snapshot?.index ?? 0) + 1;
for (;;) {
  const batch = Array.from({ length: 1 + (next % 5) }, (_, i) => ({
    index: next + i,
    term: 1,
    data: expectedData(next + i),
  }));
  const r = storage.append(batch);
  if (!r.ok) {
    console.log(`error ${r.error.code}`);
    process.exit(3);
  }
  next += batch.length;
  process.stdout.write(`durable ${next - 1}\n`);
  if (next > 50 && next % 97 < 5) {
    const s = storage.saveSnapshot({ index: next - 3, term: 1, data: expectedData(next - 3) });
    if (!s.ok) process.exit(4);
  }
}
