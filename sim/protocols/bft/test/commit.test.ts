import { describe, expect, it } from 'vitest';
import { S, commitCounts, committee, pumpOf, sendBatches, tracesOf } from './helpers.js';

// 300 transactions per block, so the 500-transaction batches are split across blocks.
const BLOCK_BYTES = 200 + 300 * 250;

const cases = [
  { name: 'n=16, tree, branching 4', n: 16, topology: 'tree', treeBranching: 4 },
  { name: 'n=600, star', n: 600, topology: 'star', treeBranching: 16 },
  { name: 'n=600, tree, branching 16', n: 600, topology: 'tree', treeBranching: 16 },
] as const;

describe('BFT committee without faults', () => {
  for (const c of cases) {
    it(`${c.name}: every transaction is final exactly once, in consecutive heights with ≥ quorum signers`, () => {
      const replicas = committee(c.n, { topology: c.topology, treeBranching: c.treeBranching, maxBlockBytes: BLOCK_BYTES });
      const pump = pumpOf(replicas);
      sendBatches(pump, 0, 500, 100_000);
      pump.run(30 * S);

      const total = 2500;
      expect(commitCounts(pump, 'final', total).every((k) => k === 1)).toBe(true);
      expect(commitCounts(pump, 'confirm', total).every((k) => k === 1)).toBe(true);

      const commits = tracesOf(pump, 'block.commit');
      expect(commits.map((t) => t.event.height)).toEqual(commits.map((_, i) => i + 1));
      expect(commits.every((t) => t.event.level === 'final' && t.node === 0 && t.event.view === 0)).toBe(true);
      expect(commits.reduce((a, t) => a + (t.event.txCount as number), 0)).toBe(total);
      expect(tracesOf(pump, 'block.propose')).toHaveLength(commits.length);
      expect(commits.length).toBeGreaterThanOrEqual(Math.ceil(total / 300));

      const leader = replicas[0]!;
      const quorum = leader.committee.quorum;
      expect(leader.committed).toHaveLength(commits.length);
      for (const b of leader.committed) {
        expect(b.prepareSigners).toBeGreaterThanOrEqual(quorum);
        expect(b.commitSigners).toBe(c.n); // nobody is down: every member signs
        expect(b.topology).toBe(c.topology);
      }
      expect(leader.stats.starFallbacks).toBe(0);
      // The Decide reached every replica; nobody suspected the leader.
      expect(replicas.every((r) => r.height === commits.length && r.view === 0)).toBe(true);
      expect(tracesOf(pump, 'view.change')).toHaveLength(0);
    });
  }

  it('honours the block interval and the block size cap', () => {
    const replicas = committee(16, { treeBranching: 4, maxBlockBytes: BLOCK_BYTES, blockIntervalMs: 500 });
    const pump = pumpOf(replicas);
    sendBatches(pump, 0, 500, 0);
    pump.run(30 * S);
    const proposals = tracesOf(pump, 'block.propose');
    for (let i = 1; i < proposals.length; i++) expect(proposals[i]!.t - proposals[i - 1]!.t).toBeGreaterThanOrEqual(500_000);
    for (const p of proposals) {
      expect(p.event.txCount).toBeLessThanOrEqual(300);
      expect(p.event.sizeBytes).toBe(200 + (p.event.txCount as number) * 250);
    }
  });

  it('an idle leader proposes nothing and keeps the view with heartbeats', () => {
    const replicas = committee(16, { treeBranching: 4 });
    const pump = pumpOf(replicas);
    pump.run(30 * S);
    expect(tracesOf(pump, 'block.propose')).toHaveLength(0);
    expect(tracesOf(pump, 'view.change')).toHaveLength(0);
    expect(replicas[0]!.stats.heartbeats).toBeGreaterThan(0);
    expect(replicas.every((r) => r.view === 0)).toBe(true);
  });
});
