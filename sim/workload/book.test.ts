import { describe, expect, it } from 'vitest';
import { TxBook } from './book.js';
import { txSetOf } from '../protocols/types.js';

function book(): TxBook {
  const b = new TxBook();
  b.routes.intern([0], [0]); // 0: intra
  b.routes.intern([1], [0, 2]); // 1: cross
  b.append(0, 100, 0, 5); // ids 0..4
  b.append(0, 100, 1, 3, 1, 1); // ids 5..7: 5 invalid, 6 double spend
  b.append(100, 200, 0, 10, 0, 4); // ids 8..17: 8..11 double spends
  return b;
}

describe('TxBook', () => {
  it('issues contiguous ids per segment and finds the segment of an id', () => {
    const b = book();
    expect([b.count, b.segments]).toEqual([18, 3]);
    expect([0, 4, 5, 7, 8, 17].map((id) => b.segmentIndexOf(id))).toEqual([0, 0, 1, 1, 2, 2]);
    // Out of order lookups (the hint must not mislead the search).
    expect([17, 0, 6, 9, 3].map((id) => b.segmentIndexOf(id))).toEqual([2, 0, 1, 2, 0]);
    expect([b.startOf(1), b.endOf(1), b.countOf(1)]).toEqual([5, 8, 3]);
    expect(b.txsOf(2)).toEqual({ ranges: [8, 18], count: 10 });
    expect(() => b.segmentIndexOf(18)).toThrow(RangeError);
    expect(() => b.segmentIndexOf(-1)).toThrow(RangeError);
    expect(() => b.startOf(3)).toThrow(RangeError);
  });

  it('routes and windows per segment', () => {
    const b = book();
    expect(b.windowOf(1)).toEqual({ t0Us: 0, t1Us: 100 });
    expect([b.t0Of(2), b.t1Of(2)]).toEqual([100, 200]);
    expect(b.routeIndexOf(1)).toBe(1);
    expect([b.inputShardOf(1), b.inputShardsOf(1), b.outputShardsOf(1), b.shardsOf(1), b.isCross(1)]).toEqual([1, [1], [0, 2], [0, 1, 2], true]);
    expect([b.shardsOf(0), b.isCross(0)]).toEqual([[0], false]);
    expect(b.routeOf(2).index).toBe(0);
  });

  it('the first invalidCount ids of a segment are invalid, the next doubleSpendCount double spends', () => {
    const b = book();
    const invalid = Array.from({ length: 18 }, (_, id) => b.isInvalid(id));
    const ds = Array.from({ length: 18 }, (_, id) => b.isDoubleSpend(id));
    expect(invalid.flatMap((x, id) => (x ? [id] : []))).toEqual([5]);
    expect(ds.flatMap((x, id) => (x ? [id] : []))).toEqual([6, 8, 9, 10, 11]);
    expect([b.invalidCountOf(1), b.doubleSpendCountOf(1), b.doubleSpendCountOf(2)]).toEqual([1, 1, 4]);
  });

  it('forEachSegmentPart splits ranges at segment boundaries, in range order', () => {
    const b = book();
    const parts: number[][] = [];
    b.forEachSegmentPart(txSetOf([3, 10, 15, 16, 0, 1, 7, 7]), (seg, s, e) => parts.push([seg, s, e]));
    expect(parts).toEqual([
      [0, 3, 5],
      [1, 5, 8],
      [2, 8, 10],
      [2, 15, 16],
      [0, 0, 1],
    ]);
    expect(() => b.forEachSegmentPart(txSetOf([16, 19]), () => {})).toThrow(/never issued/);
  });

  it('rejects bad segments', () => {
    const b = book();
    expect(() => b.append(0, 1, 0, 0)).toThrow(RangeError);
    expect(() => b.append(0, 1, 9, 1)).toThrow(/route/);
    expect(() => b.append(5, 1, 0, 1)).toThrow(/window/);
    expect(() => b.append(0, 1, 0, 3, 2, 2)).toThrow(/exceed/);
  });

  it('works across storage chunks (more than 65,536 segments) with shared windows', () => {
    const b = new TxBook();
    b.routes.intern([0], [0]);
    const n = 150_000;
    for (let i = 0; i < n; i++) b.append(Math.floor(i / 256) * 10, Math.floor(i / 256) * 10 + 10, 0, 1 + (i % 3));
    // Segment i starts at Σ_{j<i} (1 + j mod 3).
    const startOf = (i: number) => i + 3 * Math.floor(i / 3) + [0, 0, 1][i % 3]!;
    let bad = 0;
    for (const i of [0, 1, 65_535, 65_536, 65_537, 131_071, 131_072, n - 1]) {
      if (b.startOf(i) !== startOf(i)) bad++;
      if (b.segmentIndexOf(startOf(i)) !== i || b.segmentIndexOf(b.endOf(i) - 1) !== i) bad++;
      if (b.t0Of(i) !== Math.floor(i / 256) * 10) bad++;
    }
    // Random ids, both sides of each chunk boundary included: the search inside one chunk and across two.
    let x = 7;
    for (let q = 0; q < 20_000; q++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const seg = q < 200 ? 65_536 - 100 + (q % 200) + (q % 2) * 65_536 : x % n;
      const id = startOf(seg) + (x % (1 + (seg % 3)));
      if (b.segmentIndexOf(id) !== seg) bad++;
    }
    expect(bad).toBe(0);
    expect(b.count).toBe(startOf(n - 1) + 1 + ((n - 1) % 3));
    // Five segment columns of 3 chunks (65,536 entries each); the two window columns and the id-block index
    // (one Int32 per 1,024 ids) fit in one chunk each.
    expect(b.bytes).toBe(3 * 65_536 * (8 + 4 + 4 + 4 + 4) + 2 * 65_536 * 8 + 65_536 * 4);
  });

  it('finds the segment of any id, looked up in random order, with segments shorter and longer than an index block', () => {
    const b = new TxBook();
    b.routes.intern([0], [0]);
    let x = 12345;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
    const starts: number[] = [];
    for (let i = 0; i < 3000; i++) {
      starts.push(b.count);
      b.append(i, i + 1, 0, rand(10) === 0 ? 1 + rand(5000) : 1 + rand(60)); // some span several 1,024-id blocks
    }
    const expected = (id: number) => {
      let seg = 0;
      while (seg + 1 < starts.length && starts[seg + 1]! <= id) seg++;
      return seg;
    };
    let bad = 0;
    for (let q = 0; q < 3000; q++) {
      const id = rand(b.count);
      if (b.segmentIndexOf(id) !== expected(id)) bad++;
    }
    for (const id of [0, b.count - 1, 1023, 1024, 1025]) if (b.segmentIndexOf(id) !== expected(id)) bad++;
    expect(bad).toBe(0);
  });
});
