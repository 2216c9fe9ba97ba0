/**
 * Cheap keyed hashing for places that need a uniform, seed-dependent number per key many millions of times,
 * where sha256 (RngRoot.keyedUniform, ~1 µs) would dominate: the seed enters through the key, drawn once
 * from a named stream or keyedUniform.
 */

/**
 * A 32-bit integer finaliser with low bias ("lowbias32", C. Wellons, hash-prospector, 2018): every input
 * bit flips each output bit with probability ≈ ½. Not cryptographic, and it need not be: its jobs are a
 * uniform, seed-dependent shard per account and the per-copy draws of a burst. sha256 per account (RngRoot.keyedUniform) costs about 1 µs,
 * which is 1 s at 10^6 accounts; this costs a few ns, and the seed still enters through a keyed uniform
 * (workload/shards.ts), or the key of keyedUnit (net/network.ts sendBurst).
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A uniform in [0, 1) with 53 bits, a pure function of (key, a, b): chained mix32 rounds. */
export function keyedUnit(key: number, a: number, b: number): number {
  const h1 = mix32((key ^ mix32((a ^ mix32(b + 0x9e3779b9)) >>> 0)) >>> 0);
  const h2 = mix32((h1 ^ 0x85ebca6b) >>> 0);
  return (h1 * 2 ** 21 + (h2 >>> 11)) / 2 ** 53;
}
