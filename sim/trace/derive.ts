import type { TraceEventOf } from './schema.js';

/**
 * Epochs and idle windows read from trace events alone, so the CLI's summary.json and the dashboard, which
 * has nothing but the trace, compute them with the same code (DESIGN §1). Browser-safe: imports only types.
 */

type Ev = { readonly t: number; readonly type: string; readonly [field: string]: unknown };

export interface EpochWindow {
  readonly index: number;
  /** `epoch.start`: the boundary (IOS) or the opening of the PoW window (Zilliqa). */
  readonly startUs: number;
  /** `epoch.ready`: every mover voting (IOS) or the shards formed (Zilliqa); null if not by the run's end. */
  readonly readyUs: number | null;
  /** Distinct nodes with a `shard.move` of this epoch (each is traced once it is ready in its new shard). */
  readonly moved: number;
  /** Distinct nodes with a `shard.abandon` of this epoch: moves given up for the node's next one (IOS). */
  readonly abandoned: number;
  /** The node that led the epoch's election (-1 at genesis). */
  readonly leader: number;
}

/** The event types deriveEpochs reads (a caller may hand it only these). */
export const EPOCH_EVENT_TYPES = ['epoch.start', 'epoch.ready', 'shard.move', 'shard.abandon'] as const;

/** One epoch per `epoch.start` index (the first such event counts), ascending by index. */
export function deriveEpochs(events: Iterable<Ev>): EpochWindow[] {
  const starts = new Map<number, TraceEventOf<'epoch.start'>>();
  const ready = new Map<number, number>();
  const movers = new Map<number, Set<number>>();
  const abandoners = new Map<number, Set<number>>();
  for (const e of events) {
    if (e.type === 'epoch.start') {
      const s = e as TraceEventOf<'epoch.start'>;
      if (!starts.has(s.epoch)) starts.set(s.epoch, s);
    } else if (e.type === 'epoch.ready') {
      const r = e as TraceEventOf<'epoch.ready'>;
      if (!ready.has(r.epoch)) ready.set(r.epoch, r.t);
    } else if (e.type === 'shard.move' || e.type === 'shard.abandon') {
      const m = e as TraceEventOf<'shard.move' | 'shard.abandon'>;
      const byEpoch = e.type === 'shard.move' ? movers : abandoners;
      let set = byEpoch.get(m.epoch);
      if (!set) byEpoch.set(m.epoch, (set = new Set()));
      set.add(m.node);
    }
  }
  return [...starts.values()]
    .sort((a, b) => a.epoch - b.epoch)
    .map((s) => {
      const r = ready.get(s.epoch);
      return {
        index: s.epoch,
        startUs: s.t,
        readyUs: r === undefined ? null : Math.max(r, s.t),
        moved: movers.get(s.epoch)?.size ?? 0,
        abandoned: abandoners.get(s.epoch)?.size ?? 0,
        leader: s.leader,
      };
    });
}

export interface IdleWindow {
  /** -1: the whole system. */
  readonly shard: number;
  readonly epoch: number;
  readonly reason: string;
  readonly startUs: number;
  /** The matching `idle.end`, or the run's end if it never came. */
  readonly endUs: number;
}

/** The event types deriveIdleWindows reads. */
export const IDLE_EVENT_TYPES = ['idle.start', 'idle.end'] as const;

/** `idle.start` … `idle.end` pairs, matched by (shard, reason), in start order; an open one ends at `endUs`. */
export function deriveIdleWindows(events: Iterable<Ev>, endUs: number): IdleWindow[] {
  const open = new Map<string, TraceEventOf<'idle.start'>>();
  const out: IdleWindow[] = [];
  for (const e of events) {
    if (e.type !== 'idle.start' && e.type !== 'idle.end') continue;
    const w = e as TraceEventOf<'idle.start'>;
    const key = `${w.shard}:${w.reason}`;
    if (e.type === 'idle.start') {
      if (!open.has(key)) open.set(key, w);
      continue;
    }
    const s = open.get(key);
    if (!s) continue;
    open.delete(key);
    out.push({ shard: s.shard, epoch: s.epoch, reason: s.reason, startUs: s.t, endUs: Math.max(s.t, e.t) });
  }
  for (const s of open.values()) out.push({ shard: s.shard, epoch: s.epoch, reason: s.reason, startUs: s.t, endUs: Math.max(s.t, endUs) });
  return out.sort((a, b) => a.startUs - b.startUs || a.shard - b.shard);
}

/** Seconds the whole system (shard -1) was idle by design, overlapping windows counted once. */
export function systemIdleSeconds(windows: readonly IdleWindow[]): number {
  let total = 0;
  let coveredTo = -Infinity;
  for (const w of windows) {
    if (w.shard !== -1) continue;
    const from = Math.max(w.startUs, coveredTo);
    if (w.endUs > from) total += w.endUs - from;
    coveredTo = Math.max(coveredTo, w.endUs);
  }
  return total / 1_000_000;
}
