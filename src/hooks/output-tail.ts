// Keeps the last N bytes of a hook's output: the end of a failing script's output says why it
// failed, the start is usually noise. Pure: bytes in, text out.

export class OutputTail {
  private readonly chunks: Uint8Array[] = [];
  private bytes = 0;
  private dropped = false;

  constructor(private readonly bytesMax: number) {
    if (!(Number.isInteger(bytesMax) && bytesMax >= 0))
      throw new RangeError("an output tail needs bytesMax >= 0");
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    // Drop whole chunks from the front while what remains still covers the limit.
    while (this.chunks.length > 0 && this.bytes - (this.chunks[0] as Uint8Array).length >= this.bytesMax) {
      this.bytes -= (this.chunks.shift() as Uint8Array).length;
      this.dropped = true;
    }
  }

  /** Whether any output was dropped to stay within the limit. */
  get truncated(): boolean {
    return this.dropped || this.bytes > this.bytesMax;
  }

  /** The kept output as text; a multi-byte character cut at the front is dropped, not mangled. */
  text(): string {
    const all = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    let start = Math.max(0, all.length - this.bytesMax);
    if (start > 0) while (start < all.length && ((all[start] as number) & 0xc0) === 0x80) start++;
    return new TextDecoder().decode(all.subarray(start));
  }
}
