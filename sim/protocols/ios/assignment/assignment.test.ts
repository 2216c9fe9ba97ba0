import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../kernel/rng.js';
import { bucketsOf, keyedPermutation, permutationAssignment, swapBatches } from './permutation.js';
import { binomialInverse, binomialPmf, sortitionAssignment } from './sortition.js';
import { stakes, totalStake } from './stakes.js';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('permutationAssignment (EDS step 6)', () => {
  it('cuts the validators into m buckets whose sizes differ by at most one', () => {
    for (const [n, m] of [[100, 4], [101, 4], [1000, 33], [7, 7], [10, 1], [250, 16]] as const) {
      const shardOf = permutationAssignment(range(n), `r${n}`, m);
      const sizes = bucketsOf(shardOf, m).map((b) => b.length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(Math.min(...shardOf)).toBe(0);
    }
  });

  it('is the same on every node given rnd: independent of list order, repeatable, other rnd differs', () => {
    const vs = range(200, 5);
    const a = permutationAssignment(vs, 12345, 8);
    const b = permutationAssignment([...vs].reverse(), 12345, 8);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(permutationAssignment(vs, '12345', 8))).toEqual(Array.from(a)); // rnd as string or number
    expect(Array.from(permutationAssignment(vs, 12346, 8))).not.toEqual(Array.from(a));
    // Non-validators get -1; nodeCount sizes the array.
    const c = permutationAssignment(vs, 12345, 8, 300);
    expect(c.length).toBe(300);
    expect(Array.from(c.subarray(0, 5))).toEqual([-1, -1, -1, -1, -1]);
    expect(c[250]).toBe(-1);
  });

  it('places a node uniformly over the shards across epochs', () => {
    const m = 5;
    const counts = new Array<number>(m).fill(0);
    const trials = 5000;
    for (let e = 0; e < trials; e++) counts[permutationAssignment(range(50), `epoch-${e}`, m)[17]!]!++;
    // χ² with 4 degrees of freedom; 18.5 is its 0.999 quantile.
    const chi2 = counts.reduce((a, c) => a + (c - trials / m) ** 2 / (trials / m), 0);
    expect(chi2).toBeLessThan(18.5);
  });

  it('rejects bad m and duplicate validators', () => {
    expect(() => permutationAssignment(range(3), 1, 4)).toThrow(/4 buckets for 3/);
    expect(() => permutationAssignment(range(3), 1, 0)).toThrow(/positive integer/);
    expect(() => permutationAssignment([1, 2, 2], 1, 1)).toThrow(/twice/);
  });
});

describe('swapBatches (TransEpoch step 2)', () => {
  it('orders the nodes by a keyed permutation and cuts them into batches of k', () => {
    const nodes = range(23, 100);
    const batches = swapBatches(nodes, 5, 'rnd', 3);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(nodes);
    expect(swapBatches(nodes, 5, 'rnd', 3)).toEqual(batches);
    // π_{j,e} and π_{0,e} come from different seeds.
    expect(swapBatches(nodes, 5, 'rnd', 0).flat()).not.toEqual(batches.flat());
    expect(keyedPermutation(nodes, 'rnd', 'transepoch:pi:3')).toEqual(batches.flat());
  });
});

describe('stakes', () => {
  it('equal stakes, or seeded integer Pareto stakes with a heavy tail', () => {
    const cfgEq = { distribution: 'equal' as const, paretoAlpha: 1.16 };
    expect(Array.from(stakes(4, cfgEq, new RngRoot(1).stream('stake')))).toEqual([1000, 1000, 1000, 1000]);
    const cfg = { distribution: 'pareto' as const, paretoAlpha: 1.16 };
    const s = stakes(10_000, cfg, new RngRoot(1).stream('stake'));
    expect(Array.from(s)).toEqual(Array.from(stakes(10_000, cfg, new RngRoot(1).stream('stake'))));
    expect(Math.min(...s)).toBeGreaterThanOrEqual(1000);
    expect(s.every((x) => Number.isInteger(x))).toBe(true);
    const sorted = Array.from(s).sort((a, b) => b - a);
    const top20 = sorted.slice(0, 2000).reduce((a, b) => a + b, 0) / totalStake(s);
    expect(top20).toBeGreaterThan(0.5); // the 80/20 rule, loosely (the sample mean of α = 1.16 is noisy)
  });
});

describe('sortitionAssignment (Algorand-style, stake-weighted)', () => {
  it('binomialInverse is the inverse CDF of Binomial(n, p)', () => {
    for (const [n, p] of [[50, 0.1], [1000, 0.002], [7, 0.5], [200_000, 0.0004]] as const) {
      let cdf = 0;
      for (let j = 0; j <= Math.min(n, 200); j++) {
        const lo = cdf;
        cdf += binomialPmf(j, n, p);
        // The reference sums lgamma-based terms (≈1e-10 relative error at n = 200,000): test inside each bin.
        if (cdf - lo < 1e-6) continue;
        expect(binomialInverse(lo + (cdf - lo) * 0.1, n, p)).toBe(j);
        expect(binomialInverse(lo + (cdf - lo) * 0.9, n, p)).toBe(j);
      }
    }
    expect(binomialInverse(0.5, 10, 0)).toBe(0);
    expect(binomialInverse(0.5, 10, 1)).toBe(10);
  });

  it('expected weight per shard is τ, with equal and with Pareto stakes', () => {
    const n = 2000;
    const m = 10;
    const tau = 150;
    for (const distribution of ['equal', 'pareto'] as const) {
      const s = stakes(n, { distribution, paretoAlpha: 1.16 }, new RngRoot(3).stream('stake'));
      let weight = 0;
      let members = 0;
      const epochs = 40;
      for (let e = 0; e < epochs; e++) {
        const r = sortitionAssignment(s, `rnd-${e}`, m, tau);
        expect(r.p).toBeCloseTo((tau * m) / totalStake(s), 12);
        weight += r.shardWeight.reduce((a, b) => a + b, 0);
        members += r.shardMembers.reduce((a, b) => a + b, 0);
        // Consistency of the per-node and per-shard views.
        let w = 0;
        let unselectedWeight = 0;
        r.shardOf.forEach((sh, v) => {
          if (sh >= 0) w += r.weight[v]!;
          else unselectedWeight += r.weight[v]!;
        });
        expect(unselectedWeight).toBe(0);
        expect(w).toBe(r.shardWeight.reduce((a, b) => a + b, 0));
      }
      const perShard = weight / (epochs * m);
      expect(Math.abs(perShard - tau) / tau).toBeLessThan(0.03);
      expect(members).toBeLessThanOrEqual(weight);
    }
  });

  it('is a function of rnd only, and caps p at 1', () => {
    const s = new Float64Array(100).fill(3);
    const a = sortitionAssignment(s, 'x', 4, 10);
    expect(Array.from(sortitionAssignment(s, 'x', 4, 10).shardOf)).toEqual(Array.from(a.shardOf));
    const all = sortitionAssignment(s, 'x', 4, 1000);
    expect(all.p).toBe(1);
    expect(Array.from(all.weight).every((w) => w === 3)).toBe(true);
  });
});
