// The real clocks, in one place: cores get monotonic milliseconds (immune to wall-clock steps),
// records and logs get wall milliseconds for display. Tests and benches inject their own.
export interface RuntimeClock {
  /** Monotonic whole milliseconds: every deadline, age and timeout. */
  monoMs(): number;
  /** Wall-clock milliseconds since the epoch: display only, never for freshness. */
  wallMs(): number;
}

export const systemClock: RuntimeClock = {
  // Whole milliseconds: the cores put times and ages on the wire, and their codecs accept only
  // non-negative integers (a fractional ageMs would get every record chunk dropped).
  monoMs: () => Math.floor(performance.now()),
  wallMs: () => Date.now(),
};
