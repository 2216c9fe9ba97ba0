import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../kernel/rng.js';
import { ZilliqaParams } from '../../../scenario/schema.js';
import { drawHashPower, solveTimes } from '../pow.js';

const pow = ZilliqaParams.parse({ type: 'zilliqa' }).pow;

describe('PoW solve times', () => {
  it('first solution ~ Exp(mean S/h), DS solution ~ Exp(mean F·S/h), a DS solution is also a first one', () => {
    const stream = new RngRoot(3).stream('t');
    const n = 20_000;
    let first = 0;
    let ds = 0;
    let dsFirst = 0;
    for (let i = 0; i < n; i++) {
      const t = solveTimes(2, pow, stream); // hash power 2: means S/2 and F·S/2
      expect(t.dsUs).toBeGreaterThanOrEqual(t.firstUs);
      first += t.firstUs;
      ds += t.dsUs;
      if (t.dsUs === t.firstUs) dsFirst++;
    }
    const S = pow.meanSolveSeconds * 1e6;
    expect(first / n / (S / 2)).toBeCloseTo(1, 1);
    expect(ds / n / ((pow.dsDifficultyFactor * S) / 2)).toBeCloseTo(1, 1);
    // P[the first solution meets the DS difficulty] = 1/F.
    expect(dsFirst / n).toBeCloseTo(1 / pow.dsDifficultyFactor, 1);
  });

  it('hash power has mean 1 for every distribution, and is the same from the same stream', () => {
    for (const distribution of ['equal', 'lognormal', 'pareto'] as const) {
      const cfg = { ...pow.hashPower, distribution };
      const h = drawHashPower(50_000, cfg, new RngRoot(1).stream('h'));
      const mean = h.reduce((a, b) => a + b, 0) / h.length;
      expect(mean).toBeCloseTo(1, 1);
      expect(Array.from(drawHashPower(10, cfg, new RngRoot(1).stream('h')))).toEqual(Array.from(h.subarray(0, 10)));
    }
  });
});
