import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { IntervalSet } from './ranges.js';
import { SegmentSet } from './segment-set.js';

/** Segments [starts[k], starts[k + 1]): lengths 1 … 300, so some pass the 255-id interval word. */
function segmentsOf(lengths: readonly number[]): number[] {
  const starts = [0];
  for (const n of lengths) starts.push(starts[starts.length - 1]! + n);
  return starts;
}

describe('SegmentSet', () => {
  it('answers like an IntervalSet over random adds and removes of whole segments, prefixes, suffixes and middles', () => {
    const rng = new RngRoot(7).stream('segment-set');
    const lengths = Array.from({ length: 40 }, (_, k) => (k % 7 === 0 ? 256 + rng.int(60) : 1 + rng.int(60)));
    const starts = segmentsOf(lengths);
    const set = new SegmentSet();
    const oracle = new IntervalSet();
    for (let step = 0; step < 20_000; step++) {
      const seg = rng.int(lengths.length);
      const lo = starts[seg]!;
      const hi = starts[seg + 1]!;
      // Whole segments and cuts at the ends are the common shapes; any piece is allowed.
      const shape = rng.int(4);
      let s = lo + rng.int(hi - lo);
      let e = s + 1 + rng.int(hi - s);
      if (shape === 0) [s, e] = [lo, hi];
      else if (shape === 1) s = lo;
      else if (shape === 2) e = hi;
      if (rng.int(3) === 0) {
        const expected = oracle.countIn(s, e);
        expect(set.remove(seg, lo, hi, s, e)).toBe(expected);
        oracle.remove(s, e);
      } else {
        const expected = e - s - oracle.countIn(s, e);
        expect(set.add(seg, lo, hi, s, e)).toBe(expected);
        oracle.add(s, e);
      }
      expect(set.size).toBe(oracle.size);
      // Query a random piece of a random segment.
      const q = rng.int(lengths.length);
      const qlo = starts[q]!;
      const qs = qlo + rng.int(starts[q + 1]! - qlo);
      const qe = qs + 1 + rng.int(starts[q + 1]! - qs);
      expect(set.countIn(q, qlo, qs, qe)).toBe(oracle.countIn(qs, qe));
      expect(set.covers(q, qlo, qs, qe)).toBe(oracle.covers(qs, qe));
      expect(set.intersect(q, qlo, qs, qe, [])).toEqual(oracle.intersect(qs, qe, []));
      expect(set.subtract(q, qlo, qs, qe, [])).toEqual(oracle.subtract(qs, qe, []));
    }
  });

  it('keeps whole segments, prefixes and suffixes out of its range set; only mixed segments go there', () => {
    const set = new SegmentSet();
    // Segment 0 = [0, 40): its first 3 ids aborted, the rest committed — the paper-scale pattern.
    set.add(0, 0, 40, 3, 40);
    set.add(1, 40, 80, 40, 80);
    set.add(2, 80, 120, 80, 83);
    expect(set.partialIntervals).toBe(0);
    expect(set.size).toBe(37 + 40 + 3);
    // Two disjoint pieces of one segment need the range set.
    set.add(3, 120, 160, 120, 125);
    set.add(3, 120, 160, 130, 135);
    expect(set.partialIntervals).toBe(2);
    // Filling the gap makes one interval again, then the whole segment; the ranges are dropped.
    set.add(3, 120, 160, 125, 130);
    set.add(3, 120, 160, 135, 160);
    expect(set.partialIntervals).toBe(0);
    expect(set.covers(3, 120, 120, 160)).toBe(true);
    // A segment longer than an interval word holds (255 ids) still answers exactly.
    set.add(4, 160, 1160, 500, 1160);
    expect(set.countIn(4, 160, 160, 1160)).toBe(660);
    expect(set.subtract(4, 160, 160, 1160, [])).toEqual([160, 500]);
  });
});
