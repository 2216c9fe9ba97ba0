import { describe, expect, it } from 'vitest';
import type { IosNode } from './node.js';
import { iosScenario, runIos } from './testworld.js';

/**
 * transEpoch.bootstrapFrom: who serves a joiner its new shard's state. With 16 shards the permutation keeps
 * about 1/16 of each shard in place, so with 'stayers' each stayer serves ~15 joiners one after another;
 * with 'previous-members' every validator that held the shard (and so its last MSB) can serve.
 */
describe('transEpoch.bootstrapFrom', () => {
  const run = (bootstrapFrom: string) =>
    runIos(
      iosScenario({
        nodes: 320,
        shards: 16,
        durationSeconds: 110,
        workload: { offeredTps: 20, shardMapping: 'locality', locality: 1, accounts: 10_000 },
        protocol: { epochSeconds: 60, transEpoch: { bootstrapFrom, stateBytesPerAccount: 10_000 } },
      }),
    );
  const stats = (r: ReturnType<typeof run>) => {
    const served = (r.instance.nodes as IosNode[]).map((n) => n.stats.statesServed);
    const waits = r.trace
      .events()
      .filter((e) => e.type === 'shard.move')
      .map((e) => (e['readyUs'] as number) - (e['startUs'] as number))
      .sort((a, b) => a - b);
    return { maxServed: Math.max(...served), servers: served.filter((x) => x > 0).length, waits };
  };

  it('previous members spread the state downloads, and joiners are ready sooner', () => {
    const stay = stats(run('stayers'));
    const prev = stats(run('previous-members'));
    expect(prev.servers).toBeGreaterThan(1.5 * stay.servers);
    expect(prev.maxServed).toBeLessThan(stay.maxServed);
    // More joiners ready by the end (6.25 MB of state each here), and the median of those ready, which favours
    // 'stayers' (its slowest are not ready yet), still lower.
    expect(prev.waits.length).toBeGreaterThan(200);
    expect(prev.waits.length).toBeGreaterThan(stay.waits.length);
    const median = (w: number[]) => w[Math.floor(w.length / 2)]!;
    expect(median(prev.waits)).toBeLessThan(0.8 * median(stay.waits));
  });
});
