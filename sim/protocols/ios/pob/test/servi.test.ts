import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../../kernel/rng.js';
import { IosParams } from '../../../../scenario/schema.js';
import { MIN_NORMAL_LEAGUE, planLeagues } from '../league.js';
import { ServiLedger, believabilityScores, selectBelievable } from '../score.js';
import { S, setup, submitBatches } from './helpers.js';

const pob = IosParams.parse({ type: 'ios' }).pob;

describe('ServiLedger and believability scores', () => {
  it('Servi is issued for contributions, cleared when its holder validates a block, lost when slashed', () => {
    const l = new ServiLedger([[1, { stake: 50 }], [2, { stake: 10 }]]);
    l.issue(1, 2);
    l.issue(1, 1);
    l.issue(2, 1);
    expect([l.get(1).servi, l.get(2).servi]).toEqual([3, 1]);
    l.clear(1);
    expect(l.get(1).servi).toBe(0);
    expect(l.slash(2)).toBe(true);
    expect(l.slash(2)).toBe(false);
    l.issue(2, 5);
    l.contribute(2, 1);
    expect(l.get(2)).toEqual({ stake: 0, servi: 0, contribution: 0, behaviour: 0, slashed: true });
    const c = l.clone();
    c.issue(1, 1);
    expect([l.get(1).servi, c.get(1).servi]).toEqual([0, 1]); // a clone is independent
  });

  it('score = weighted sum of max-normalised stake, Servi, contribution and behaviour', () => {
    const l = new ServiLedger([
      [1, { stake: 100, servi: 0, contribution: 4 }],
      [2, { stake: 50, servi: 10, contribution: 2 }],
      [3, { stake: 10, servi: 5, contribution: 0, behaviour: 0.5 }],
    ]);
    l.slash(4);
    const w = { stake: 0.5, servi: 0.3, contribution: 0.1, behaviour: 0.1 };
    const s = believabilityScores([1, 2, 3, 4], l, w);
    expect(s[0]).toBeCloseTo(0.5 + 0 + 0.1 + 0.1, 12);
    expect(s[1]).toBeCloseTo(0.25 + 0.3 + 0.05 + 0.1, 12);
    expect(s[2]).toBeCloseTo(0.05 + 0.15 + 0 + 0.05, 12);
    expect(s[3]).toBe(0);
    // Clearing Servi lowers the score: the holder takes its turn.
    l.clear(2);
    expect(believabilityScores([1, 2, 3], l, w)[1]).toBeLessThan(s[1]!);
  });

  it("'top' takes the highest scores (ties by id); 'sortition' draws in proportion to score, reproducibly", () => {
    const keyed = (k: string) => new RngRoot(3).keyedUniform(k);
    expect(selectBelievable([5, 6, 7, 8], [0.2, 0.9, 0.9, 0], 3, 'top', keyed, 'x')).toEqual([6, 7, 5]);
    const counts = new Map<number, number>();
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const [first] = selectBelievable([1, 2, 3, 4], [1, 2, 3, 4], 1, 'sortition', keyed, `draw:${t}`);
      counts.set(first!, (counts.get(first!) ?? 0) + 1);
    }
    for (const node of [1, 2, 3, 4]) {
      const share = node / 10;
      expect(Math.abs((counts.get(node) ?? 0) / trials - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / trials));
    }
    expect(selectBelievable([1, 2, 3, 4], [1, 2, 3, 4], 2, 'sortition', keyed, 'same')).toEqual(
      selectBelievable([4, 3, 2, 1], [4, 3, 2, 1], 2, 'sortition', keyed, 'same'),
    );
    expect(selectBelievable([1, 2, 3], [0, 0, 1], 3, 'sortition', keyed, 'z')).toEqual([3]); // zero scores never
  });

  it('planLeagues keeps a normal league of at least MIN_NORMAL_LEAGUE and falls back below minBelievable', () => {
    const keyed = (k: string) => new RngRoot(1).keyedUniform(k);
    const ledger = new ServiLedger(Array.from({ length: 12 }, (_, i) => [i, { stake: 100 - i }] as const));
    const members = Array.from({ length: 12 }, (_, i) => i);
    const two = planLeagues(members, ledger, pob, keyed, 'k');
    expect(two.mode).toBe('two-league');
    expect(two.believable).toEqual([0, 1, 2, 3, 4, 5, 6]); // believablePerShard 7, top stakes
    expect(two.normal).toEqual([7, 8, 9, 10, 11]);
    const small = planLeagues(members.slice(0, 6), ledger, pob, keyed, 'k'); // room for 2 < minBelievable 3
    expect(6 - MIN_NORMAL_LEAGUE).toBeLessThan(pob.minBelievable);
    expect(small).toMatchObject({ mode: 'one-league', believable: [], normal: [0, 1, 2, 3, 4, 5] });
  });
});

describe('Servi in a running shard', () => {
  it('the producer of each final block is cleared; validators and sealers earn serviPerBlock per contribution', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 5, pob: { serviPerBlock: 2 } });
    submitBatches(harness, 12, 40, 100_000, 150_000);
    harness.run(15 * S);
    const leader = leagues.leaderNode()!;
    const blocks = leader.stats.blocks;
    expect(blocks).toBeGreaterThan(2);
    const sealed = [0, 1, 2].map((b) => leagues.believableNodes.get(b)!.stats.sealed);
    for (const n of leagues.normalNodes.values()) {
      const l = n.ledger; // every member derives the same chain state
      expect(l.get(leader.self)).toMatchObject({ servi: 0, contribution: blocks });
      for (const m of [4, 5, 6, 7]) expect(l.get(m)).toMatchObject({ servi: 2 * blocks, contribution: blocks });
      for (const b of [0, 1, 2]) expect(l.get(b)).toMatchObject({ servi: 2 * sealed[b]!, contribution: sealed[b] });
    }
    expect(sealed.every((k) => k > 0)).toBe(true);
  });

  it("with sealerServi 'clear' sealing an optimistic block counts as validating one: the sealer's Servi is cleared", () => {
    const { harness, leagues } = setup({ believable: 3, normal: 4, extra: { sealerServi: 'clear' } });
    submitBatches(harness, 8, 40, 100_000, 150_000);
    harness.run(10 * S);
    const l = leagues.ledger()!;
    for (const b of [0, 1, 2]) expect(l.get(b).servi).toBe(0);
    expect(l.get(4).servi).toBeGreaterThan(0);
  });
});
