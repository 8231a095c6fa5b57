// Virtual time for simulations: it moves only when a test or the simulator says so.
export class SimClock {
  private current: number;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  get nowMs(): number {
    return this.current;
  }

  /** Moves time forward by `ms` (>= 0) and returns the new time. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
    this.current += ms;
    return this.current;
  }

  /** Moves time to `atMs`; time never runs backwards. */
  advanceTo(atMs: number): number {
    if (!(atMs >= this.current))
      throw new RangeError(`cannot move a clock back from ${this.current} to ${atMs}`);
    this.current = atMs;
    return this.current;
  }
}
