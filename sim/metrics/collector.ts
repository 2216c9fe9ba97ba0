import type { ConfirmLevel, NodeId, TxSet } from '../protocols/types.js';
import { Histogram } from './histogram.js';
import { GrowableSeries, IdBitset } from './growable.js';
import type { MetricsBucketEvent } from './series.js';

export type { MetricsBucketEvent } from './series.js';

/**
 * Streaming metrics of one run (DESIGN §8, §9): offered, confirmed, finalised and aborted transactions,
 * their latencies, per time bucket and in total, and blocks per producer for decentralisation.
 *
 * Transactions arrive as id ranges (TxSet), so the collector touches each id once per event but stores
 * nothing per id except three bits (confirmed, finalised, aborted). That is what lets it count each
 * transaction at most once per level even when a protocol reports a block twice (e.g. after a view change).
 *
 * Per-bucket latency percentiles use one pair of histograms for the bucket being filled: commits come in
 * simulated-time order (the host reports them as the kernel executes them), so when a commit lands in a
 * later bucket the earlier one is final and is reduced to its percentiles. Memory stays constant however
 * many buckets a run has.
 */

export interface CrossShardTotals {
  /** Cross-shard transactions offered (as the workload reported them). */
  offered: number;
  /** Cross-shard transactions finalised in every shard involved. */
  committed: number;
  aborted: number;
  /** Submission to final confirmation, µs. */
  latencyUs: Histogram;
}

export interface MetricsTotals {
  offered: number;
  confirmed: number;
  finalized: number;
  aborted: number;
  confirmLatencyUs: Histogram;
  finalLatencyUs: Histogram;
  /** Blocks proposed per node id, zeros included for every node up to `nodeCount` or the highest producer. */
  blocksByNode: number[];
  /** Null unless the collector was given `isCrossShard`. */
  crossShard: CrossShardTotals | null;
  /** The same events `finish` recorded, in bucket order. */
  buckets: MetricsBucketEvent[];
  bucketUs: number;
  endUs: number;
}

export interface CollectorOptions {
  /** Length of a metrics bucket, µs (a positive integer). */
  bucketUs: number;
  /** Submission time of a transaction, µs: latency is measured from it. */
  submitUsOf: (txId: number) => number;
  /** Whether a transaction spans several shards; enables the cross-shard totals. */
  isCrossShard?: (txId: number) => boolean;
  /** Number of nodes, so that nodes that never produced a block count as zeros. */
  nodeCount?: number;
}

export class MetricsCollector {
  private readonly bucketUs: number;
  private readonly submitUsOf: (txId: number) => number;
  private readonly isCrossShard: ((txId: number) => boolean) | undefined;
  private readonly confirmedIds = new IdBitset();
  private readonly finalizedIds = new IdBitset();
  private readonly abortedIds = new IdBitset();
  private readonly confirmLatencyUs = new Histogram();
  private readonly finalLatencyUs = new Histogram();
  private readonly crossLatencyUs = new Histogram();
  private readonly offeredBy = new GrowableSeries();
  private readonly confirmedBy = new GrowableSeries();
  private readonly finalizedBy = new GrowableSeries();
  private readonly abortedBy = new GrowableSeries();
  // Per-bucket percentiles in ms; -1 marks "no sample" (see MetricsBucketEvent in the trace schema).
  private readonly confirmP50Ms = new GrowableSeries(-1);
  private readonly confirmP99Ms = new GrowableSeries(-1);
  private readonly finalP50Ms = new GrowableSeries(-1);
  private readonly finalP99Ms = new GrowableSeries(-1);
  private readonly openConfirmUs = new Histogram();
  private readonly openFinalUs = new Histogram();
  private openBucket = -1;
  private readonly blocks: number[];
  private totals = { offered: 0, confirmed: 0, finalized: 0, aborted: 0, crossOffered: 0, crossCommitted: 0, crossAborted: 0 };
  private finished = false;

  constructor(opts: CollectorOptions) {
    if (!Number.isSafeInteger(opts.bucketUs) || opts.bucketUs <= 0) {
      throw new RangeError(`MetricsCollector: bucketUs must be a positive integer, got ${opts.bucketUs}`);
    }
    this.bucketUs = opts.bucketUs;
    this.submitUsOf = opts.submitUsOf;
    this.isCrossShard = opts.isCrossShard;
    this.blocks = new Array<number>(opts.nodeCount ?? 0).fill(0);
  }

  /** `count` new transactions submitted at `atUs`, `crossShardCount` of them cross-shard. */
  offered(count: number, atUs: number, crossShardCount = 0): void {
    this.checkOpen();
    this.offeredBy.add(this.bucketOf(atUs), count);
    this.totals.offered += count;
    this.totals.crossOffered += crossShardCount;
  }

