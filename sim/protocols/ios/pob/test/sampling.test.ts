import { describe, expect, it } from 'vitest';
import { binomialFromUniform, inverseNormal } from '../sampling.js';

/** Mean and variance of binomialFromUniform over an even grid of u (a quadrature of the distribution). */
function moments(n: number, p: number, grid = 20_000) {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < grid; i++) {
    const k = binomialFromUniform(n, p, (i + 0.5) / grid);
    s += k;
    s2 += k * k;
  }
  const mean = s / grid;
  return { mean, variance: s2 / grid - mean * mean };
}

describe('binomial by inversion', () => {
  it('P[0] is exactly (1 − p)^n: u below it gives 0, above it at least 1', () => {
    for (const [n, p] of [[1, 0.1], [3, 0.1], [40, 0.05], [200, 0.3]] as const) {
      const p0 = (1 - p) ** n;
      expect(binomialFromUniform(n, p, p0 * (1 - 1e-9))).toBe(0);
      expect(binomialFromUniform(n, p, p0 * (1 + 1e-9) + 1e-15)).toBeGreaterThanOrEqual(1);
    }
  });

  it('has mean np and variance np(1 − p), exact and normal-approximation paths, and the p > 1/2 mirror', () => {
    for (const [n, p] of [[20, 0.1], [500, 0.2], [2000, 0.1], [10_000, 0.5], [30, 0.8]] as const) {
      const m = moments(n, p);
      expect(m.mean).toBeCloseTo(n * p, 0);
      expect(Math.abs(m.variance / (n * p * (1 - p)) - 1)).toBeLessThan(0.02);
    }
    expect([binomialFromUniform(10, 0, 0.99), binomialFromUniform(10, 1, 0.01), binomialFromUniform(0, 0.5, 0.5)]).toEqual([0, 10, 0]);
  });

  it('inverse normal matches known quantiles', () => {
    expect(inverseNormal(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormal(0.001)).toBeCloseTo(-3.090232, 5);
  });
});
