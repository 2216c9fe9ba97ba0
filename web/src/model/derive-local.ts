import type { EventType, TraceEventOf } from '../../../sim/trace/schema.js';

/**
 * Stand-in for sim/trace/derive.ts (the lead's shared derivations, DESIGN §1: the CLI summary and the
 * dashboard compute their numbers with the same code). Same names and shapes; replace the import with
 * sim/trace/derive.js once it is on main and delete this file.
 */

export interface EpochInfo {
  index: number;
  startUs: number;
  /** When the epoch's last move finished bootstrapping (epoch.ready), or null if not within the run. */
  readyUs: number | null;
  moved: number;
  minTpsDuringTransition: number | null;
}

export interface IdleWindow {
  shard: number;
  epoch: number;
  reason: string;
  startUs: number;
  endUs: number;
}

export interface ThroughputPoint {
  startUs: number;
  lengthUs: number;
  offeredTps: number;
  confirmedTps: number;
  finalizedTps: number;
  abortedTps: number;
  confirmP50Ms: number | null;
  confirmP99Ms: number | null;
  finalP50Ms: number | null;
  finalP99Ms: number | null;
}

type Ev = { readonly type: string; readonly t: number };
type Of<E extends EventType> = TraceEventOf<E>;

const perSecond = (count: number, lengthUs: number) => (lengthUs > 0 ? (count * 1_000_000) / lengthUs : 0);
const pct = (v: number) => (v < 0 ? null : v);

export function throughputSeries(events: readonly Ev[]): ThroughputPoint[] {
  const buckets = events.filter((e): e is Of<'metrics.bucket'> => e.type === 'metrics.bucket').sort((a, b) => a.bucket - b.bucket);
  return buckets.map((b) => ({
    startUs: b.t,
    lengthUs: b.lengthUs,
    offeredTps: perSecond(b.offered, b.lengthUs),
    confirmedTps: perSecond(b.confirmed, b.lengthUs),
    finalizedTps: perSecond(b.finalized, b.lengthUs),
    abortedTps: perSecond(b.aborted, b.lengthUs),
    confirmP50Ms: pct(b.confirmP50Ms),
    confirmP99Ms: pct(b.confirmP99Ms),
    finalP50Ms: pct(b.finalP50Ms),
    finalP99Ms: pct(b.finalP99Ms),
  }));
}

/** Lowest finalised tx/s over the buckets overlapping [fromUs, toUs). */
function minTps(series: readonly ThroughputPoint[], fromUs: number, toUs: number): number | null {
  let min: number | null = null;
  for (const b of series) {
    if (b.startUs >= toUs || b.startUs + b.lengthUs <= fromUs) continue;
    if (min === null || b.finalizedTps < min) min = b.finalizedTps;
  }
  return min;
}

export function deriveEpochs(events: readonly Ev[]): EpochInfo[] {
  const byIndex = new Map<number, EpochInfo>();
  const get = (index: number, t: number) => {
    let e = byIndex.get(index);
    if (!e) byIndex.set(index, (e = { index, startUs: t, readyUs: null, moved: 0, minTpsDuringTransition: null }));
    return e;
  };
  for (const ev of events) {
    if (ev.type === 'epoch.start') get((ev as Of<'epoch.start'>).epoch, ev.t).startUs = ev.t;
    else if (ev.type === 'epoch.ready') get((ev as Of<'epoch.ready'>).epoch, ev.t).readyUs = ev.t;
    else if (ev.type === 'shard.move') get((ev as Of<'shard.move'>).epoch, ev.t).moved++;
  }
  const series = throughputSeries(events);
  const out = [...byIndex.values()].sort((a, b) => a.index - b.index);
  for (const e of out) e.minTpsDuringTransition = minTps(series, e.startUs, e.readyUs ?? Infinity);
  return out;
}

export function deriveIdleWindows(events: readonly Ev[], endUs: number): IdleWindow[] {
  const open = new Map<string, Of<'idle.start'>>();
  const out: IdleWindow[] = [];
  for (const ev of events) {
    if (ev.type !== 'idle.start' && ev.type !== 'idle.end') continue;
    const e = ev as Of<'idle.start'>;
    const key = `${e.shard}:${e.epoch}:${e.reason}`;
    if (ev.type === 'idle.start') open.set(key, e);
    else {
      const s = open.get(key);
      if (s) out.push({ shard: s.shard, epoch: s.epoch, reason: s.reason, startUs: s.t, endUs: ev.t });
      open.delete(key);
    }
  }
  for (const s of open.values()) out.push({ shard: s.shard, epoch: s.epoch, reason: s.reason, startUs: s.t, endUs });
  return out.sort((a, b) => a.startUs - b.startUs || a.shard - b.shard);
}
