import type { TraceEventOf } from '../trace/schema.js';

/**
 * Reductions of the 'metrics.bucket' series. They read only trace events, so the CLI (summary, CSV) and
 * the dashboard (which has nothing but the trace) compute the same numbers with the same code (DESIGN §1).
 * Browser-safe.
 */

export type MetricsBucketEvent = TraceEventOf<'metrics.bucket'>;

/** The 'metrics.bucket' events among `events`, ordered by bucket number. */
export function metricsBuckets(events: Iterable<{ readonly type: string }>): MetricsBucketEvent[] {
  const out: MetricsBucketEvent[] = [];
  for (const e of events) if (e.type === 'metrics.bucket') out.push(e as MetricsBucketEvent);
  return out.sort((a, b) => a.bucket - b.bucket);
}

/** Events per second over a bucket of `lengthUs` µs. */
export function perSecond(count: number, lengthUs: number): number {
  return lengthUs > 0 ? (count * 1_000_000) / lengthUs : 0;
}

/**
 * Seconds after the first finalisation spent in buckets where transactions were waiting (offered before
 * the bucket, neither finalised nor aborted) yet none was finalised: a stall as a user sees it, from a
 * view change, a PoW window or an epoch transition. Resolution is the bucket length, and a protocol whose
 * final blocks are further apart than a bucket shows the gaps between them as idle. The warm-up before the
 * first finalisation is excluded, since every protocol has one.
 */
export function idleSecondsOf(buckets: readonly MetricsBucketEvent[]): number {
  let waiting = 0;
  let started = false;
  let idleUs = 0;
  for (const b of buckets) {
    if (started && b.finalized === 0 && waiting > 0) idleUs += b.lengthUs;
    if (b.finalized > 0) started = true;
    waiting += b.offered - b.finalized - b.aborted;
  }
  return idleUs / 1_000_000;
}

/**
 * Lowest finalised transactions per second over the buckets that overlap [fromUs, toUs); an empty
 * interval uses the bucket containing `fromUs`. Null when no bucket covers the interval.
 */
export function minFinalizedTps(buckets: readonly MetricsBucketEvent[], fromUs: number, toUs: number): number | null {
  let min: number | null = null;
  for (const b of buckets) {
    const end = b.t + b.lengthUs;
    const overlaps = toUs > fromUs ? b.t < toUs && end > fromUs : b.t <= fromUs && fromUs < end;
    if (!overlaps) continue;
    const tps = perSecond(b.finalized, b.lengthUs);
    if (min === null || tps < min) min = tps;
  }
  return min;
}
