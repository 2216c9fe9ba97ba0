import { describe, expect, it } from 'vitest';
import { regularizedBeta, sampleStats, studentTCdf, studentTQuantile } from '../stats.js';

describe('Student t quantiles', () => {
  // Two-sided 95% critical values t(0.975, df), from standard tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  const T975: [number, number][] = [
    [1, 12.706204736],
    [2, 4.302652730],
    [3, 3.182446305],
    [4, 2.776445105],
    [5, 2.570581836],
    [9, 2.262157163],
    [10, 2.228138852],
    [29, 2.045229642],
    [100, 1.983971519],
  ];

  it.each(T975)('t(0.975, %i) = %f to 1e-8', (df, t) => {
    expect(Math.abs(studentTQuantile(0.975, df) - t)).toBeLessThan(1e-8);
  });

  it('other levels: t(0.95, 5) = 2.015048373, t(0.995, 3) = 5.840909310, and tends to the normal 1.959964 for large df', () => {
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015048373, 8);
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.84090931, 7);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
  });

  it('is symmetric and inverts the CDF', () => {
    for (const df of [1, 2, 3, 7, 30]) {
      for (const p of [0.01, 0.2, 0.5, 0.9, 0.999]) {
        const q = studentTQuantile(p, df);
        expect(studentTCdf(q, df)).toBeCloseTo(p, 10);
        expect(studentTQuantile(1 - p, df)).toBeCloseTo(-q, 8);
      }
    }
    expect(studentTQuantile(0.5, 4)).toBeCloseTo(0, 12);
  });

  it('the incomplete beta matches closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const x of [0.05, 0.3, 0.5, 0.77, 0.99]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 13);
      expect(regularizedBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 12);
      expect(regularizedBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 12);
    }
  });

  it('refuses p outside (0, 1) and df ≤ 0', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('sampleStats', () => {
  it('mean, sample sd (n − 1) and the t interval of [1, 2, 3]', () => {
    const s = sampleStats([1, 2, 3]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.sd).toBeCloseTo(1, 14);
    // 4.302652730 · 1/√3, not 1.96/√3.
    expect(s.ci95!.halfWidth).toBeCloseTo(4.30265273 / Math.sqrt(3), 8);
    expect(s.ci95!.low).toBeCloseTo(2 - 2.484138, 5);
    expect(s.ci95!.high).toBeCloseTo(2 + 2.484138, 5);
  });

  it('the interval contains the mean and narrows as seeds agree', () => {
    const wide = sampleStats([10, 20, 30, 40]);
    const narrow = sampleStats([24, 25, 25, 26]);
    for (const s of [wide, narrow]) {
      expect(s.ci95!.low).toBeLessThan(s.mean);
      expect(s.ci95!.high).toBeGreaterThan(s.mean);
    }
    expect(narrow.ci95!.halfWidth).toBeLessThan(wide.ci95!.halfWidth);
    expect(narrow.mean).toBe(25);
  });

  it('n = 1 has a mean but no sd and no interval; equal values have a zero-width interval', () => {
    expect(sampleStats([7.5])).toEqual({ n: 1, mean: 7.5, sd: null, ci95: null });
    const same = sampleStats([4, 4, 4]);
    expect(same.sd).toBe(0);
    expect(same.ci95).toEqual({ low: 4, high: 4, halfWidth: 0 });
  });

  it('refuses an empty list and non-finite values', () => {
    expect(() => sampleStats([])).toThrow(RangeError);
    expect(() => sampleStats([1, Number.NaN])).toThrow(RangeError);
  });
});
