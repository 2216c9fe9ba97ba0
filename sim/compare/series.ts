import { metricsBuckets } from '../metrics/series.js';

/**
 * What the figures need from one run's 'metrics.bucket' series (epochs and idle windows come from
 * sim/trace/derive.ts, as for the summary and the dashboard). Browser-safe reductions of trace events.
 */

type AnyEvent = { readonly t: number; readonly type: string; readonly [k: string]: unknown };

export interface BucketSeries {
  /** Bucket start, simulated µs. */
  readonly t: number[];
  readonly lengthUs: number[];
  readonly offered: number[];
  readonly confirmed: number[];
  readonly finalized: number[];
}

/** The 'metrics.bucket' series as columns, in bucket order. */
export function bucketSeries(events: Iterable<AnyEvent>): BucketSeries {
  const s: BucketSeries = { t: [], lengthUs: [], offered: [], confirmed: [], finalized: [] };
  for (const b of metricsBuckets(events)) {
    s.t.push(b.t);
    s.lengthUs.push(b.lengthUs);
    s.offered.push(b.offered);
    s.confirmed.push(b.confirmed);
    s.finalized.push(b.finalized);
  }
  return s;
}

/**
 * Mean tx/s of `counts` over consecutive windows of `windowUs` (the last one may be shorter), from
 * buckets that tile the run: a bucket's count goes to the window holding its start, so pick a window that
 * is a multiple of the bucket length. Returns window starts (µs) and rates.
 */
export function windowedRate(series: BucketSeries, counts: readonly number[], windowUs: number): { t: number[]; perSecond: number[] } {
  const t: number[] = [];
  const perSecond: number[] = [];
  let cur = -1;
  let sum = 0;
  let len = 0;
  const flush = () => {
    if (cur < 0) return;
    t.push(cur * windowUs);
    perSecond.push(len > 0 ? (sum * 1_000_000) / len : 0);
  };
  for (let i = 0; i < series.t.length; i++) {
    const w = Math.floor(series.t[i]! / windowUs);
    if (w !== cur) {
      flush();
      cur = w;
      sum = 0;
      len = 0;
    }
    sum += counts[i]!;
    len += series.lengthUs[i]!;
  }
  flush();
  return { t, perSecond };
}

/**
 * Finalised tx/s from `fromUs` to the end of the run (steady state after a warm-up): finalisations in the
 * buckets that start at or after `fromUs` (including one at the end time itself) over (endUs − fromUs).
 * Null when the run is no longer than the warm-up.
 */
export function finalizedRateFrom(series: BucketSeries, fromUs: number, endUs: number): number | null {
  if (endUs <= fromUs) return null;
  let sum = 0;
  for (let i = 0; i < series.t.length; i++) if (series.t[i]! >= fromUs) sum += series.finalized[i]!;
  return (sum * 1_000_000) / (endUs - fromUs);
}
