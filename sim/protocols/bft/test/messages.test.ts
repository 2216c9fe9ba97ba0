import { describe, expect, it } from 'vitest';
import { WireSizes } from '../messages.js';
import type { BlockRef, RoundKey } from '../messages.js';
import { Mempool } from '../mempool.js';
import { Committee, CosiGraph } from '../tree.js';
import { txSetOf } from '../../types.js';
import { S, committee, pumpOf, sendBatches, tracesOf } from './helpers.js';

describe('CoSi graphs', () => {
  it('lays out a complete tree in leader-rooted order', () => {
    const g = new CosiGraph(16, 4);
    expect(g.depth).toBe(2);
    expect(g.childRange(0)).toEqual([1, 5]);
    expect(g.childRange(3)).toEqual([13, 16]);
    expect(g.childRange(4)).toEqual([16, 16]);
    expect([g.parent(0), g.parent(4), g.parent(5), g.parent(15)]).toEqual([-1, 0, 1, 3]);
    expect([g.heightOf(0), g.heightOf(3), g.heightOf(4), g.heightOf(9)]).toEqual([2, 1, 0, 0]);
    expect(new CosiGraph(600, 16).depth).toBe(3);
  });

  it("onet's layout spreads a last level that is not full over its parents (Roster.GenerateBigNaryTree)", () => {
    // 40 members, b = 16: the root's 16 children, then 23 more. onet gives parent i of the 16 min(16, ⌊r·(i + 1)/16⌋)
    // with r the members left: 1, 2, 3, 4, 4, 3, 2, 2, 1, then none until the last parent takes the one left.
    const g = new CosiGraph(40, 16, 'onet');
    expect(g.depth).toBe(2);
    expect(g.childRange(0)).toEqual([1, 17]);
    const counts = Array.from({ length: 16 }, (_, i) => g.childRange(i + 1)).map(([a, b]) => b - a);
    expect(counts).toEqual([1, 2, 3, 4, 4, 3, 2, 2, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect([g.parent(17), g.parent(18), g.parent(39)]).toEqual([1, 2, 16]);
    expect([g.heightOf(4), g.heightOf(10), g.heightOf(16)]).toEqual([1, 0, 1]);
    // The heap layout hangs all 23 under the first two.
    const heap = new CosiGraph(40, 16, 'heap');
    expect(Array.from({ length: 16 }, (_, i) => heap.childRange(i + 1)).map(([a, b]) => b - a)).toEqual([16, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('both layouts agree on complete trees and stars, and every position hangs under the parent that lists it', () => {
    for (const [n, b] of [[13, 3], [273, 16], [7, 2], [9, 8]] as const) {
      const onet = new CosiGraph(n, b, 'onet');
      const heap = new CosiGraph(n, b, 'heap');
      expect(Array.from(onet.childStart)).toEqual(Array.from(heap.childStart));
    }
    for (const [n, b] of [[492, 16], [625, 16], [40, 16], [100, 10], [2, 16], [1, 16]] as const) {
      const g = new CosiGraph(n, b, 'onet');
      const seen = new Array<number>(n).fill(0);
      for (let p = 0; p < n; p++) {
        const [first, end] = g.childRange(p);
        expect(end - first).toBeLessThanOrEqual(b);
        for (let c = first; c < end; c++) {
          expect(g.parent(c)).toBe(p);
          seen[c]!++;
        }
      }
      expect(seen.slice(1).every((k) => k === 1)).toBe(true);
    }
    // IOS's ios-default committee (492, b = 16): the largest first-level subtree is 121 members, not 236.
    const subtree = (g: CosiGraph, p: number): number => {
      const [first, end] = g.childRange(p);
      let size = 1;
      for (let c = first; c < end; c++) size += subtree(g, c);
      return size;
    };
    const largest = (g: CosiGraph) => Math.max(...Array.from({ length: 16 }, (_, i) => subtree(g, i + 1)));
    expect([largest(new CosiGraph(492, 16, 'onet')), largest(new CosiGraph(492, 16, 'heap'))]).toEqual([121, 236]);
  });

  it('rotates with the view and maps node ids', () => {
    const c = new Committee([10, 11, 12, 13, 14, 15, 16], 2);
    expect([c.n, c.f, c.quorum]).toEqual([7, 2, 5]);
    expect(c.leaderOf(0)).toBe(10);
    expect(c.leaderOf(9)).toBe(12);
    expect(c.childrenOf(12, 9, 'tree')).toEqual([13, 14]);
    expect(c.childrenOf(13, 9, 'tree')).toEqual([15, 16]);
    expect(c.parentOf(10, 9, 'tree')).toBe(14); // position 5 → parent position 2
    expect(c.childrenOf(12, 9, 'star')).toEqual([13, 14, 15, 16, 10, 11]);
    expect(c.parentOf(11, 9, 'star')).toBe(12);
    expect(c.childrenOf(11, 9, 'star')).toEqual([]);
    expect(c.memberIndex(3)).toBe(-1);
  });

  it('quorum is 2f+1 at n = 3f+1 and keeps Byzantine intersection otherwise', () => {
    for (const n of [1, 4, 7, 16, 100, 600]) {
      const c = new Committee(Array.from({ length: n }, (_, i) => i), 4);
      if (n % 3 === 1) expect(c.quorum).toBe(2 * c.f + 1);
      expect(2 * c.quorum - n).toBeGreaterThanOrEqual(c.f + 1);
      expect(c.quorum).toBeLessThanOrEqual(n - c.f);
    }
  });
});

describe('wire sizes', () => {
  it('match the ByzCoin/CoSi message contents', () => {
    const s = new WireSizes(600, 200, 64, 250);
    const block: BlockRef = { height: 1, view: 0, proposer: 0, txs: txSetOf([0, 10]), sizeBytes: s.blockBytes(10) };
    const prep: RoundKey = { view: 0, height: 1, phase: 'prepare', topology: 'tree' };
    const commit: RoundKey = { ...prep, phase: 'commit' };
    expect(s.bitmapBytes).toBe(75);
    expect(s.of({ type: 'announce', round: prep, block })).toBe(200 + 10 * 250);
    expect(s.of({ type: 'announce', round: commit, block })).toBe(200);
    expect(s.of({ type: 'commitment', round: prep, signers: 3 })).toBe(32 + 75);
    expect(s.of({ type: 'challenge', round: prep })).toBe(64);
    expect(s.of({ type: 'response', round: prep, signers: 3 })).toBe(32 + 75);
    expect(s.of({ type: 'decide', view: 0, topology: 'tree', block, signers: 600 })).toBe(200 + 64 + 75);
    expect(s.of({ type: 'viewChange', toView: 1, decidedHeight: 0, prepared: null })).toBe(32 + 64);
    expect(s.of({ type: 'viewChange', toView: 1, decidedHeight: 0, prepared: block })).toBe(32 + 64 + 200 + 64 + 75);
    expect(s.of({ type: 'newView', view: 1, decidedHeight: 0 })).toBe(32 + 64 + 75);
    expect(s.of({ type: 'heartbeat', view: 1, decidedHeight: 0 })).toBe(32 + 64);
  });
});

describe('mempool', () => {
  it('takes from the front, splits ranges, merges contiguous ones and puts back in front', () => {
    const m = new Mempool();
    m.add(txSetOf([0, 5]));
    m.add(txSetOf([5, 8, 20, 30]));
    expect(m.size).toBe(18);
    expect(m.take(6)).toEqual({ ranges: [0, 6], count: 6 });
    expect(m.take(5)).toEqual({ ranges: [6, 8, 20, 23], count: 5 });
    m.putBack(txSetOf([6, 8]));
    expect(m.take(100)).toEqual({ ranges: [6, 8, 23, 30], count: 9 });
    expect(m.take(1)).toBeNull();
    expect(m.size).toBe(0);
  });
});

describe('message complexity', () => {
  function perBlock(n: number, topology: 'star' | 'tree') {
    const replicas = committee(n, { topology, treeBranching: 16 });
    const pump = pumpOf(replicas);
    sendBatches(pump, 0, 100, 100_000);
    pump.run(20 * S);
    const blocks = tracesOf(pump, 'block.commit').length;
    const heartbeats = pump.sentByType.get('heartbeat') ?? 0;
    return { blocks, perBlock: (pump.messages - heartbeats) / blocks, pump };
  }

  for (const topology of ['star', 'tree'] as const) {
    it(`${topology}: messages per block are linear in n (≈ 4 per member per CoSi round, plus the decide)`, () => {
      for (const n of [50, 200, 600]) {
        const { blocks, perBlock: m, pump } = perBlock(n, topology);
        expect(blocks).toBeGreaterThan(0);
        // Exactly: 2 rounds × (announce + commitment + challenge + response) + decide, to each non-leader.
        expect(m).toBe(9 * (n - 1));
        expect(m).toBeLessThan(10 * n);
        expect(pump.sentByType.get('announce')).toBe(2 * (n - 1) * blocks);
      }
    });
  }
});
