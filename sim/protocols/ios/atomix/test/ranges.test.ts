import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../../kernel/rng.js';
import { SegmentTable } from '../facts.js';
import { IntervalSet, RangeMap, intersectSorted, normalize, subtractSorted } from '../../../../workload/ranges.js';

/** The ranges of a boolean array, for comparison with the naive model. */
function rangesOf(bits: boolean[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < bits.length; i++) {
    if (bits[i] && !bits[i - 1]) out.push(i);
    if (bits[i] && !bits[i + 1]) out.push(i + 1);
  }
  return out;
}

describe('IntervalSet', () => {
  // One chunk (the default holds 512 intervals), and chunks of 2 and 5 so that adds and removes span and split them.
  it.each([
    [undefined, 300, 3000],
    [2, 300, 3000],
    [5, 2000, 8000],
  ])('matches a bit array under random adds and removes (chunks of %s intervals, %i ids)', (chunk, n, steps) => {
    const rng = new RngRoot(7).stream('ranges');
    const bits = new Array<boolean>(n).fill(false);
    const set = new IntervalSet(chunk);
    for (let step = 0; step < steps; step++) {
      const a = rng.int(n);
      const b = Math.min(n, a + 1 + rng.int(20));
      const add = rng.next() < 0.6;
      for (let i = a; i < b; i++) bits[i] = add;
      if (add) set.add(a, b);
      else set.remove(a, b);
      if (step % 50 === 0) {
        expect(set.toRanges()).toEqual(rangesOf(bits));
        expect(set.size).toBe(bits.filter(Boolean).length);
        const q0 = rng.int(n);
        const q1 = Math.min(n, q0 + rng.int(60));
        const inside = rangesOf(bits.map((x, i) => x && i >= q0 && i < q1));
        const outside = rangesOf(bits.map((x, i) => !x && i >= q0 && i < q1));
        expect(set.intersect(q0, q1, [])).toEqual(inside);
        expect(set.subtract(q0, q1, [])).toEqual(outside);
        expect(set.countIn(q0, q1)).toBe(bits.slice(q0, q1).filter(Boolean).length);
        expect(set.has(q0)).toBe(bits[q0]);
        expect(set.intervals).toBe(rangesOf(bits).length / 2);
      }
    }
  });

  it('merges touching intervals and appends in O(1) at the end', () => {
    const s = new IntervalSet();
    s.add(0, 5);
    s.add(5, 10);
    s.add(20, 30);
    s.add(10, 20);
    expect(s.toRanges()).toEqual([0, 30]);
    expect(s.intervals).toBe(1);
    expect(normalize([10, 20, 0, 5, 4, 11])).toEqual([0, 20]);
  });
});

describe('normalize', () => {
  it('equals the union of a bit array, for lists in id order (one pass) and out of order (through a set)', () => {
    const rng = new RngRoot(13).stream('normalize');
    let inOrder = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const ranges: number[] = [];
      let a = rng.int(10);
      for (let k = rng.int(8); k > 0; k--) {
        // Mostly ascending starts with overlaps, touches and empty ranges; now and then a step back.
        const b = a + rng.int(6);
        ranges.push(a, b);
        a = rng.next() < 0.15 ? Math.max(0, a - 1 - rng.int(8)) : a + rng.int(8) - 2;
        if (a < 0) a = 0;
      }
      const bits = new Array<boolean>(80).fill(false);
      for (let i = 0; i < ranges.length; i += 2) for (let x = ranges[i]!; x < ranges[i + 1]!; x++) bits[x] = true;
      const sorted = ranges.every((x, i) => i % 2 === 1 || i < 2 || x >= ranges[i - 2]!);
      if (sorted && ranges.length >= 4) inOrder++;
      expect(normalize(ranges)).toEqual(rangesOf(bits));
    }
    expect(inOrder).toBeGreaterThan(200);
  });
});

describe('intersectSorted', () => {
  it('gives what an IntervalSet of the ranges gives, over random sorted lists and queries', () => {
    const rng = new RngRoot(17).stream('intersect-sorted');
    for (let trial = 0; trial < 2000; trial++) {
      const set = new IntervalSet();
      for (let k = rng.int(10); k > 0; k--) {
        const a = rng.int(100);
        set.add(a, Math.min(100, a + 1 + rng.int(12)));
      }
      const ranges = set.toRanges();
      const s = rng.int(110);
      const e = s + rng.int(40) - 5; // sometimes empty or inverted
      expect(intersectSorted(ranges, s, e, [9])).toEqual(set.intersect(s, e, [9]));
    }
  });
});

