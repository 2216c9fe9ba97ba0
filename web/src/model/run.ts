import { eventsOfTypes, numbers, type ColumnarTrace } from '../../../sim/trace/columnar.js';
import type { EventType, TraceHeader } from '../../../sim/trace/schema.js';
import { deriveEpochs, deriveIdleWindows, type EpochWindow, type IdleWindow } from '../../../sim/trace/derive.js';
import { minTpsDuringTransition, throughputSeries, type ThroughputPoint } from './series.js';
import { Replayer, replay } from './replay.js';
import { STRUCTURAL_TYPES, buildTimeline, type Timeline } from './timeline.js';

/**
 * Everything the dashboard draws for one run, computed once when the trace is opened: the replay timeline,
 * the shared derivations (epochs, idle windows, throughput series) and the cross-shard matrix as running
 * sums. Nothing here walks the whole trace again while playing.
 */

/**
 * An epoch change as drawn: from epoch.start to epoch.ready (sim/trace/derive.ts, the summary's
 * transitionSeconds), or to the end of the run if it was not ready by then; instant ones (genesis) are not
 * drawn, nor any in a trace that has no epoch.ready at all. For IOS that is the TransEpoch (every mover
 * voting in its new shard), for Zilliqa the PoW window and the forming of shards.
 */
export interface Transition {
  readonly epoch: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly moved: number;
}

/** One epoch with the summary's lowest finalised rate during its transition. */
export interface EpochRow extends EpochWindow {
  readonly minTpsDuringTransition: number | null;
}

/** Cumulative cross-shard commits and aborts of one (from, to) pair over time. */
interface CrossCell {
  readonly t: Float64Array;
  readonly committed: Float64Array;
  readonly aborted: Float64Array;
}

export interface RunModel {
  readonly id: string;
  /** Where it came from: a results-index entry or a file name. */
  readonly source: string;
  readonly header: TraceHeader;
  readonly eventCount: number;
  readonly endUs: number;
  readonly timeline: Timeline;
  readonly replayer: Replayer;
  /** Per group, the most slots it ever needs (sizes the shard map's discs). */
  readonly slotsUsed: Int32Array;
  readonly epochs: readonly EpochRow[];
  readonly transitions: readonly Transition[];
  readonly idle: readonly IdleWindow[];
  readonly series: readonly ThroughputPoint[];
  readonly cross: readonly (readonly CrossCell[])[];
  readonly crossTotal: { committed: number; aborted: number };
  /** Times a researcher jumps between: epoch starts, transition starts and ends, idle windows, schedule changes. */
  readonly marks: readonly number[];
}

function transitionsOf(epochs: readonly EpochWindow[], endUs: number): Transition[] {
  // A trace without any epoch.ready cannot say when a transition ended: draw none rather than the whole run.
  if (!epochs.some((e) => e.readyUs !== null)) return [];
  return epochs
    .map((e) => ({ epoch: e.index, startUs: e.startUs, endUs: e.readyUs ?? endUs, moved: e.moved }))
    .filter((tr) => tr.endUs > tr.startUs)
    .sort((a, b) => a.startUs - b.startUs);
}

function crossOf(trace: ColumnarTrace, m: number): { cells: CrossCell[][]; committed: number; aborted: number } {
  const t = trace.byType['crossshard.batch']?.t ?? new Float64Array(0);
  const from = numbers(trace, 'crossshard.batch', 'fromShard');
  const to = numbers(trace, 'crossshard.batch', 'toShard');
  const com = numbers(trace, 'crossshard.batch', 'committed');
  const abo = numbers(trace, 'crossshard.batch', 'aborted');
  const rows: number[][][] = Array.from({ length: m }, () => Array.from({ length: m }, () => []));
  for (let i = 0; i < t.length; i++) {
    const f = from[i]!;
    const g = to[i]!;
    if (f >= 0 && f < m && g >= 0 && g < m) rows[f]![g]!.push(i);
  }
  let committed = 0;
  let aborted = 0;
  const cells = rows.map((row) =>
    row.map((idx) => {
      idx.sort((a, b) => t[a]! - t[b]! || a - b);
      const cell = { t: new Float64Array(idx.length), committed: new Float64Array(idx.length), aborted: new Float64Array(idx.length) };
      let c = 0;
      let a = 0;
      idx.forEach((i, k) => {
        c += com[i]!;
        a += abo[i]!;
        cell.t[k] = t[i]!;
        cell.committed[k] = c;
        cell.aborted[k] = a;
      });
      committed += c;
      aborted += a;
      return cell;
    }),
  );
  return { cells, committed, aborted };
}

