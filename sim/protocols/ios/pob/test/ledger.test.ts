import { describe, expect, it } from 'vitest';
import { ServiLedger } from '../score.js';

describe('ServiLedger copy-on-write clones', () => {
  it('clones are independent in both directions, also when cloned after writes', () => {
    const a = new ServiLedger([
      [1, { stake: 10 }],
      [2, { stake: 20 }],
    ]);
    const b = a.clone();
    a.issue(1, 5);
    b.slash(2);
    expect(a.get(1).servi).toBe(5);
    expect(b.get(1).servi).toBe(0);
    expect(a.get(2).stake).toBe(20);
    expect(b.get(2).stake).toBe(0);
    expect(a.isSlashed(2)).toBe(false);

    // A clone taken after writes sees them, and later writes on either side stay on that side.
    const c = a.clone();
    expect(c.get(1).servi).toBe(5);
    a.clear(1);
    c.contribute(1, 3);
    expect(a.get(1)).toMatchObject({ servi: 0, contribution: 0 });
    expect(c.get(1)).toMatchObject({ servi: 5, contribution: 3 });

    c.issue(7, 1); // a node first written in a clone
    expect(c.nodes()).toEqual([1, 2, 7]);
    expect(a.nodes()).toEqual([1, 2]);
  });
});
