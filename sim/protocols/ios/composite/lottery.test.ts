import { describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';

/**
 * ios.eds.lotteryCandidates: only lotteries below c/n are gossiped (Algorand-style). Up to 200 validators the
 * default is the whitepaper's (everyone gossips); a small c cuts the lottery flood and the epoch still starts.
 */
describe('ios.eds.lotteryCandidates', () => {
  it('a small candidate count floods far fewer lotteries, and epoch 1 still starts', () => {
    const world = (eds: Record<string, unknown>) =>
      runIos(
        iosScenario({
          durationSeconds: 75,
          workload: { offeredTps: 50, shardMapping: 'locality', locality: 1, accounts: 10_000 },
          protocol: { epochSeconds: 60, eds },
        }),
      );
    const all = world({});
    const few = world({ lotteryCandidates: 3 });
    for (const run of [all, few]) {
      expect(run.trace.events().some((e) => e.type === 'epoch.start' && e.epoch === 1)).toBe(true);
    }
    // 120 lotteries per view flooded over a degree-8 overlay against about 3 (172 k events against 64 k here).
    expect(few.events).toBeLessThan(0.6 * all.events);
  });
});
