import seedrandom from 'seedrandom';
import { createHash, hash } from 'node:crypto';

/**
 * One seed forked into named streams (DESIGN §3, after ns-3's per-model streams): the stream called
 * `net` draws the same numbers whether or not a `workload` or `node:17` stream exists, so adding a
 * node or a protocol never shifts another part's numbers.
 *
 * Each stream is seedrandom's xor128 (about 4x faster than its default ARC4), seeded from
 * sha256(seed ‖ name) so that similar names give unrelated sequences.
 */
export class RngStream {
  private readonly gen: () => number;

  constructor(readonly name: string, seedMaterial: string) {
    // xor128 seeded from a string hashes it internally; we pass a hex digest so names never collide.
    const prng = seedrandom.xor128(seedMaterial);
    this.gen = () => prng.double();
  }

  /** Uniform in [0, 1) with 53 bits. */
  next(): number {
    return this.gen();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.gen() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.gen();
  }

  /** Exponential with the given mean (inverse transform; 1-u keeps log away from 0). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.gen());
  }

  /** Pareto with scale x_m and shape α: x_m / U^(1/α). Mean = α x_m / (α - 1) for α > 1. */
  pareto(scale: number, shape: number): number {
    return scale / Math.pow(1 - this.gen(), 1 / shape);
  }

  /** Standard normal by Box–Muller (one draw per call; the second value is discarded to keep streams simple). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.gen();
    const u2 = this.gen();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Poisson by inversion for small means, normal approximation above 500 (then rounded, never negative). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 500) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.gen();
    while (p > limit) {
      k++;
      p *= this.gen();
    }
    return k;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

export class RngRoot {
  private readonly streams = new Map<string, RngStream>();

  constructor(readonly seed: number) {}

  /** The stream called `name`; the same object on every call, so draws continue where they left off. */
  stream(name: string): RngStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RngStream(name, createHash('sha256').update(`${this.seed}\u0000${name}`).digest('hex'));
      this.streams.set(name, s);
    }
    return s;
  }

  /**
   * A keyed hash of the seed, for outcomes that a hash decides (VRF lotteries, permutations; DESIGN §4):
   * the result depends only on (seed, key), never on how many draws happened before.
   * Returns a uniform number in [0, 1) built from 52 bits of sha256(seed ‖ 0x01 ‖ key): its first 20 bits
   * and its bits 32–63 (bits 20–31 are skipped; kept so that every run stays the same).
   */
  keyedUniform(key: string): number {
    // One-shot hash to hex: 2–3x faster than createHash().update().digest() (no Hash object, no Buffer),
    // and this is called per member and block (PoB sampling) and per client batch (routing).
    const h = hash('sha256', `${this.seed}\u0001${key}`, 'hex');
    const hi = parseInt(h.slice(0, 5), 16); // the first 20 bits
    const lo = parseInt(h.slice(8, 16), 16); // bits 32–63
    return (hi * 4294967296 + lo) / 4503599627370496; // 2^52
  }
}