describe('subtractSorted', () => {
  it('equals subtracting an IntervalSet of the removals, over random sorted range lists', () => {
    const rng = new RngRoot(11).stream('subtract-sorted');
    const randomRanges = (n: number): number[] => {
      const set = new IntervalSet();
      for (let k = rng.int(12); k > 0; k--) {
        const a = rng.int(n);
        set.add(a, Math.min(n, a + 1 + rng.int(15)));
      }
      return set.toRanges();
    };
    let nonEmpty = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const a = randomRanges(120);
      const b = randomRanges(120);
      const expected: number[] = [];
      const remove = IntervalSet.of(b);
      for (let i = 0; i < a.length; i += 2) remove.subtract(a[i]!, a[i + 1]!, expected);
      expect(IntervalSet.of(subtractSorted(a, b)).toRanges()).toEqual(expected);
      if (expected.length > 0 && expected.length < a.length + b.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(500);
  });
});

describe('RangeMap', () => {
  it('looks up, clips and deletes', () => {
    const m = new RangeMap<string>();
    m.set(0, 10, 'a');
    m.set(20, 30, 'b');
    m.set(10, 15, 'c');
    const seen: [number, number, string][] = [];
    m.forEachOverlap(5, 25, (a, b, v) => seen.push([a, b, v]));
    expect(seen).toEqual([
      [5, 10, 'a'],
      [10, 15, 'c'],
      [20, 25, 'b'],
    ]);
    m.delete(8, 22);
    const rest: [number, number, string][] = [];
    m.forEachOverlap(0, 100, (a, b, v) => rest.push([a, b, v]));
    expect(rest).toEqual([
      [0, 8, 'a'],
      [22, 30, 'b'],
    ]);
    expect(() => m.set(25, 26, 'x')).toThrow(/overlaps/);
  });

  it('matches a per-id array under appends, front deletions (which only move its head), cuts and inserts', () => {
    const rng = new RngRoot(11).stream('rangemap');
    const n = 4000;
    const owner = new Array<number>(n).fill(-1); // the model: the value of each id, −1 for none
    const m = new RangeMap<number>();
    let next = 0; // ids are appended in order, like pieces of client batches
    let oldest = 0;
    for (let op = 0; op < 3000; op++) {
      const u = rng.next();
      if (u < 0.45 && next < n - 20) {
        const len = 1 + Math.floor(rng.next() * 8);
        m.set(next, next + len, op);
        for (let i = next; i < next + len; i++) owner[i] = op;
        next += len + (rng.next() < 0.3 ? 1 : 0);
      } else if (u < 0.85) {
        // Delete from the front: whole entries, the first-in first-out case.
        const e = Math.min(next, oldest + 1 + Math.floor(rng.next() * 10));
        m.delete(oldest, e);
        for (let i = oldest; i < e; i++) owner[i] = -1;
        oldest = e;
      } else if (u < 0.95) {
        // Cut anywhere, possibly through entries.
        const s = Math.floor(rng.next() * next);
        const e = s + 1 + Math.floor(rng.next() * 6);
        m.delete(s, e);
        for (let i = s; i < e; i++) owner[i] = -1;
      } else {
        // Insert into a hole before the end.
        const i = Math.floor(rng.next() * next);
        if (owner[i] === -1) {
          m.set(i, i + 1, op);
          owner[i] = op;
        }
      }
      if (op % 50 === 0 || op > 2950) {
        const got = new Array<number>(n).fill(-1);
        let entries = 0;
        m.forEachOverlap(0, n, (a, b, v) => {
          entries++;
          for (let i = a; i < b; i++) got[i] = v;
        });
        expect(got).toEqual(owner);
        expect(m.length).toBe(entries);
      }
    }
    expect(oldest).toBeGreaterThan(1000); // the head moved through many entries (and compacted)
  });
});

describe('SegmentTable', () => {
  it('clips segments and their bad-id counts to the query', () => {
    const t = new SegmentTable([
      { start: 0, end: 10, inputShards: [0], outputShards: [1], invalid: 3, doubleSpends: 4, victimDelta: -100 },
      { start: 10, end: 12, inputShards: [1], outputShards: [1] },
    ]);
    const got: unknown[] = [];
    t.forEachSegment(5, 11, (s) => got.push([s.start, s.end, s.invalidEnd, s.doubleSpendEnd, s.victimDelta]));
    expect(got).toEqual([
      [5, 10, 5, 7, -100],
      [10, 11, 10, 10, null],
    ]);
    expect(() => t.push({ start: 11, end: 13, inputShards: [0], outputShards: [0] })).toThrow(/not after/);
  });
});
