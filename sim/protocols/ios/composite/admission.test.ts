import { beforeAll, describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';
import type { IosRun } from './testworld.js';

/**
 * pob.poolMaxTx (README "Client batches"): an entry validator refuses a client batch that would make it
 * hold more client transactions than the cap (unsealed, unfinalised, or undecided cross-shard), as go-iost's
 * txpool answers CacheFullError. A refused batch is aborted whole, at once, and never reaches Atomix.
 */

function world(poolMaxTx?: number): IosRun {
  return runIos(
    iosScenario({
      durationSeconds: 60,
      workload: { offeredTps: 400, shardMapping: 'hash', accounts: 10_000, batchIntervalMs: 100 },
      protocol: { epochSeconds: 600, pob: poolMaxTx === undefined ? {} : { poolMaxTx } },
    }),
  );
}

/** Client batches aborted whole at the instant they were handed over: the refused ones. */
function refused(run: IosRun): number {
  const aborts = new Set(run.aborts.map((a) => `${a.t}:${a.ranges.join(',')}`));
  return run.batches.filter((b) => aborts.has(`${b.t}:${b.ranges.join(',')}`)).length;
}

describe('pob.poolMaxTx', () => {
  let capped: IosRun;
  let open: IosRun;
  beforeAll(() => {
    capped = world(60);
    open = world();
  });

  it('refuses whole batches at a full entry, and none under the default cap', () => {
    expect(refused(capped)).toBeGreaterThan(20);
    expect(refused(open)).toBe(0);
    expect(capped.metrics.aborted).toBeGreaterThan(open.metrics.aborted);
  });

  it('keeps Atomix whole: no invariant violated, every transaction accounted for', () => {
    for (const run of [capped, open]) {
      const m = run.metrics;
      expect(m.invariants.violations).toBe(0);
      expect(m.invariants.checked).toBeGreaterThan(0);
      expect(m.finalized + m.aborted).toBeLessThanOrEqual(m.offered);
    }
    // The refused transactions never entered Atomix, so it checked fewer.
    expect(capped.metrics.invariants.checked).toBeLessThan(open.metrics.invariants.checked);
  });
});
