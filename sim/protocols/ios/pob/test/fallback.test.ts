import { describe, expect, it } from 'vitest';
import { S, setup, submitBatches } from './helpers.js';

describe('one-league fallback', () => {
  it('a shard with fewer than minBelievable believable validators runs one league: ByzCoin only', () => {
    const { harness, leagues } = setup({ believable: 2, normal: 5, pob: { minBelievable: 3 } });
    expect(leagues.plan).toMatchObject({ mode: 'one-league', believable: [], normal: [0, 1, 2, 3, 4, 5, 6] });
    expect(leagues.mode()).toBe('one-league');
    const isLeaderZero = leagues.leaderNode()!.self === 0;
    expect(isLeaderZero).toBe(true);
    submitBatches(harness, 10, 50, 100_000, 100_000);
    harness.run(15 * S);
    expect(harness.submitted.every((b) => b.node === 0)).toBe(true);
    const soft = harness.commitTimes('confirm', 500);
    const final = harness.commitTimes('final', 500);
    for (let id = 0; id < 500; id++) {
      expect([soft.count[id], final.count[id]]).toEqual([1, 1]);
      expect(soft.first[id]).toBe(final.first[id]); // no soft confirmation ahead of finality
    }
    expect(harness.pump.traces.some((t) => t.event.type === 'block.commit' && t.event.level === 'confirm')).toBe(false);
  });

  it('when believable validators go down the leader falls back to one league, and back when they return', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 5, extra: { livenessTimeoutMs: 1500 } });
    const leader = leagues.leaderNode()!.self;
    submitBatches(harness, 5, 40, 100_000, 100_000); // ids 0..199, two leagues
    harness.run(2 * S);
    harness.pump.crash(1);
    harness.run(5 * S);
    const modes = () => harness.localsOf('leagueMode').map((l) => [l.event['mode'], l.event['liveBelievable']]);
    expect(modes()).toEqual([['one-league', 2]]);
    expect(leagues.mode()).toBe('one-league');
    submitBatches(harness, 5, 40, 5 * S, 100_000, 200); // ids 200..399 go straight to the leader
    expect(harness.submitted.slice(5).every((b) => b.node === leader)).toBe(true);
    harness.run(7 * S);
    harness.pump.recover(1, 7 * S);
    harness.run(9 * S);
    expect(modes()).toEqual([['one-league', 2], ['two-league', 3]]);
    submitBatches(harness, 5, 40, 9 * S, 100_000, 400); // ids 400..599, believable validators again
    expect(harness.submitted.slice(10).every((b) => b.node !== leader && b.node < 3)).toBe(true);
    harness.run(20 * S);
    const soft = harness.commitTimes('confirm', 600);
    const final = harness.commitTimes('final', 600);
    for (let id = 0; id < 600; id++) expect([id, soft.count[id], final.count[id]]).toEqual([id, 1, 1]);
    for (let id = 200; id < 400; id++) expect(soft.first[id]).toBe(final.first[id]);
    for (let id = 400; id < 600; id++) expect(soft.first[id]!).toBeLessThan(final.first[id]!);
  });
});
