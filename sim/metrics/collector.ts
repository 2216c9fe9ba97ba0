import type { ConfirmLevel, NodeId, TxSet } from '../protocols/types.js';
import { Histogram } from './histogram.js';
import { GrowableSeries } from './growable.js';
import { SegmentSet } from '../workload/segment-set.js';
import type { MetricsBucketEvent } from './series.js';
import type { CollectorOptions, InvariantTotals, MetricsTotals, TxFacts } from './totals.js';

export type { MetricsBucketEvent } from './series.js';
export type { CollectorOptions, CrossShardTotals, InvariantTotals, MetricsTotals, TxFacts } from './totals.js';

/**
 * Streaming metrics of one run (DESIGN §8, §9): offered, confirmed, finalised and aborted transactions,
 * their latencies, per time bucket and in total, and blocks per producer for decentralisation.
 *
 * Transactions arrive as id ranges (TxSet) and their facts live per segment in the workload's TxBook, so
 * the collector's work is per segment piece, never per id: 360 M transactions cost what ~10 M segments
 * cost. A piece's transactions arrived uniformly in the segment's window [t0, t1) (TxBook), so their
 * latencies at commit time `at` are uniform over [at − t1, at − t0] and enter the histograms with
 * Histogram.addUniform.
 *
 * Each id counts at most once per level: one SegmentSet per level (confirm, final, abort) remembers what
 * was counted. A second final commit of an id is not counted again and is an invariant
 * violation, as is an id both finalised and aborted (Atomix atomicity, DESIGN §6.7); neither throws, both
 * are counted in `invariants`. A final confirmation is also a confirmation, for an id never soft-confirmed.
 * An id aborted twice counts once and is no violation: several input shards may each reject it.
 *
 * Per-bucket latency percentiles use one pair of histograms for the bucket being filled: commits come in
 * simulated-time order (the host reports them as the kernel executes them), so when a commit lands in a
 * later bucket the earlier one is final, is reduced to its percentiles and merged into the run totals.
 */

export class MetricsCollector {
  private readonly bucketUs: number;
  private readonly book: TxFacts;
  private readonly trackCross: boolean;
  // Which ids each level has counted, per book segment (workload/segment-set.ts): at paper scale committed
  // and aborted ids interleave segment by segment, millions of intervals as plain interval sets.
  private readonly confirmedIds = new SegmentSet();
  private readonly finalizedIds = new SegmentSet();
  private readonly abortedIds = new SegmentSet();
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
  private readonly inv: InvariantTotals = { checked: 0, violations: 0, duplicateCommits: 0, finalAndAborted: 0 };
  /**
   * Soft confirmations of ids already confirmed. Not a violation: in a forking chain (DPoS, IOST mainnet)
   * a transaction confirmed in a block that is later orphaned is confirmed again in the winning block.
   * Only its first confirmation counts for latency. A second *final* commit is a violation.
   */
  reconfirmed = 0;
  private finished = false;
  /** State of the commit being processed, for `commitPart` (bound once, so a commit allocates no closure). */
  private readonly part = {
    final: false, atUs: 0, confirmed: 0, finalized: 0,
    /** The window whose latencies are pooled (−1: none), and the counts pooled for it. */
    t0: -1, t1: -1, pendingConfirm: 0, pendingFinal: 0, pendingCross: 0,
  };
  private readonly onCommitPart = (seg: number, s: number, e: number, lo: number, hi: number): void => this.commitPart(seg, s, e, lo, hi);

  constructor(opts: CollectorOptions) {
    if (!Number.isSafeInteger(opts.bucketUs) || opts.bucketUs <= 0) {
      throw new RangeError(`MetricsCollector: bucketUs must be a positive integer, got ${opts.bucketUs}`);
    }
    this.bucketUs = opts.bucketUs;
    this.book = opts.book;
    this.trackCross = opts.crossShard ?? false;
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
    const p = this.part;
    p.final = level === 'final';
    p.atUs = atUs;
    p.confirmed = p.finalized = 0;
    p.t0 = p.t1 = -1;
    this.book.forEachSegmentPart(txs, this.onCommitPart);
    this.flushLatencies();
    if (p.confirmed > 0) this.confirmedBy.add(b, p.confirmed);
    if (p.finalized > 0) this.finalizedBy.add(b, p.finalized);
    this.totals.confirmed += p.confirmed;
    this.totals.finalized += p.finalized;
  }

