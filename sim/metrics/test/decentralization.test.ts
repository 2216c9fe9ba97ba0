import { describe, expect, it } from 'vitest';
import { gini, nakamoto } from '../decentralization.js';

describe('gini', () => {
  it('is 0 for equal values', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
  });
  it('is (n−1)/n when one of n holds everything, zeros counted', () => {
    expect(gini([0, 0, 0, 9])).toBeCloseTo(3 / 4, 12);
    expect(gini([0, 0, 0, 0, 0, 0, 0, 0, 0, 100])).toBeCloseTo(9 / 10, 12);
  });
  it('does not depend on input order; all-zero and empty give 0', () => {
    expect(gini([1, 2, 3, 10])).toBe(gini([10, 3, 1, 2]));
    expect(gini([1, 2, 3, 10])).toBeCloseTo(0.4375, 12);
    expect(gini([0, 0])).toBe(0);
    expect(gini([])).toBe(0);
  });
  it('rejects negative values', () => {
    expect(() => gini([1, -1])).toThrow(RangeError);
  });
});

describe('nakamoto', () => {
  it('one entity above 1/3', () => {
    expect(nakamoto([10, 10, 10, 70])).toBe(1);
  });
  it('equal quarters need two to pass 1/3', () => {
    expect(nakamoto([25, 25, 25, 25])).toBe(2);
  });
  it('exactly 1/3 is not more than 1/3', () => {
    expect(nakamoto([1, 1, 1])).toBe(2);
  });
  it('threshold 1/2 gives the Srinivasan & Lee definition', () => {
    expect(nakamoto([25, 25, 25, 25], 0.5)).toBe(3);
    expect(nakamoto([10, 10, 10, 70], 0.5)).toBe(1);
  });
  it('0 when nothing is held', () => {
    expect(nakamoto([0, 0, 0])).toBe(0);
  });
});