  /** `txs` reached `level` at `atUs`. A final confirmation is also a confirmation, for a tx never soft-confirmed. */
  commit(level: ConfirmLevel, txs: TxSet, atUs: number): void {
    const b = this.enterBucket(atUs);
    let confirmed = 0;
    let finalized = 0;
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      for (let id = r[i]!; id < r[i + 1]!; id++) {
        const latencyUs = atUs - this.submitUsOf(id);
        if (latencyUs < 0) throw new RangeError(`MetricsCollector: tx ${id} committed at ${atUs} µs, before its submission`);
        if (level === 'final' && !this.finalizedIds.testAndSet(id)) {
          finalized++;
          this.finalLatencyUs.add(latencyUs);
          this.openFinalUs.add(latencyUs);
          if (this.isCrossShard?.(id)) {
            this.totals.crossCommitted++;
            this.crossLatencyUs.add(latencyUs);
          }
        }
        if (!this.confirmedIds.testAndSet(id)) {
          confirmed++;
          this.confirmLatencyUs.add(latencyUs);
          this.openConfirmUs.add(latencyUs);
        }
      }
    }
    if (confirmed > 0) this.confirmedBy.add(b, confirmed);
    if (finalized > 0) this.finalizedBy.add(b, finalized);
    this.totals.confirmed += confirmed;
    this.totals.finalized += finalized;
  }

  /** `txs` were rejected for good at `atUs`; each is counted once however often it is reported. */
  abort(txs: TxSet, atUs: number): void {
    this.checkOpen();
    const b = this.bucketOf(atUs);
    let aborted = 0;
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      for (let id = r[i]!; id < r[i + 1]!; id++) {
        if (this.abortedIds.testAndSet(id)) continue;
        aborted++;
        if (this.isCrossShard?.(id)) this.totals.crossAborted++;
      }
    }
    if (aborted > 0) this.abortedBy.add(b, aborted);
    this.totals.aborted += aborted;
  }

  /** `node` proposed a block (the decentralisation measures count block production). */
  blockProduced(node: NodeId): void {
    if (!Number.isSafeInteger(node) || node < 0) throw new RangeError(`MetricsCollector: bad node id ${node}`);
    while (this.blocks.length <= node) this.blocks.push(0);
    this.blocks[node]!++;
  }

  /**
   * Close the run at `endUs`: record one 'metrics.bucket' event per bucket, in bucket order (after every
   * other event of the trace, so these are the only events whose `t` goes back), and return the totals.
   */
  finish(endUs: number, record: (ev: MetricsBucketEvent) => void): MetricsTotals {
    this.checkOpen();
    this.finished = true;
    if (this.openBucket >= 0) this.sealBucket(this.openBucket);
    const n = Math.max(
      Math.ceil(endUs / this.bucketUs),
      this.offeredBy.length,
      this.confirmedBy.length,
      this.finalizedBy.length,
      this.abortedBy.length,
      this.openBucket + 1,
    );
    const buckets: MetricsBucketEvent[] = [];
    for (let b = 0; b < n; b++) {
      const t = b * this.bucketUs;
      const ev: MetricsBucketEvent = {
        t,
        type: 'metrics.bucket',
        bucket: b,
        // The last bucket may be cut short by the end of the run; rates divide by this length.
        lengthUs: t + this.bucketUs <= endUs || endUs <= t ? this.bucketUs : endUs - t,
        offered: this.offeredBy.get(b),
        confirmed: this.confirmedBy.get(b),
        finalized: this.finalizedBy.get(b),
        aborted: this.abortedBy.get(b),
        confirmP50Ms: this.confirmP50Ms.get(b),
        confirmP99Ms: this.confirmP99Ms.get(b),
        finalP50Ms: this.finalP50Ms.get(b),
        finalP99Ms: this.finalP99Ms.get(b),
      };
      record(ev);
      buckets.push(ev);
    }
    const t = this.totals;
    return {
      offered: t.offered,
      confirmed: t.confirmed,
      finalized: t.finalized,
      aborted: t.aborted,
      confirmLatencyUs: this.confirmLatencyUs,
      finalLatencyUs: this.finalLatencyUs,
      blocksByNode: this.blocks.slice(),
      crossShard: this.isCrossShard
        ? { offered: t.crossOffered, committed: t.crossCommitted, aborted: t.crossAborted, latencyUs: this.crossLatencyUs }
        : null,
      buckets,
      bucketUs: this.bucketUs,
      endUs,
    };
  }

  private bucketOf(atUs: number): number {
    if (!Number.isSafeInteger(atUs) || atUs < 0) throw new RangeError(`MetricsCollector: time must be integer µs ≥ 0, got ${atUs}`);
    return Math.floor(atUs / this.bucketUs);
  }

  private enterBucket(atUs: number): number {
    this.checkOpen();
    const b = this.bucketOf(atUs);
    if (b < this.openBucket) {
      throw new Error(`MetricsCollector: a commit at ${atUs} µs came after one in a later bucket; commits must be reported in time order`);
    }
    if (b > this.openBucket) {
      if (this.openBucket >= 0) this.sealBucket(this.openBucket);
      this.openBucket = b;
    }
    return b;
  }

  private sealBucket(b: number): void {
    if (this.openConfirmUs.count > 0) {
      this.confirmP50Ms.set(b, roundedMs(this.openConfirmUs.quantile(0.5)));
      this.confirmP99Ms.set(b, roundedMs(this.openConfirmUs.quantile(0.99)));
    }
    if (this.openFinalUs.count > 0) {
      this.finalP50Ms.set(b, roundedMs(this.openFinalUs.quantile(0.5)));
      this.finalP99Ms.set(b, roundedMs(this.openFinalUs.quantile(0.99)));
    }
    this.openConfirmUs.reset();
    this.openFinalUs.reset();
  }

  private checkOpen(): void {
    if (this.finished) throw new Error('MetricsCollector: already finished');
  }
}

/** µs to ms with three decimals (whole µs): stable, short numbers in the trace and CSV. */
export function roundedMs(us: number): number {
  return Math.round(us) / 1000;
}
