import { describe, expect, it } from 'vitest';
import { S, setup, submitBatches } from './helpers.js';

function expectAllFinalOnce(h: ReturnType<typeof setup>['harness'], total: number): void {
  const soft = h.commitTimes('confirm', total);
  const final = h.commitTimes('final', total);
  const bad: number[][] = [];
  for (let id = 0; id < total; id++) if (soft.count[id] !== 1 || final.count[id] !== 1) bad.push([id, soft.count[id]!, final.count[id]!]);
  expect(bad.slice(0, 5)).toEqual([]);
}

describe('PoB while the normal league changes', () => {
  it('TransEpoch swaps two normal validators for two joiners; believable validators keep feeding the new committee', () => {
    // Believable 0–2; normal 3–9 (leader 3); joiners 10, 11 replace 8, 9 (5 of 7 stay, ≥ 2/3).
    const { harness, leagues } = setup({ believable: 3, normal: 7, joiners: 2 });
    submitBatches(harness, 20, 30, 100_000, 100_000); // runs the pump to 2 s
    leagues.reconfigure([3, 4, 5, 6, 7, 10, 11]);
    submitBatches(harness, 10, 30, 2_100_000, 100_000, 600); // to 3 s, across the switch
    harness.run(4 * S);
    const switches = harness.localsOf('bftReconfigured');
    expect(switches.map((s) => s.node).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    harness.pump.crash(8);
    harness.pump.crash(9);
    submitBatches(harness, 10, 30, 4_100_000, 100_000, 900);
    harness.run(15 * S);
    expectAllFinalOnce(harness, 1200);
    const leader = leagues.leaderNode()!;
    expect(leader.self).toBe(3);
    const r = leader.bft.replica!;
    expect([r.committee.n, r.committed.at(-1)!.commitSigners]).toEqual([7, 7]); // joiners sign, leavers are gone
    // Chain state: the joiners earn Servi from the switch on; the leavers' credit stops at the switch.
    const l = leader.ledger;
    const after = leader.stats.blocks - (switches.find((s) => s.node === 3)!.event['height'] as number);
    expect(after).toBeGreaterThan(2);
    expect(l.get(10).servi).toBe(after);
    expect(l.get(8).servi).toBe(leader.stats.blocks - after);
    // A joiner reads the shard's chain state (chain.ts), not the state it bootstrapped from (here the epoch's
    // start, before any block): the blocks decided before its switch are in it.
    expect(l.get(4).servi).toBe(leader.stats.blocks);
    expect(leagues.normalNodes.get(10)!.ledger.get(4).servi).toBe(leader.stats.blocks);
  });

  it('a crashed normal leader is replaced; the new leader calls the believable league and every transaction is final once', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 7 });
    submitBatches(harness, 60, 20, 100_000, 100_000);
    harness.run(2_850_000);
    harness.pump.crash(3); // the leader of view 0
    harness.run(30 * S);
    const lead = leagues.leaderNode()!;
    expect(lead.self).toBe(4);
    expect(harness.pump.traces.some((t) => t.event.type === 'view.change')).toBe(true);
    expect(harness.pump.sentByType.get('leaderHint')).toBeGreaterThan(0);
    for (const b of leagues.believableNodes.values()) expect([b.leader, b.unackedBlocks]).toEqual([4, 0]);
    expectAllFinalOnce(harness, 1200);
  });
});
