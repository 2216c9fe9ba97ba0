import type { TxBook } from '../workload/book.js';
import type { Histogram } from './histogram.js';
import type { MetricsBucketEvent } from './series.js';

/** The collector's inputs and results (sim/metrics/collector.ts); types only, browser-safe. */

export interface CrossShardTotals {
  /** Cross-shard transactions offered (as the workload reported them). */
  offered: number;
  /** Cross-shard transactions finally confirmed. */
  committed: number;
  aborted: number;
  /** Submission to final confirmation, µs. */
  latencyUs: Histogram;
}

export interface InvariantTotals {
  /** Transaction ids examined by commit and abort reports. */
  checked: number;
  /** duplicateCommits + finalAndAborted. */
  violations: number;
  /** Ids reported again at a level they had already reached. */
  duplicateCommits: number;
  /** Ids both finalised and aborted (counted when the second of the two reports arrives). */
  finalAndAborted: number;
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
  /** Null unless the collector was built with `crossShard: true`. */
  crossShard: CrossShardTotals | null;
  invariants: InvariantTotals;
  /** The same events `finish` recorded, in bucket order. */
  buckets: MetricsBucketEvent[];
  bucketUs: number;
  endUs: number;
}

/** What the collector reads about transactions; the workload's TxBook provides it. */
export type TxFacts = Pick<TxBook, 'forEachSegmentPart' | 't0Of' | 't1Of' | 'isCross'>;

export interface CollectorOptions {
  /** Length of a metrics bucket, µs (a positive integer). */
  bucketUs: number;
  /** Arrival windows and routes of the transactions, per segment. */
  book: TxFacts;
  /** Keep cross-shard totals (sharded protocols); without it `crossShard` is null. */
  crossShard?: boolean;
  /** Number of nodes, so that nodes that never produced a block count as zeros. */
  nodeCount?: number;
}
