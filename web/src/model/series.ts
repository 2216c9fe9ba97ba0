import { metricsBuckets, minFinalizedTps, perSecond, type MetricsBucketEvent } from '../../../sim/metrics/series.js';
import type { EpochWindow } from '../../../sim/trace/derive.js';

/**
 * The metrics.bucket series as the charts draw it, through the reductions the CLI uses for metrics.csv
 * and summary.json (sim/metrics/series.ts), so a chart and the summary never disagree (DESIGN §1).
 */
export interface ThroughputPoint {
  readonly startUs: number;
  readonly lengthUs: number;
  readonly offeredTps: number;
  readonly confirmedTps: number;
  readonly finalizedTps: number;
  readonly abortedTps: number;
  /** Latency percentiles; null where the bucket has no sample (the trace writes -1). */
  readonly confirmP50Ms: number | null;
  readonly confirmP99Ms: number | null;
  readonly finalP50Ms: number | null;
  readonly finalP99Ms: number | null;
}

const sample = (v: number) => (v < 0 ? null : v);

export function throughputSeries(events: readonly { readonly type: string }[]): { points: ThroughputPoint[]; buckets: MetricsBucketEvent[] } {
  const buckets = metricsBuckets(events);
  const points = buckets.map((b) => ({
    startUs: b.t,
    lengthUs: b.lengthUs,
    offeredTps: perSecond(b.offered, b.lengthUs),
    confirmedTps: perSecond(b.confirmed, b.lengthUs),
    finalizedTps: perSecond(b.finalized, b.lengthUs),
    abortedTps: perSecond(b.aborted, b.lengthUs),
    confirmP50Ms: sample(b.confirmP50Ms),
    confirmP99Ms: sample(b.confirmP99Ms),
    finalP50Ms: sample(b.finalP50Ms),
    finalP99Ms: sample(b.finalP99Ms),
  }));
  return { points, buckets };
}

/**
 * summary.json's minTpsDuringTransition for one epoch: the same call as sim/metrics/summary.ts
 * epochSummary (an epoch that was ready at once, like genesis, has none).
 */
export function minTpsDuringTransition(e: EpochWindow, buckets: readonly MetricsBucketEvent[], endUs: number): number | null {
  if (e.readyUs !== null && e.readyUs <= e.startUs) return null;
  return minFinalizedTps(buckets, e.startUs, e.readyUs ?? endUs);
}
