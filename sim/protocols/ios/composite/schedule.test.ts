import { describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';

/**
 * Elections start on the clock: epoch e's EDS begins at (e − 1)·E + E/2 on every node, whatever its CPU is
 * doing. The next election's timer used to be armed after EDS's own CPU work (the VRF), so it waited for the
 * node's CPU backlog, and nodes with different backlogs ran their lotteries at different times.
 */
describe('epoch schedule', () => {
  it('every node begins each election at the same instant, even with its CPU saturated', () => {
    const run = runIos(
      iosScenario({
        durationSeconds: 100,
        cpu: { txValidateUs: 20_000 }, // 200 tx/s × 20 ms: the validating nodes' CPUs fall behind
        workload: { offeredTps: 200, shardMapping: 'locality', locality: 1, accounts: 10_000 },
        protocol: { epochSeconds: 60 },
      }),
    );
    const leaders = run.trace.events().filter((e) => e.type === 'eds.leader' && e['view'] === 0 && e['attempt'] === 0);
    const deltaUs = run.scenario.protocol.type === 'ios' ? run.scenario.protocol.deltaMs * 1000 : 0;
    for (const epoch of [1, 2]) {
      const mine = leaders.filter((e) => e.type === 'eds.leader' && e['epoch'] === epoch);
      expect(mine.length).toBeGreaterThan(0);
      // The lottery window is Δ from the election's start: 30 s + Δ for epoch 1, 90 s + Δ for epoch 2.
      for (const e of mine) expect(e.t).toBe((epoch - 1) * 60_000_000 + 30_000_000 + deltaUs);
    }
  });
});
