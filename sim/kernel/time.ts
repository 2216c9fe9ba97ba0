/**
 * Simulated time is an integer number of microseconds (DESIGN §3). Floats never enter the queue:
 * every conversion from a physical quantity rounds here, in one place.
 */
export type Micros = number;

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;

/** Seconds (possibly fractional, as scenarios write them) to integer microseconds. */
export function secondsToUs(seconds: number): Micros {
  return Math.round(seconds * US_PER_S);
}

export function msToUs(ms: number): Micros {
  return Math.round(ms * US_PER_MS);
}

export function usToSeconds(us: Micros): number {
  return us / US_PER_S;
}

export function usToMs(us: Micros): number {
  return us / US_PER_MS;
}

/** Time to push `sizeBytes` through a link of `mbitPerS`, rounded up so a non-empty message never costs 0 µs. */
export function serialisationUs(sizeBytes: number, mbitPerS: number): Micros {
  // 1 Mbit/s = 1 bit/µs, so bits / (Mbit/s) is already microseconds.
  return Math.ceil((sizeBytes * 8) / mbitPerS);
}
