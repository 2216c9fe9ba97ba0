import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { AliasTable, binomial, logGamma, poisson } from './sampling.js';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('poisson', () => {
  // Both samplers: inversion below 10, PTRS from 10. Mean and variance are both λ; the sample mean's
  // standard error is √(λ/n), the sample variance's ≈ √((λ + 2λ²)/n).
  for (const lambda of [0.02, 2.5, 9.9, 10, 37, 400, 5000]) {
    it(`λ = ${lambda}: mean and variance λ within 4 standard errors`, () => {
      const rng = new RngRoot(11).stream(`test:poisson:${lambda}`);
      const n = 40_000;
      const xs = Array.from({ length: n }, () => poisson(rng, lambda));
      const { mean, variance } = moments(xs);
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    });
  }

  it('P(0) = e^−λ for a small mean (the fast path)', () => {
    const rng = new RngRoot(5).stream('test:p0');
    const n = 100_000;
    let zeros = 0;
    for (let i = 0; i < n; i++) if (poisson(rng, 0.7) === 0) zeros++;
    const p = Math.exp(-0.7);
    expect(Math.abs(zeros / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('mean 0 (or negative) gives 0 without drawing', () => {
    const rng = new RngRoot(1).stream('x');
    expect(poisson(rng, 0)).toBe(0);
    expect(poisson(rng, -3)).toBe(0);
  });
});

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(3.5)).toBeCloseTo(Math.log((15 / 8) * Math.sqrt(Math.PI)), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 8);
  });
});

describe('binomial', () => {
  const cases: [number, number][] = [
    [1000, 0.01],
    [40, 0.3],
    [50, 0.9],
    [1_000_000, 0.02], // normal approximation
  ];
  for (const [n, p] of cases) {
    it(`Bin(${n}, ${p}): mean and variance within 4 standard errors, values in [0, n]`, () => {
      const rng = new RngRoot(2).stream(`test:binomial:${n}:${p}`);
      const draws = 20_000;
      const xs = Array.from({ length: draws }, () => binomial(rng, n, p));
      const { mean, variance } = moments(xs);
      const v = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt(v / draws));
      // Var of the sample variance ≈ 2v²/n for a near-normal law, plus the excess kurtosis term.
      expect(Math.abs(variance - v) / v).toBeLessThan(4 * Math.sqrt(2 / draws + 1 / (v * draws)));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    });
  }

  it('edge cases', () => {
    const rng = new RngRoot(1).stream('x');
    expect(binomial(rng, 0, 0.5)).toBe(0);
    expect(binomial(rng, 10, 0)).toBe(0);
    expect(binomial(rng, 10, 1)).toBe(10);
  });
});

describe('AliasTable', () => {
  it('draws indices in proportion to the weights (chi-square)', () => {
    const w = [5, 0, 1, 3, 0.5, 10];
    const t = new AliasTable(w);
    const rng = new RngRoot(4).stream('test:alias');
    const n = 200_000;
    const counts = new Array<number>(w.length).fill(0);
    for (let i = 0; i < n; i++) counts[t.pick(rng.next())]!++;
    const total = w.reduce((a, b) => a + b, 0);
    expect(counts[1]).toBe(0);
    let chi2 = 0;
    w.forEach((wi, i) => {
      if (wi > 0) chi2 += (counts[i]! - (n * wi) / total) ** 2 / ((n * wi) / total);
    });
    expect(chi2).toBeLessThan(25); // 4 degrees of freedom: P[χ² > 25] < 10^-4
  });

  it('rejects empty, negative and all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
  });
});
