// The bytes the crash-test child writes at each index, so the parent can tell intact from corrupt.
export function expectedData(index: number): Uint8Array {
  const len = 10 + ((index * 37) % 300);
  return new Uint8Array(len).map((_, i) => (index * 31 + i) & 0xff);
}
