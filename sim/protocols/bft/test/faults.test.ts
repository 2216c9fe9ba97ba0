import { describe, expect, it } from 'vitest';
import { Committee } from '../tree.js';
import { S, commitCounts, committee, pumpOf, sendBatches, tracesOf } from './helpers.js';

const BLOCK_BYTES = 200 + 300 * 250;

/** f non-leader members, chosen to include internal nodes of view 0's tree (positions 1, 2, …). */
function crashSet(n: number, branching: number, count: number): number[] {
  const c = new Committee(Array.from({ length: n }, (_, i) => i), branching);
  const internal = Array.from({ length: n - 1 }, (_, i) => i + 1).filter((p) => c.tree.heightOf(p) > 0);
  const leaves = Array.from({ length: n - 1 }, (_, i) => i + 1).filter((p) => c.tree.heightOf(p) === 0);
  return [...internal.slice(0, 2), ...leaves].slice(0, count); // view 0: position p is node p
}

describe('BFT committee with crashed replicas', () => {
  const cases = [
    { n: 16, topology: 'tree', treeBranching: 4 },
    { n: 16, topology: 'star', treeBranching: 4 },
    { n: 600, topology: 'tree', treeBranching: 16 },
    { n: 600, topology: 'star', treeBranching: 16 },
  ] as const;

  for (const c of cases) {
    const f = Math.floor((c.n - 1) / 3);

    it(`n=${c.n} ${c.topology}: with f=${f} crashed (internal tree nodes among them) blocks still commit`, () => {
      const crashed = crashSet(c.n, c.treeBranching, f);
      const replicas = committee(c.n, { topology: c.topology, treeBranching: c.treeBranching, maxBlockBytes: BLOCK_BYTES });
      const pump = pumpOf(replicas, { crashed });
      sendBatches(pump, 0, 500, 100_000);
      pump.run(60 * S);

      expect(commitCounts(pump, 'final', 2500).every((k) => k === 1)).toBe(true);
      const leader = replicas[0]!;
      const quorum = leader.committee.quorum;
      expect(leader.committed.length).toBeGreaterThan(0);
      for (const b of leader.committed) {
        expect(b.prepareSigners).toBeGreaterThanOrEqual(quorum);
        expect(b.commitSigners).toBe(c.n - f); // everyone alive, nobody crashed
        expect(b.topology).toBe('star'); // the tree lost quorum, so the star carried the block
      }
      if (c.topology === 'tree') expect(leader.stats.starFallbacks).toBeGreaterThan(0);
      else expect(leader.stats.starFallbacks).toBe(0);
      expect(tracesOf(pump, 'view.change')).toHaveLength(0);
      const alive = replicas.filter((_, i) => !crashed.includes(i));
      expect(alive.every((r) => r.height === leader.committed.length)).toBe(true);
    });

    // n = 3f + 1 (16): f + 1 crashed leave 2f < quorum. n = 600 = 3f + 3: quorum is 400, so 201 crashed.
    const tooMany = c.n - new Committee(Array.from({ length: c.n }, (_, i) => i), 2).quorum + 1;
    it(`n=${c.n} ${c.topology}: with ${tooMany} crashed (one more than the committee tolerates) nothing commits`, () => {
      if (c.n === 16) expect(tooMany).toBe(f + 1);
      const crashed = crashSet(c.n, c.treeBranching, tooMany);
      const replicas = committee(c.n, { topology: c.topology, treeBranching: c.treeBranching, maxBlockBytes: BLOCK_BYTES });
      const pump = pumpOf(replicas, { crashed });
      sendBatches(pump, 0, 500, 100_000);
      pump.run(60 * S);

      expect(pump.commits).toHaveLength(0);
      expect(tracesOf(pump, 'block.commit')).toHaveLength(0);
      expect(tracesOf(pump, 'block.propose').length).toBeGreaterThan(0);
      expect(replicas[0]!.stats.givenUp).toBeGreaterThan(0);
      // Without 2f+1 live voters no view change can complete either.
      expect(tracesOf(pump, 'view.change')).toHaveLength(0);
      expect(replicas.every((r) => r.height === 0)).toBe(true);
    });
  }

  it('a tree that keeps quorum despite a crashed internal node commits without the star', () => {
    // n=16, branching 4: node 3 is an internal node with three leaves; losing 4 of 16 keeps quorum (11).
    const replicas = committee(16, { topology: 'tree', treeBranching: 4 });
    const pump = pumpOf(replicas, { crashed: [3] }); // node 3 relays to 13, 14, 15
    sendBatches(pump, 0, 100, 100_000);
    pump.run(30 * S);
    const leader = replicas[0]!;
    expect(commitCounts(pump, 'final', 500).every((k) => k === 1)).toBe(true);
    expect(leader.stats.starFallbacks).toBe(0);
    for (const b of leader.committed) {
      expect(b.topology).toBe('tree');
      expect(b.commitSigners).toBe(12); // 16 − node 3 − its subtree {13, 14, 15}
    }
  });

  it('a recovered replica catches up on the next Decide', () => {
    const replicas = committee(16, { topology: 'star', maxBlockBytes: BLOCK_BYTES });
    const pump = pumpOf(replicas, { crashed: [5] });
    sendBatches(pump, 0, 500, 100_000);
    pump.run(20 * S);
    const before = replicas[0]!.height;
    expect(before).toBeGreaterThan(0);
    expect(replicas[5]!.height).toBe(0);
    pump.recover(5);
    pump.inject(0, { kind: 'txs', txs: { ranges: [10_000, 10_100], count: 100 } }, 21 * S);
    pump.run(40 * S);
    expect(replicas[0]!.height).toBe(before + 1);
    expect(replicas[5]!.height).toBe(before + 1);
    expect(replicas[0]!.committed.at(-1)!.commitSigners).toBe(16);
  });
});