/** Cross-shard commits and aborts from `from` to `to` up to tUs. */
export function crossAt(run: RunModel, from: number, to: number, tUs: number): { committed: number; aborted: number } {
  const cell = run.cross[from]![to]!;
  let lo = 0;
  let hi = cell.t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cell.t[mid]! <= tUs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? { committed: 0, aborted: 0 } : { committed: cell.committed[lo - 1]!, aborted: cell.aborted[lo - 1]! };
}

export function buildRunModel(id: string, source: string, trace: ColumnarTrace): RunModel {
  const header = trace.header;
  // One pass over the trace for every type the dashboard reads as events (a few thousand of 10^6).
  const DERIVED = new Set<EventType>(['epoch.start', 'epoch.ready', 'shard.move', 'metrics.bucket', 'idle.start', 'idle.end']);
  const read = eventsOfTypes(trace, [...new Set<EventType>([...STRUCTURAL_TYPES, ...DERIVED])]);
  const timeline = buildTimeline(header, read);
  const derivable = read.filter((e) => DERIVED.has(e.type));
  let lastT = 0;
  for (const e of read) if (e.t > lastT) lastT = e.t;
  const endUs = Math.max(header.durationUs, lastT);
  const windows = deriveEpochs(derivable);
  const transitions = transitionsOf(windows, endUs);
  const idle = deriveIdleWindows(derivable, endUs);
  const series = throughputSeries(derivable);
  const marks = new Set<number>();
  for (const e of timeline.events) if (e.kind === 'epoch' || e.kind === 'schedule' || e.kind === 'ready') marks.add(e.t);
  for (const tr of transitions) marks.add(tr.startUs).add(tr.endUs);
  for (const w of idle) marks.add(w.startUs).add(w.endUs);
  const cross = crossOf(trace, header.shards);
  const final = replay(timeline, Infinity);
  return {
    id,
    source,
    header,
    eventCount: trace.eventCount,
    endUs,
    timeline,
    replayer: new Replayer(timeline),
    slotsUsed: final.slotsUsed,
    epochs: windows.map((e) => ({ ...e, minTpsDuringTransition: minTpsDuringTransition(e, series.buckets, endUs) })),
    transitions,
    idle,
    series: series.points,
    cross: cross.cells,
    crossTotal: { committed: cross.committed, aborted: cross.aborted },
    marks: [...marks].filter((t) => t >= 0 && t <= endUs).sort((a, b) => a - b),
  };
}

/**
 * What is going on at tUs, for the run's status line: the transitions under way, newest first (at IOS's paper
 * scale an epoch's movers can still be bootstrapping when the next epoch's transition starts), the newest
 * of them as `transition`, and the idle windows.
 */
export function phaseAt(run: RunModel, tUs: number): { transition: Transition | null; transitions: Transition[]; idle: IdleWindow[] } {
  const transitions = run.transitions.filter((tr) => tr.startUs <= tUs && tUs < tr.endUs).reverse();
  const idle = run.idle.filter((w) => w.startUs <= tUs && tUs < w.endUs);
  return { transition: transitions[0] ?? null, transitions, idle };
}

/**
 * The transitions under way in words, newest first: "TransEpoch 3: 1,204 bootstrapping", and for an older one
 * whose movers are not all in yet "TransEpoch 2: 37 still bootstrapping". Without moves in the trace (Zilliqa)
 * a transition is "epoch N forming". `fmt` formats counts (the dashboard's thousands separators).
 */
export function transitionWords(
  transitions: readonly Transition[],
  movingByEpoch: ReadonlyMap<number, number>,
  hasMoves: boolean,
  fmt: (n: number) => string = String,
): string[] {
  return transitions.map((tr, i) =>
    hasMoves ? `TransEpoch ${tr.epoch}: ${fmt(movingByEpoch.get(tr.epoch) ?? 0)} ${i > 0 ? 'still ' : ''}bootstrapping` : `epoch ${tr.epoch} forming`,
  );
}
