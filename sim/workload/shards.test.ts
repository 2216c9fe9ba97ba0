import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { mix32 } from '../kernel/mix.js';
import { AccountHasher, shardWeights, zipfWeight } from './shards.js';

describe('account → shard hashing', () => {
  it('spreads accounts evenly over shards (chi-square, 15 degrees of freedom)', () => {
    const h = new AccountHasher(new RngRoot(1), 16);
    const counts = new Array<number>(16).fill(0);
    const n = 160_000;
    for (let a = 0; a < n; a++) counts[h.shardOf(a)]!++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 16) ** 2 / (n / 16), 0);
    expect(chi2).toBeLessThan(44); // P[χ²₁₅ > 44] ≈ 10^-4
  });

  it('depends only on (seed, account): not on call order, other streams or other accounts', () => {
    const rngA = new RngRoot(7);
    const a = new AccountHasher(rngA, 9);
    const forward = Array.from({ length: 500 }, (_, i) => a.shardOf(i));
    const rngB = new RngRoot(7);
    rngB.stream('net').next();
    const b = new AccountHasher(rngB, 9);
    const backward = Array.from({ length: 500 }, (_, i) => b.shardOf(499 - i)).reverse();
    expect(backward).toEqual(forward);
    const c = new AccountHasher(new RngRoot(8), 9);
    expect(Array.from({ length: 500 }, (_, i) => c.shardOf(i))).not.toEqual(forward);
  });

  it('handles accounts beyond 2^32 and stays in range', () => {
    const h = new AccountHasher(new RngRoot(3), 5);
    const big = 2 ** 40 + 12345;
    expect(h.shardOf(big)).toBeGreaterThanOrEqual(0);
    expect(h.shardOf(big)).toBeLessThan(5);
    expect(h.uniformOf(big)).not.toBe(h.uniformOf(12345));
  });

  it('mix32 is a 32-bit unsigned bijection-like mixer (no collisions on a sample)', () => {
    const seen = new Set<number>();
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = mix32(i);
      if (x >>> 0 !== x) outOfRange++;
      seen.add(x);
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(100_000);
  });
});

describe('shardWeights', () => {
  it('weights are the Zipf popularity summed per shard, normalised', () => {
    const rng = new RngRoot(2);
    const s = 1.2;
    const { weights, accounts, sumSquares } = shardWeights(1000, s, 4, rng);
    const h = new AccountHasher(rng, 4);
    const want = new Array<number>(4).fill(0);
    let total = 0;
    for (let a = 0; a < 1000; a++) {
      want[h.shardOf(a)]! += 1 / (a + 1) ** s;
      total += 1 / (a + 1) ** s;
    }
    for (let i = 0; i < 4; i++) expect(weights[i]).toBeCloseTo(want[i]! / total, 12);
    expect(accounts.reduce((x, y) => x + y, 0)).toBe(1000);
    expect(sumSquares).toBeCloseTo(Array.from(weights).reduce((x, w) => x + w * w, 0), 14);
  });

  it('uniform popularity gives each shard its share of accounts; one shard has weight 1', () => {
    const { weights, accounts } = shardWeights(10_000, 0, 8, new RngRoot(5));
    for (let i = 0; i < 8; i++) expect(weights[i]).toBeCloseTo(accounts[i]! / 10_000, 12);
    expect(Array.from(shardWeights(50, 1, 1, new RngRoot(5)).weights)).toEqual([1]);
  });

  it('zipfWeight is 1/rank^s with rank = account + 1', () => {
    expect(zipfWeight(0, 1)).toBe(1);
    expect(zipfWeight(3, 2)).toBe(1 / 16);
    expect(zipfWeight(99, 0)).toBe(1);
  });
});
