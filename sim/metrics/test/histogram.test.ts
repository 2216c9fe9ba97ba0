import { describe, expect, it } from 'vitest';
import { Histogram, percentiles } from '../histogram.js';
import { lcg } from './lcg.js';

function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

const QS = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

describe('Histogram', () => {
  it('quantiles of 100,000 seeded latencies are within 2% of the exact ones', () => {
    const next = lcg(42);
    const h = new Histogram();
    const values = new Float64Array(100_000);
    for (let i = 0; i < values.length; i++) {
      // Log-uniform over 1 µs .. 100 s, integer µs: exercises the linear and the log ranges.
      values[i] = Math.floor(Math.exp(next() * Math.log(1e8)));
      h.add(values[i]!);
    }
    const sorted = values.slice().sort();
    for (const q of QS) {
      const exact = exactQuantile(sorted, q);
      const got = h.quantile(q);
      expect(Math.abs(got - exact) / exact, `q=${q} exact=${exact} got=${got}`).toBeLessThanOrEqual(0.02);
    }
    expect(h.count).toBe(100_000);
    expect(h.min).toBe(sorted[0]);
    expect(h.max).toBe(sorted[sorted.length - 1]);
    const sum = values.reduce((a, b) => a + b, 0);
    expect(h.mean).toBeCloseTo(sum / values.length, 6);
  });

  it('is exact for small integers and for q = 0 and 1', () => {
    const h = new Histogram();
    for (let v = 1; v <= 100; v++) h.add(v);
    expect(h.quantile(0.5)).toBe(50);
    expect(h.quantile(0.99)).toBe(99);
    expect(h.quantile(0)).toBe(1);
    expect(h.quantile(1)).toBe(100);
  });

  it('add with a count equals repeated adds', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.add(5000, 3);
    a.add(7, 2);
    for (let i = 0; i < 3; i++) b.add(5000);
    b.add(7);
    b.add(7);
    expect(a.count).toBe(5);
    for (const q of QS) expect(a.quantile(q)).toBe(b.quantile(q));
  });

  it('merge gives the same quantiles as recording everything in one', () => {
    const next = lcg(7);
    const all = new Histogram();
    const left = new Histogram();
    const right = new Histogram();
    for (let i = 0; i < 20_000; i++) {
      const v = Math.floor(next() * 5e6);
      all.add(v);
      (i % 3 === 0 ? left : right).add(v);
    }
    left.merge(right);
    expect(left.count).toBe(all.count);
    expect([left.min, left.max]).toEqual([all.min, all.max]);
    for (const q of QS) expect(left.quantile(q)).toBe(all.quantile(q));
  });

  it('empty: quantile 0, percentiles null; reset empties', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBe(0);
    expect(percentiles(h)).toBeNull();
    h.add(1e9);
    expect(percentiles(h)).toEqual({ p50: 1e9, p90: 1e9, p99: 1e9 });
    h.reset();
    expect(h.count).toBe(0);
    expect(percentiles(h)).toBeNull();
    h.add(3);
    expect(h.quantile(0.5)).toBe(3);
  });

  it('handles values beyond 2^32 and rejects negative or non-finite values', () => {
    const h = new Histogram();
    h.add(2 ** 40 + 12345);
    expect(Math.abs(h.quantile(0.5) - (2 ** 40 + 12345)) / 2 ** 40).toBeLessThan(0.01);
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
    expect(() => h.add(Infinity)).toThrow(RangeError);
    expect(() => h.quantile(1.5)).toThrow(RangeError);
  });
});
