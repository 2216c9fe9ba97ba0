import { describe, expect, it } from 'vitest';
import { RangeSet } from '../rangeset.js';
import { txSetOf } from '../../types.js';

describe('RangeSet', () => {
  it('stays a set when a block carries its ranges out of order (fork switch putBack)', () => {
    const set = new RangeSet();
    set.add(txSetOf([100, 110, 0, 10])); // older ids after newer ones, as after a putBack
    set.add(txSetOf([50, 60]));
    expect(set.subtractFrom(txSetOf([0, 120]))).toEqual(txSetOf([10, 50, 60, 100, 110, 120]));
    expect(set.subtractFrom(txSetOf([1, 2])).count).toBe(0);
    expect(set.rangeCount).toBe(3);
  });

  it('subtracts, merges adjacent ranges, and removes', () => {
    const set = new RangeSet();
    set.add(txSetOf([0, 5]));
    set.add(txSetOf([5, 8]));
    expect(set.rangeCount).toBe(1);
    set.remove(txSetOf([2, 3]));
    expect(set.subtractFrom(txSetOf([0, 8]))).toEqual(txSetOf([2, 3]));
  });
});
