import { metricsBuckets } from '../metrics/series.js';

/**
 * What the throughput-over-time figure needs from one run's trace: the per-bucket series, epoch starts
 * and idle windows. Browser-safe reductions of trace events only.
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

export interface IdleWindow {
  /** Shard that was idle, −1 for the whole system. */
  readonly shard: number;
  readonly reason: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** The 'metrics.bucket' series as columns, in bucket order. */
export function bucketSeries(events: readonly AnyEvent[]): BucketSeries {
  const s: BucketSeries = { t: [], lengthUs: [], offered: [], confirmed: [], finalized: [] };
  for (const b of metricsBuckets(events as never)) {
    s.t.push(b.t);
    s.lengthUs.push(b.lengthUs);
    s.offered.push(b.offered);
    s.confirmed.push(b.confirmed);
    s.finalized.push(b.finalized);
  }
  return s;
}

export interface EpochSpan {
  readonly epoch: number;
  /** First 'epoch.start' of the epoch, µs. */
  readonly startUs: number;
  /** First 'epoch.ready' (every mover ready: the end of the transition), µs; null if none was traced. */
  readonly readyUs: number | null;
}

/** Each epoch begun in the trace, in time order (one per epoch number, from its first 'epoch.start'). */
export function epochSpans(events: readonly AnyEvent[]): EpochSpan[] {
  const start = new Map<number, number>();
  const ready = new Map<number, number>();
  for (const e of events) {
    if (e.type !== 'epoch.start' && e.type !== 'epoch.ready') continue;
    const m = e.type === 'epoch.start' ? start : ready;
    const epoch = e['epoch'] as number;
    if (!m.has(epoch)) m.set(epoch, e.t);
  }
  return [...start]
    .map(([epoch, startUs]) => ({ epoch, startUs, readyUs: ready.get(epoch) ?? null }))
    .sort((a, b) => a.startUs - b.startUs || a.epoch - b.epoch);
}

/**
 * Idle windows from 'idle.start'/'idle.end' pairs, matched per (shard, reason); a window still open at
 * the end of the run closes at `endUs`. Ordered by start, then shard.
 */
export function idleWindows(events: readonly AnyEvent[], endUs: number): IdleWindow[] {
  const open = new Map<string, { shard: number; reason: string; startUs: number }>();
  const out: IdleWindow[] = [];
  for (const e of events) {
    if (e.type !== 'idle.start' && e.type !== 'idle.end') continue;
    const shard = e['shard'] as number;
    const reason = e['reason'] as string;
    const key = `${shard}|${reason}`;
    if (e.type === 'idle.start') {
      if (!open.has(key)) open.set(key, { shard, reason, startUs: e.t });
    } else {
      const w = open.get(key);
      if (w) {
        out.push({ ...w, endUs: e.t });
        open.delete(key);
      }
    }
  }
  for (const w of open.values()) out.push({ ...w, endUs });
  return out.sort((a, b) => a.startUs - b.startUs || a.shard - b.shard);
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

/** Finalised tx/s over the buckets that start at or after `fromUs` (steady state after a warm-up); null if none. */
export function finalizedRateFrom(series: BucketSeries, fromUs: number): number | null {
  let sum = 0;
  let len = 0;
  for (let i = 0; i < series.t.length; i++) {
    if (series.t[i]! < fromUs) continue;
    sum += series.finalized[i]!;
    len += series.lengthUs[i]!;
  }
  return len > 0 ? (sum * 1_000_000) / len : null;
}
