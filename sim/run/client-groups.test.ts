import { describe, expect, it } from 'vitest';
import { groupClientBatches } from './client-groups.js';

const batch = (start: number, end: number, key: number) => ({ txs: { ranges: [start, end], count: end - start }, key });

describe('groupClientBatches', () => {
  it('joins batches by key in first-appearance order, merging adjacent ranges, losing and repeating no id', () => {
    const batches = [batch(0, 5, 2), batch(5, 9, 2), batch(9, 10, 0), batch(10, 14, 2), batch(14, 20, 1), batch(20, 20, 1)];
    const groups = groupClientBatches(batches, (b) => b.key);
    expect(groups.map((g) => g.ranges)).toEqual([[0, 9, 10, 14], [9, 10], [14, 20]]);
    expect(groups.map((g) => g.count)).toEqual([13, 1, 6]);
    const ids = groups.flatMap((g) => {
      const out: number[] = [];
      for (let i = 0; i < g.ranges.length; i += 2) for (let id = g.ranges[i]!; id < g.ranges[i + 1]!; id++) out.push(id);
      return out;
    });
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('gives one group per batch when every key differs', () => {
    const groups = groupClientBatches([batch(0, 3, 0), batch(3, 4, 1)], (b) => b.key);
    expect(groups).toEqual([{ ranges: [0, 3], count: 3 }, { ranges: [3, 4], count: 1 }]);
  });
});
