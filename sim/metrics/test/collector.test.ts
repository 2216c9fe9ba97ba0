import { describe, expect, it } from 'vitest';
import { MetricsCollector, type MetricsBucketEvent } from '../collector.js';
import { txSetOf } from '../../protocols/types.js';

const S = 1_000_000;

/** Transaction i is submitted at i ms; ids 0..11 are offered in bucket 0. */
function scenario() {
  const c = new MetricsCollector({ bucketUs: S, submitUsOf: (id) => id * 1000, nodeCount: 4, isCrossShard: (id) => id % 2 === 1 });
  c.offered(12, 0, 6);
  c.commit('confirm', txSetOf([0, 5]), 500_000);
  c.commit('confirm', txSetOf([3, 8]), 600_000); // 3 and 4 again: only 5, 6, 7 are new
  c.commit('final', txSetOf([0, 3]), 1_200_000);
  c.commit('final', txSetOf([8, 10]), 1_500_000); // never soft-confirmed: final implies confirmed
  c.commit('final', txSetOf([0, 3]), 1_700_000); // reported twice: counted once
  c.abort(txSetOf([10, 12]), 2_100_000);
  c.abort(txSetOf([10, 12]), 2_200_000);
  c.blockProduced(2);
  c.blockProduced(2);
  c.blockProduced(0);
  const buckets: MetricsBucketEvent[] = [];
  const totals = c.finish(2_500_000, (ev) => buckets.push(ev));
  return { totals, buckets };
}

describe('MetricsCollector', () => {
  it('counts each transaction once per level, and a final confirmation as a confirmation', () => {
    const { totals } = scenario();
    expect([totals.offered, totals.confirmed, totals.finalized, totals.aborted]).toEqual([12, 10, 5, 2]);
    expect(totals.confirmLatencyUs.count).toBe(10);
    expect(totals.finalLatencyUs.count).toBe(5);
  });

  it('latency is commit time minus submission time', () => {
    const { totals } = scenario();
    expect(totals.confirmLatencyUs.min).toBe(500_000 - 4000);
    expect(totals.confirmLatencyUs.max).toBe(1_500_000 - 8000);
    expect(totals.finalLatencyUs.min).toBe(1_200_000 - 2000);
    expect(totals.finalLatencyUs.max).toBe(1_500_000 - 8000);
    const sum = [1_200_000, 1_199_000, 1_198_000, 1_492_000, 1_491_000].reduce((a, b) => a + b);
    expect(totals.finalLatencyUs.mean).toBe(sum / 5);
  });

  it('emits one metrics.bucket per bucket with counts, percentiles in ms and -1 without samples', () => {
    const { buckets, totals } = scenario();
    expect(totals.buckets).toEqual(buckets);
    expect(buckets.map((b) => [b.t, b.bucket, b.lengthUs])).toEqual([
      [0, 0, S],
      [S, 1, S],
      [2 * S, 2, S / 2],
    ]);
    expect(buckets.map((b) => [b.offered, b.confirmed, b.finalized, b.aborted])).toEqual([
      [12, 8, 0, 0],
      [0, 2, 5, 0],
      [0, 0, 0, 2],
    ]);
    const [b0, b1, b2] = buckets as [MetricsBucketEvent, MetricsBucketEvent, MetricsBucketEvent];
    // Bucket 0 confirm latencies (ms): 496..500 and 593..595; nearest-rank p50 is 499, p99 is 595.
    expect(Math.abs(b0.confirmP50Ms - 499) / 499).toBeLessThan(0.01);
    expect(Math.abs(b0.confirmP99Ms - 595) / 595).toBeLessThan(0.01);
    expect([b0.finalP50Ms, b0.finalP99Ms]).toEqual([-1, -1]);
    expect(Math.abs(b1.finalP50Ms - 1199) / 1199).toBeLessThan(0.01);
    expect(Math.abs(b1.finalP99Ms - 1492) / 1492).toBeLessThan(0.01);
    expect([b2.confirmP50Ms, b2.confirmP99Ms, b2.finalP50Ms, b2.finalP99Ms]).toEqual([-1, -1, -1, -1]);
    for (const b of buckets) expect(b.type).toBe('metrics.bucket');
  });

  it('identical inputs give identical bucket events', () => {
    expect(JSON.stringify(scenario().buckets)).toBe(JSON.stringify(scenario().buckets));
  });

  it('blocks per node include non-producers as zeros; cross-shard totals follow isCrossShard', () => {
    const { totals } = scenario();
    expect(totals.blocksByNode).toEqual([1, 0, 2, 0]);
    // Cross-shard (odd ids): finalised 1 and 9; aborted 11.
    expect(totals.crossShard?.offered).toBe(6);
    expect(totals.crossShard?.committed).toBe(2);
    expect(totals.crossShard?.aborted).toBe(1);
    expect(totals.crossShard?.latencyUs.count).toBe(2);
  });

  it('without isCrossShard there are no cross-shard totals', () => {
    const c = new MetricsCollector({ bucketUs: S, submitUsOf: () => 0 });
    expect(c.finish(0, () => {}).crossShard).toBeNull();
  });

  it('rejects commits out of time order, before submission, and use after finish', () => {
    const c = new MetricsCollector({ bucketUs: S, submitUsOf: (id) => id * 1000 });
    c.commit('confirm', txSetOf([0, 1]), 2 * S);
    expect(() => c.commit('confirm', txSetOf([1, 2]), S)).toThrow(/time order/);
    expect(() => c.commit('final', txSetOf([5000, 5001]), 2 * S)).toThrow(/before its submission/);
    c.finish(3 * S, () => {});
    expect(() => c.offered(1, 0)).toThrow(/finished/);
    expect(() => c.finish(3 * S, () => {})).toThrow(/finished/);
  });

  it('rejects a non-integer bucket length', () => {
    expect(() => new MetricsCollector({ bucketUs: 0.5, submitUsOf: () => 0 })).toThrow(RangeError);
  });
});
