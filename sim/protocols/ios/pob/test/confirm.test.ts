import { describe, expect, it } from 'vitest';
import { S, setup, submitBatches } from './helpers.js';

describe('PoB two leagues, honest believable validators', () => {
  it('soft confirmation comes before final confirmation, for every transaction and on average', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 7 });
    expect(leagues.plan.mode).toBe('two-league');
    expect(leagues.plan.believable).toEqual([0, 1, 2]);
    submitBatches(harness, 20, 50, 100_000, 100_000);
    harness.run(20 * S);

    const total = 1000;
    const soft = harness.commitTimes('confirm', total);
    const final = harness.commitTimes('final', total);
    const submittedAt = new Float64Array(total);
    for (const b of harness.submitted) for (let id = b.txs.ranges[0]!; id < b.txs.ranges[1]!; id++) submittedAt[id] = b.t;
    let softSum = 0;
    let finalSum = 0;
    for (let id = 0; id < total; id++) {
      expect(soft.count[id]).toBe(1);
      expect(final.count[id]).toBe(1);
      expect(soft.first[id]!).toBeLessThan(final.first[id]!);
      softSum += soft.first[id]! - submittedAt[id]!;
      finalSum += final.first[id]! - submittedAt[id]!;
    }
    // A believable validator seals every 500 ms; the normal league adds its block interval and two CoSi rounds.
    expect(softSum / total).toBeLessThan(600_000);
    expect(finalSum / total).toBeGreaterThan(softSum / total + 100_000);
    // Batches went to believable validators only, and every one of them got some.
    expect(new Set(harness.submitted.map((b) => b.node))).toEqual(new Set([0, 1, 2]));
    // Soft confirmations come from the believable validators, final ones from the normal leader (node 3).
    expect(new Set(harness.pump.commits.filter((c) => c.level === 'confirm').map((c) => c.node))).toEqual(new Set([0, 1, 2]));
    expect(new Set(harness.pump.commits.filter((c) => c.level === 'final').map((c) => c.node))).toEqual(new Set([3]));
  });

  it('every valid transaction is final exactly once; invalid ones are dropped by honest validators and aborted once', () => {
    const isBad = (tx: number) => tx % 10 === 3 || tx % 17 === 0;
    const { harness, leagues } = setup({ believable: 3, normal: 5, isBad });
    submitBatches(harness, 30, 40, 50_000, 70_000);
    harness.run(20 * S);
    const total = 1200;
    const final = harness.commitTimes('final', total);
    const soft = harness.commitTimes('confirm', total);
    const aborts = harness.abortCounts(total);
    let bad = 0;
    for (let id = 0; id < total; id++) {
      if (isBad(id)) {
        bad++;
        expect([final.count[id], soft.count[id], aborts[id]]).toEqual([0, 0, 1]);
      } else {
        expect([final.count[id], soft.count[id], aborts[id]]).toEqual([1, 1, 0]);
      }
    }
    expect(bad).toBeGreaterThan(100);
    // Nobody was slashed, every optimistic block was acknowledged, the leader has nothing left.
    expect(harness.localsOf('slashed')).toHaveLength(0);
    for (const b of leagues.believableNodes.values()) expect([b.unackedBlocks, b.pendingTxs, b.expelled]).toEqual([0, 0, false]);
    expect(leagues.leaderNode()!.source.size).toBe(0);
  });

  it('normal-league blocks carry the merged optimistic blocks: size = header + txs + one hash and signature per block', () => {
    const { harness } = setup({ believable: 3, normal: 4 });
    submitBatches(harness, 6, 30, 100_000, 100_000);
    harness.run(10 * S);
    const proposals = harness.pump.traces.filter((t) => t.event.type === 'block.propose');
    expect(proposals.length).toBeGreaterThan(0);
    const committed = harness.localsOf('bftCommitted').filter((l) => l.event['leader'] === true);
    expect(committed).toHaveLength(proposals.length);
    for (const [i, p] of proposals.entries()) {
      const parts = (committed[i]!.event['meta'] as { parts: unknown[] }).parts.length;
      expect(parts).toBeGreaterThan(0);
      expect(p.event.sizeBytes).toBe(200 + (p.event.txCount as number) * 250 + parts * (32 + 64));
    }
  });
});
