import { describe, expect, it } from 'vitest';
import { txSetOf } from '../../../types.js';
import { detectionProbability } from '../sampling.js';
import type { SamplingMode } from '../sampling.js';
import { S, setup } from './helpers.js';

/**
 * One optimistic block from a malicious believable validator (node 0), with `bad` invalid transactions among
 * 20, merged by a normal league of four: is it caught, and what follows either way?
 */
function trial(seed: number, bad: number, p: number, sampling: SamplingMode) {
  const isBad = (tx: number) => tx < bad;
  const { harness, leagues } = setup({ believable: 3, normal: 4, seed, malicious: [0], isBad, pob: { sampleProbability: p }, extra: { sampling } });
  harness.pump.inject(0, { kind: 'txs', txs: txSetOf([0, 20]) }, 100_000);
  harness.run(4 * S);
  const detected = harness.localsOf('slashed').length > 0;
  const final = harness.commitTimes('final', 20).count;
  const aborts = harness.abortCounts(20);
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(`seed ${seed}: ${what}`);
  for (let id = 0; id < 20; id++) {
    // Every transaction ends exactly one way: good ones final; bad ones aborted if caught, else final.
    const want = id >= bad ? [1, 0] : detected ? [0, 1] : [1, 0];
    check(final[id] === want[0] && aborts[id] === want[1], `tx ${id} final ${final[id]} aborted ${aborts[id]}`);
  }
  const leader = leagues.leaderNode()!;
  check(leader.stats.blocks === 1, `${leader.stats.blocks} blocks`);
  if (detected) {
    for (const n of leagues.normalNodes.values()) {
      const r = n.ledger.get(0);
      check(r.stake === 0 && r.servi === 0 && r.slashed, `node ${n.self} ledger ${JSON.stringify(r)}`);
    }
    check(leagues.believableNodes.get(0)!.expelled, 'node 0 not expelled');
    check(!leader.liveBelievable(4 * S).includes(0), 'node 0 still live in the league');
    for (let i = 0; i < 50; i++) check(leagues.entryNode(txSetOf([1000 + i, 1001 + i]), 4 * S) !== 0, 'routed to node 0');
    check(harness.localsOf('slashed').every((l) => l.event['node'] === 0), 'someone else slashed');
  } else {
    check(leader.ledger.get(0).stake > 0 && leader.stats.undetectedBadFinal === bad, 'undetected block not final as is');
  }
  return { detected, problems };
}

describe('PoB sampling detects a malicious believable validator at the rate p and the league size imply', () => {
  const cases = [
    { sampling: 'independent', bad: 1, p: 0.1 }, // 1 − 0.9^(1·4) ≈ 0.344
    { sampling: 'independent', bad: 2, p: 0.05 }, // 1 − 0.95^(2·4) ≈ 0.337
    { sampling: 'shared', bad: 3, p: 0.1 }, // 1 − 0.9^3 = 0.271
  ] as const;
  for (const c of cases) {
    it(`${c.sampling}, ${c.bad} bad of 20, p=${c.p}: 200 seeds match the formula within 4 standard errors`, () => {
      const trials = 200;
      const expected = detectionProbability(c.bad, c.p, 4, c.sampling);
      let caught = 0;
      const problems: string[] = [];
      for (let seed = 1; seed <= trials; seed++) {
        const t = trial(seed, c.bad, c.p, c.sampling);
        if (t.detected) caught++;
        problems.push(...t.problems);
      }
      expect(problems).toEqual([]);
      const se = Math.sqrt((expected * (1 - expected)) / trials);
      expect(Math.abs(caught / trials - expected)).toBeLessThan(4 * se);
      // The two modes differ enough that the test tells them apart.
      const other = detectionProbability(c.bad, c.p, 4, c.sampling === 'shared' ? 'independent' : 'shared');
      expect(Math.abs(caught / trials - other)).toBeGreaterThan(4 * se);
    });
  }

  it('p = 1 always catches it, p = 0 never does', () => {
    for (let seed = 1; seed <= 5; seed++) {
      expect(trial(seed, 1, 1, 'independent')).toEqual({ detected: true, problems: [] });
      expect(trial(seed, 4, 0, 'independent')).toEqual({ detected: false, problems: [] });
    }
  });

  it('the formula: 1 − (1 − p)^(k·R) independent, 1 − (1 − p)^k shared', () => {
    expect(detectionProbability(1, 0.1, 4, 'independent')).toBeCloseTo(1 - 0.9 ** 4, 12);
    expect(detectionProbability(3, 0.1, 100, 'shared')).toBeCloseTo(1 - 0.9 ** 3, 12);
    expect(detectionProbability(0, 0.5, 10, 'independent')).toBe(0);
  });
});

describe('a convicted validator is slashed and its earlier transactions are re-checked', () => {
  it('bad transactions finalised before the conviction are reported for compensation; later blocks are re-validated', () => {
    let withEarlier = 0;
    for (let seed = 1; seed <= 30; seed++) {
      // Six batches, one invalid transaction each (id 20·i), sealed in six consecutive optimistic blocks.
      const isBad = (tx: number) => tx % 20 === 0;
      const { harness, leagues } = setup({ believable: 3, normal: 4, seed, malicious: [0], isBad });
      for (let i = 0; i < 6; i++) harness.pump.inject(0, { kind: 'txs', txs: txSetOf([i * 20, i * 20 + 20]) }, 100_000 + i * 600_000);
      harness.run(15 * S);
      const final = harness.commitTimes('final', 120);
      const aborts = harness.abortCounts(120);
      for (let id = 0; id < 120; id++) expect(final.count[id]! + aborts[id]!).toBe(1); // every transaction settled once
      const slashed = harness.localsOf('slashed');
      const recheck = harness.localsOf('pobRecheck');
      if (slashed.length === 0) {
        expect(recheck).toHaveLength(0);
        continue;
      }
      const at = Math.min(...slashed.map((s) => s.t));
      // Bad transactions final before the conviction are exactly what the re-check reports.
      let finalBadBefore = 0;
      for (const c of harness.pump.commits) if (c.level === 'final' && c.t <= at) for (let id = c.txs.ranges[0]!; id < c.txs.ranges[1]!; id++) if (isBad(id)) finalBadBefore++;
      expect(recheck).toHaveLength(1);
      expect(recheck[0]!.event['finalisedBad']).toBe(finalBadBefore);
      expect(leagues.leaderNode()!.stats.compensated).toBe(finalBadBefore);
      if (finalBadBefore > 0) withEarlier++;
      // After the conviction no invalid transaction becomes final.
      for (const c of harness.pump.commits) if (c.level === 'final' && c.t > at) for (let id = c.txs.ranges[0]!; id < c.txs.ranges[1]!; id++) expect(isBad(id)).toBe(false);
    }
    expect(withEarlier).toBeGreaterThan(3);
  });
});
