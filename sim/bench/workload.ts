import { RngRoot } from '../kernel/rng.js';
import { Workload as WorkloadSchema } from '../scenario/schema.js';
import { MetricsCollector } from '../metrics/collector.js';
import { Workload } from '../workload/workload.js';

/**
 * The workload and metrics at the IOS paper scale (IOST whitepaper: up to 100,000 tx/s; 16 shards): one
 * simulated hour of offered load in 100 ms batches, 360 M transactions, every segment committed once
 * at both levels through the collector. No protocol runs: this measures what the workload and the
 * metrics cost on their own, which must leave room for the protocols in a 60 s, 2 GB run.
 *
 * Commits imitate shards: an interval's transactions are soft-confirmed in one report
 * `confirmLagIntervals` after they arrived, and finalised `finalLagIntervals` after in one block per
 * input shard holding that shard's segments (so ids are finalised out of id order within an interval). `clock` (ms) and `memory` (bytes) are injected so this module reads neither.
 */
export interface WorkloadBenchOptions {
  readonly seconds: number;
  readonly tps: number;
  readonly shards: number;
  readonly intervalMs: number;
  readonly seed: number;
  readonly confirmLagIntervals?: number;
  readonly finalLagIntervals?: number;
}

export interface WorkloadBenchResult {
  readonly transactions: number;
  readonly segments: number;
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  readonly transactionsPerWallSecond: number;
  /** Largest `memory()` reading, sampled every 1,000 intervals and at the end. */
  readonly peakMemoryBytes: number;
  /** Bytes held by the TxBook's columns at the end. */
  readonly bookBytes: number;
  readonly confirmed: number;
  readonly finalized: number;
  readonly crossFraction: number;
  readonly finalP50Ms: number;
  readonly finalP99Ms: number;
  readonly violations: number;
}

export const PAPER_SCALE: WorkloadBenchOptions = { seconds: 3600, tps: 100_000, shards: 16, intervalMs: 100, seed: 1 };

export function benchWorkload(opts: WorkloadBenchOptions, clock: () => number, memory: () => number): WorkloadBenchResult {
  const cfg = WorkloadSchema.parse({ offeredTps: opts.tps, batchIntervalMs: opts.intervalMs });
  const confirmLag = opts.confirmLagIntervals ?? 5;
  const finalLag = opts.finalLagIntervals ?? 30;
  const t0 = clock();
  const workload = new Workload(cfg, opts.shards, new RngRoot(opts.seed));
  const book = workload.book;
  const metrics = new MetricsCollector({ bucketUs: 1_000_000, book, crossShard: true });
  const step = workload.intervalUs;
  const intervals = Math.floor((opts.seconds * 1e6) / step);
  // firstSegment[i] = first segment of interval i (1-based); one past the last interval's end at [n + 1].
  const firstSegment = new Int32Array(intervals + 2);
  let peak = memory();
  let order = new Int32Array(1024);
  const cursor = new Int32Array(opts.shards + 1);
  for (let i = 1; i <= intervals + finalLag; i++) {
    const now = i * step;
    if (i <= intervals) {
      firstSegment[i] = book.segments;
      for (const b of workload.batchesEndingAt(now)) metrics.offered(b.count, now, b.cross ? b.count : 0);
      firstSegment[i + 1] = book.segments;
    }
    const c = i - confirmLag;
    if (c >= 1 && c < firstSegment.length - 1 && firstSegment[c + 1]! > firstSegment[c]!) {
      // One soft-confirmation report for the whole interval: its ids are contiguous.
      const from = book.startOf(firstSegment[c]!);
      const to = book.endOf(firstSegment[c + 1]! - 1);
      metrics.commit('confirm', { ranges: [from, to], count: to - from }, now);
    }
    const f = i - finalLag;
    if (f >= 1 && f <= intervals) {
      // Shard by shard, as each input shard's committee would report its final block (a counting sort).
      const from = firstSegment[f]!;
      const to = firstSegment[f + 1]!;
      if (order.length < to - from) order = new Int32Array(2 * (to - from));
      cursor.fill(0);
      for (let seg = from; seg < to; seg++) cursor[book.inputShardOf(seg) + 1]!++;
      for (let s = 0; s < opts.shards; s++) cursor[s + 1]! += cursor[s]!;
      for (let seg = from; seg < to; seg++) order[cursor[book.inputShardOf(seg)]!++] = seg;
      // One final block per shard holding its segments of the interval.
      let k = 0;
      for (let s = 0; s < opts.shards; s++) {
        const ranges: number[] = [];
        let count = 0;
        for (; k < cursor[s]!; k++) {
          const seg = order[k]!;
          ranges.push(book.startOf(seg), book.endOf(seg));
          count += book.countOf(seg);
        }
        if (count > 0) metrics.commit('final', { ranges, count }, now);
      }
    }
    if (i % 1000 === 0) peak = Math.max(peak, memory());
  }
  const totals = metrics.finish((intervals + finalLag) * step, () => {});
  peak = Math.max(peak, memory());
  const wallSeconds = (clock() - t0) / 1000;
  return {
    transactions: book.count,
    segments: book.segments,
    simulatedSeconds: (intervals * step) / 1e6,
    wallSeconds,
    transactionsPerWallSecond: book.count / wallSeconds,
    peakMemoryBytes: peak,
    bookBytes: book.bytes,
    confirmed: totals.confirmed,
    finalized: totals.finalized,
    crossFraction: totals.crossShard ? totals.crossShard.offered / Math.max(1, totals.offered) : 0,
    finalP50Ms: totals.finalLatencyUs.quantile(0.5) / 1000,
    finalP99Ms: totals.finalLatencyUs.quantile(0.99) / 1000,
    violations: totals.invariants.violations,
  };
}
