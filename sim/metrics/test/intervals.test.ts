import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../intervals.js';
import { lcg } from './lcg.js';

describe('IntervalSet', () => {
  it('counts each id once, merges touching and overlapping ranges', () => {
    const s = new IntervalSet();
    expect(s.add(0, 10)).toBe(10);
    expect(s.add(10, 20)).toBe(10); // touches: extends
    expect(s.toArray()).toEqual([0, 20]);
    expect(s.add(30, 40)).toBe(10);
    expect(s.add(25, 27)).toBe(2); // in the gap, not touching
    expect(s.toArray()).toEqual([0, 20, 25, 27, 30, 40]);
    expect(s.add(15, 35)).toBe(5 + 3); // 20..24 and 27..29 are new
    expect(s.toArray()).toEqual([0, 40]);
    expect(s.add(5, 15)).toBe(0);
    expect(s.add(7, 7)).toBe(0);
    expect(s.size).toBe(40);
    expect(s.ranges).toBe(1);
  });

  it('overlap and has agree with a plain per-id set under random inserts', () => {
    const next = lcg(7);
    const s = new IntervalSet();
    const ref = new Uint8Array(2000);
    let refSize = 0;
    for (let k = 0; k < 3000; k++) {
      const a = Math.floor(next() * 1990);
      const b = a + 1 + Math.floor(next() * 10);
      let fresh = 0;
      for (let id = a; id < b; id++) if (!ref[id]) fresh++;
      let before = 0;
      for (let id = a; id < b; id++) before += ref[id]!;
      expect(s.overlap(a, b)).toBe(before);
      expect(s.add(a, b)).toBe(fresh);
      for (let id = a; id < b; id++) ref[id] = 1;
      refSize += fresh;
      expect(s.size).toBe(refSize);
    }
    for (let id = 0; id < 2000; id++) expect(s.has(id)).toBe(ref[id] === 1);
    // Ranges are sorted, disjoint and not adjacent.
    const arr = s.toArray();
    for (let i = 2; i < arr.length; i += 2) expect(arr[i]!).toBeGreaterThan(arr[i - 1]!);
  });

  it('keeps counting right across many chunks (100,000 ranges, filled in random order)', () => {
    const next = lcg(3);
    const s = new IntervalSet();
    const order = Array.from({ length: 100_000 }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Every other block of 10 ids first, in random order: 50,000 ranges in many chunks.
    for (const b of order) if (b % 2 === 0) expect(s.add(b * 10, b * 10 + 10)).toBe(10);
    expect(s.ranges).toBe(50_000);
    expect(s.overlap(0, 1_000_000)).toBe(500_000);
    expect(s.has(15)).toBe(false);
    expect(s.has(999_995)).toBe(false); // block 99,999: odd
    expect(s.has(999_985)).toBe(true); // block 99,998: even
    // Then the gaps, half overlapping a neighbour: everything merges into one range.
    for (const b of order) if (b % 2 === 1) expect(s.add(b * 10 - 5, b * 10 + 10)).toBe(10);
    expect(s.ranges).toBe(1);
    expect(s.toArray()).toEqual([0, 1_000_000]);
    expect(s.size).toBe(1_000_000);
  });

  it('stays one range when ranges arrive in order, and closes gaps filled later', () => {
    const s = new IntervalSet();
    for (let i = 0; i < 1000; i += 2) s.add(i * 10, i * 10 + 10); // every other block: 500 ranges
    expect(s.ranges).toBe(500);
    for (let i = 1; i < 1000; i += 2) s.add(i * 10, i * 10 + 10);
    expect(s.ranges).toBe(1);
    expect(s.toArray()).toEqual([0, 10_000]);
  });
});
