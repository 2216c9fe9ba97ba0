import { describe, expect, it } from 'vitest';
import { Histogram } from '../histogram.js';
import { RngRoot } from '../../kernel/rng.js';

const QS = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999];

/** Windows like the collector sees: latencies uniform over [at − t1, at − t0] for many segments. */
function windows(seed: number, n: number): { lo: number; hi: number; count: number }[] {
  const rng = new RngRoot(seed).stream('test:windows');
  const out = [];
  for (let i = 0; i < n; i++) {
    // Widths 0 … 200 ms, starting anywhere in 0 … 5 s: covers the linear range and many octaves.
    const lo = Math.floor(rng.next() < 0.2 ? rng.next() * 100 : rng.exponential(1_000_000));
    out.push({ lo, hi: lo + Math.floor(rng.next() * 200_000), count: 1 + rng.int(400) });
  }
  return out;
}

describe('Histogram.addUniform', () => {
  it('quantiles match per-value adds of the same uniform windows within 2%', () => {
    const ws = windows(3, 2000);
    const spread = new Histogram();
    const exact = new Histogram();
    const draws = new RngRoot(9).stream('test:values');
    for (const w of ws) {
      spread.addUniform(w.lo, w.hi, w.count);
      for (let i = 0; i < w.count; i++) exact.add(w.lo + draws.next() * (w.hi - w.lo));
    }
    expect(spread.count).toBe(exact.count);
    for (const q of QS) {
      const a = spread.quantile(q);
      const b = exact.quantile(q);
      expect(Math.abs(a - b) / b, `q=${q} spread=${a} exact=${b}`).toBeLessThanOrEqual(0.02);
    }
    expect(Math.abs(spread.mean - exact.mean) / exact.mean).toBeLessThan(0.01);
  });

  it('one wide window gives the uniform law: quantile q of U[lo, hi] is lo + q(hi − lo)', () => {
    const h = new Histogram();
    h.addUniform(0, 1_000_000, 1000);
    for (const q of QS) {
      const want = q * 1_000_000;
      expect(Math.abs(h.quantile(q) - want) / want, `q=${q}`).toBeLessThanOrEqual(0.02);
    }
    expect([h.min, h.max, h.mean, h.count]).toEqual([0, 1_000_000, 500_000, 1000]);
  });

  it('a zero-width window is the same as add', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.addUniform(12_345, 12_345, 7);
    b.add(12_345, 7);
    expect([a.quantile(0.5), a.count, a.mean, a.min, a.max]).toEqual([b.quantile(0.5), b.count, b.mean, b.min, b.max]);
  });

  it('merge and reset carry the uniform mass', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.addUniform(1000, 3000, 100);
    b.addUniform(5000, 9000, 100);
    a.merge(b);
    expect(a.count).toBe(200);
    expect(Math.abs(a.quantile(0.25) - 2000) / 2000).toBeLessThan(0.02);
    expect(Math.abs(a.quantile(0.75) - 7000) / 7000).toBeLessThan(0.02);
    a.reset();
    expect(a.count).toBe(0);
    a.add(50);
    expect(a.quantile(0.5)).toBe(50); // no residue of the density left behind
  });

  it('rejects bad ranges and counts', () => {
    const h = new Histogram();
    expect(() => h.addUniform(10, 5, 1)).toThrow(RangeError);
    expect(() => h.addUniform(-1, 5, 1)).toThrow(RangeError);
    expect(() => h.addUniform(1, 5, -1)).toThrow(RangeError);
  });
});
