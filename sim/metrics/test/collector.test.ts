import { describe, expect, it } from 'vitest';
import { MetricsCollector, type MetricsBucketEvent } from '../collector.js';
import { txSetOf } from '../../protocols/types.js';
import { bookOf, pointBook } from './books.js';

const S = 1_000_000;

/** Transaction i is submitted at i ms (a window of zero width); odd ids are cross-shard; ids 0..11 in bucket 0. */
function scenario() {
  const book = pointBook(
    Array.from({ length: 12 }, (_, i) => i * 1000),
    (id) => id % 2 === 1,
  );
  const c = new MetricsCollector({ bucketUs: S, book, nodeCount: 4, crossShard: true });
  c.offered(12, 0, 6);
  c.commit('confirm', txSetOf([0, 5]), 500_000);
  c.commit('confirm', txSetOf([5, 8]), 600_000);
  c.commit('final', txSetOf([0, 3]), 1_200_000);
  c.commit('final', txSetOf([8, 10]), 1_500_000); // never soft-confirmed: final implies confirmed
  c.abort(txSetOf([10, 12]), 2_100_000);
  c.abort(txSetOf([10, 12]), 2_200_000); // several shards may reject: counted once, no violation
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
    expect(totals.invariants).toEqual({ checked: 8 + 5 + 4, violations: 0, duplicateCommits: 0, finalAndAborted: 0 });
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

  it('blocks per node include non-producers as zeros; cross-shard totals follow the book', () => {
    const { totals } = scenario();
    expect(totals.blocksByNode).toEqual([1, 0, 2, 0]);
    // Cross-shard (odd ids): finalised 1 and 9; aborted 11.
    expect(totals.crossShard?.offered).toBe(6);
    expect(totals.crossShard?.committed).toBe(2);
    expect(totals.crossShard?.aborted).toBe(1);
    expect(totals.crossShard?.latencyUs.count).toBe(2);
  });

  it('without crossShard there are no cross-shard totals', () => {
    const c = new MetricsCollector({ bucketUs: S, book: bookOf([{ count: 1, t0: 0 }]) });
    expect(c.finish(0, () => {}).crossShard).toBeNull();
  });

  it('a second final commit is not counted again and is a violation; a second soft confirmation (a fork re-inclusion) is not', () => {
    const c = new MetricsCollector({ bucketUs: S, book: bookOf([{ count: 100, t0: 0, t1: 1000 }]) });
    c.commit('confirm', txSetOf([0, 50]), 10_000);
    c.commit('confirm', txSetOf([40, 60]), 20_000); // 40..49 re-confirmed: a reorg re-included them
    c.commit('final', txSetOf([0, 30]), 30_000); // already confirmed: fine
    c.commit('final', txSetOf([20, 30, 70, 80]), 40_000); // 20..29 again at final
    c.commit('final', txSetOf([50, 60]), 50_000);
    const t = c.finish(S, () => {});
    expect([t.confirmed, t.finalized]).toEqual([70, 50]);
    expect(t.invariants.duplicateCommits).toBe(10);
    expect(t.invariants.violations).toBe(10);
    expect(c.reconfirmed).toBe(10);
    expect(t.invariants.checked).toBe(50 + 20 + 30 + 20 + 10);
  });

  it('an id both finalised and aborted is a violation, whichever comes first', () => {
    const c = new MetricsCollector({ bucketUs: S, book: bookOf([{ count: 100, t0: 0 }]) });
    c.commit('final', txSetOf([0, 10]), 1000);
    c.abort(txSetOf([5, 15]), 2000); // 5..9 finalised
    c.commit('final', txSetOf([12, 20]), 3000); // 12..14 aborted
    c.commit('confirm', txSetOf([30, 40]), 4000);
    c.abort(txSetOf([30, 40]), 5000); // soft-confirmed then aborted: allowed
    const t = c.finish(S, () => {});
    expect(t.invariants.finalAndAborted).toBe(5 + 3);
    expect(t.invariants.duplicateCommits).toBe(0);
    expect(t.aborted).toBe(20);
  });

  it('latencies of a segment are spread uniformly over its arrival window', () => {
    // 10,000 transactions arrived uniformly in [0, 1 s); all committed at 3 s: latency uniform on [2 s, 3 s].
    const book = bookOf([{ count: 10_000, t0: 0, t1: S }]);
    const c = new MetricsCollector({ bucketUs: S, book });
    c.commit('final', txSetOf([0, 10_000]), 3 * S);
    const h = c.finish(4 * S, () => {}).finalLatencyUs;
    expect(h.count).toBe(10_000);
    expect([h.min, h.max, h.mean]).toEqual([2 * S, 3 * S, 2.5 * S]);
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const exact = 2 * S + q * S;
      expect(Math.abs(h.quantile(q) - exact) / exact, `q=${q}`).toBeLessThan(0.01);
    }
  });

  it('a commit spanning several segments uses each segment\'s window', () => {
    const book = bookOf([
      { count: 5, t0: 0 },
      { count: 5, t0: 500_000, cross: true },
    ]);
    const c = new MetricsCollector({ bucketUs: S, book, crossShard: true });
    c.commit('final', txSetOf([3, 8]), S);
    const t = c.finish(S, () => {});
    expect([t.finalLatencyUs.min, t.finalLatencyUs.max]).toEqual([500_000, S]);
    expect(t.finalLatencyUs.mean).toBe((2 * S + 3 * 500_000) / 5);
    expect(t.crossShard?.committed).toBe(3);
  });

  it('rejects commits out of time order, before submission, of unknown ids, and use after finish', () => {
    const c = new MetricsCollector({ bucketUs: S, book: pointBook([0, 1000, 5_000_000]) });
    c.commit('confirm', txSetOf([0, 1]), 2 * S);
    expect(() => c.commit('confirm', txSetOf([1, 2]), S)).toThrow(/time order/);
    expect(() => c.commit('final', txSetOf([2, 3]), 2 * S)).toThrow(/before its submission/);
    expect(() => c.commit('final', txSetOf([3, 4]), 2 * S)).toThrow(/no transaction 3/);
    c.finish(3 * S, () => {});
    expect(() => c.offered(1, 0)).toThrow(/finished/);
    expect(() => c.finish(3 * S, () => {})).toThrow(/finished/);
  });

  it('rejects a non-integer bucket length', () => {
    expect(() => new MetricsCollector({ bucketUs: 0.5, book: pointBook([0]) })).toThrow(RangeError);
  });
});