  /**
   * One segment piece of a commit. Its latencies are pooled with the previous pieces' while the arrival
   * window stays the same (a block's segments mostly share a few windows), so a block costs one
   * Histogram.addUniform per window and level rather than per segment.
   */
  private commitPart(seg: number, s: number, e: number, lo: number, hi: number): void {
    const p = this.part;
    const t0 = this.book.t0Of(seg);
    const t1 = this.book.t1Of(seg);
    if (t0 !== p.t0 || t1 !== p.t1) {
      this.flushLatencies();
      if (p.atUs < t1) {
        throw new RangeError(`MetricsCollector: tx ${s} committed at ${p.atUs} µs, before its submission window ended (${t1} µs)`);
      }
      p.t0 = t0;
      p.t1 = t1;
    }
    const n = e - s;
    this.inv.checked += n;
    let newConfirm: number;
    if (p.final) {
      const newFinal = this.finalizedIds.add(seg, lo, hi, s, e);
      this.inv.duplicateCommits += n - newFinal;
      if (newFinal > 0) {
        if (this.abortedIds.size > 0) this.inv.finalAndAborted += Math.min(newFinal, this.abortedIds.countIn(seg, lo, s, e));
        p.finalized += newFinal;
        p.pendingFinal += newFinal;
        if (this.trackCross && this.book.isCross(seg)) p.pendingCross += newFinal;
      }
      // Already confirmed is the normal case here, not a duplicate.
      newConfirm = this.confirmedIds.add(seg, lo, hi, s, e);
    } else {
      newConfirm = this.confirmedIds.add(seg, lo, hi, s, e);
      this.reconfirmed += n - newConfirm;
    }
    p.confirmed += newConfirm;
    p.pendingConfirm += newConfirm;
  }

  /** Add the pooled latencies of the current window: uniform over [at − t1, at − t0]. */
  private flushLatencies(): void {
    const p = this.part;
    if (p.t1 < 0) return;
    const lo = p.atUs - p.t1;
    const hi = p.atUs - p.t0;
    if (p.pendingConfirm > 0) this.openConfirmUs.addUniform(lo, hi, p.pendingConfirm);
    if (p.pendingFinal > 0) this.openFinalUs.addUniform(lo, hi, p.pendingFinal);
    if (p.pendingCross > 0) {
      this.totals.crossCommitted += p.pendingCross;
      this.crossLatencyUs.addUniform(lo, hi, p.pendingCross);
    }
    p.pendingConfirm = p.pendingFinal = p.pendingCross = 0;
  }

  /** `txs` were rejected for good at `atUs`; each is counted once however often it is reported. */
  abort(txs: TxSet, atUs: number): void {
    this.checkOpen();
    const b = this.bucketOf(atUs);
    this.abortedNow = 0;
    this.book.forEachSegmentPart(txs, this.onAbortPart);
    const aborted = this.abortedNow;
    if (aborted > 0) this.abortedBy.add(b, aborted);
    this.totals.aborted += aborted;
  }

  /** Ids an `abort` call has counted so far (a field, so the part callback is bound once, like commitPart's). */
  private abortedNow = 0;
  private readonly onAbortPart = (seg: number, s: number, e: number, lo: number, hi: number): void => {
    this.inv.checked += e - s;
    const added = this.abortedIds.add(seg, lo, hi, s, e);
    if (added === 0) return;
    if (this.finalizedIds.size > 0) this.inv.finalAndAborted += Math.min(added, this.finalizedIds.countIn(seg, lo, s, e));
    this.abortedNow += added;
    if (this.trackCross && this.book.isCross(seg)) this.totals.crossAborted += added;
  };

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
      crossShard: this.trackCross
        ? { offered: t.crossOffered, committed: t.crossCommitted, aborted: t.crossAborted, latencyUs: this.crossLatencyUs }
        : null,
      invariants: { ...this.inv, violations: this.inv.duplicateCommits + this.inv.finalAndAborted },
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
    this.confirmLatencyUs.merge(this.openConfirmUs);
    this.finalLatencyUs.merge(this.openFinalUs);
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
