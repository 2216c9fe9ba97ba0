import { describe, expect, it } from 'vitest';
import { txSetOf } from '../../../types.js';
import { NodeMarks } from '../../composite/world.js';
import { setup } from './helpers.js';

describe('client routing (ShardLeagues.entryNode)', () => {
  it('spreads batches evenly over the live believable validators, by a draw keyed per seed and first id', () => {
    const { leagues } = setup({ believable: 7, normal: 5 });
    const believable = [...leagues.believableNodes.keys()].sort((a, b) => a - b);
    expect(believable).toHaveLength(7);
    const n = 7000;
    const route = (first: number) => leagues.entryNode(txSetOf([first, first + 10]), 0);
    const counts = new Map<number, number>();
    // First ids as client batches give them: a few hundred ids apart, and far beyond 2^32 too.
    for (let i = 0; i < n; i++) {
      for (const first of [i * 625, 2 ** 33 + i * 37]) counts.set(route(first), (counts.get(route(first)) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(believable);
    const expected = (2 * n) / 7;
    for (const c of counts.values()) expect(Math.abs(c - expected)).toBeLessThan(5 * Math.sqrt(expected));
    // The same first id, the same node; another seed routes differently.
    expect(route(1234)).toBe(route(1234));
    const other = setup({ believable: 7, normal: 5, seed: 2 }).leagues;
    let differ = 0;
    for (let i = 0; i < 200; i++) if (other.entryNode(txSetOf([i * 625, i * 625 + 10]), 0) !== route(i * 625)) differ++;
    expect(differ).toBeGreaterThan(100); // independent draws agree 1/7 of the time
  });

  it('leaves out the validators it is told to (the composite passes the ones that moved away)', () => {
    const { leagues } = setup({ believable: 7, normal: 5 });
    const gone = new Set([0, 2, 4]);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(leagues.entryNode(txSetOf([i * 625, i * 625 + 1]), 0, gone));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 3, 5, 6]);
  });

  it('takes the composite departed marks (a byte per node) as it takes a set, and a validator back is routed to again', () => {
    const { leagues } = setup({ believable: 7, normal: 5 });
    const gone = new NodeMarks(12);
    for (const v of [0, 2, 4, 6]) gone.add(v);
    gone.delete(6);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(leagues.entryNode(txSetOf([i * 625, i * 625 + 1]), 0, gone));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 3, 5, 6]);
  });
});
