import { describe, expect, it } from 'vitest';
import { columnarFromEvents } from '../../../sim/trace/columnar.js';
import type { TraceEvent, TraceHeader } from '../../../sim/trace/schema.js';
import { buildRunModel, crossAt, phaseAt, transitionWords } from './run.js';

const S = 1_000_000;

function header(eventCount: number): TraceHeader {
  return {
    format: 'shardsim-trace',
    schemaVersion: 1,
    softwareVersion: '0.1.0',
    protocol: 'ios',
    scenarioName: 'unit',
    scenarioHash: 'ab'.repeat(32),
    seed: 1,
    level: 'summary',
    nodes: 4,
    shards: 2,
    durationUs: 100 * S,
    regions: ['NA', 'EU'],
    nodeRegion: [0, 1, 0, 1],
    eventCount,
  };
}

const bucket = (b: number, finalized: number): TraceEvent => ({
  t: b * 10 * S,
  type: 'metrics.bucket',
  bucket: b,
  lengthUs: 10 * S,
  offered: 100,
  confirmed: finalized,
  finalized,
  aborted: 0,
  confirmP50Ms: 200,
  confirmP99Ms: 400,
  finalP50Ms: finalized > 0 ? 900 : -1,
  finalP99Ms: -1,
});

const events: TraceEvent[] = [
  { t: 0, type: 'shard.member', node: 0, shard: 0, epoch: 0, role: 'normal' },
  { t: 0, type: 'shard.member', node: 1, shard: 0, epoch: 0, role: 'normal' },
  { t: 0, type: 'shard.member', node: 2, shard: 1, epoch: 0, role: 'normal' },
  { t: 0, type: 'shard.member', node: 3, shard: 1, epoch: 0, role: 'normal' },
  { t: 5 * S, type: 'crossshard.batch', fromShard: 0, toShard: 1, committed: 7, aborted: 1 },
  { t: 15 * S, type: 'crossshard.batch', fromShard: 0, toShard: 1, committed: 3, aborted: 0 },
  { t: 16 * S, type: 'crossshard.batch', fromShard: 1, toShard: 0, committed: 2, aborted: 2 },
  { t: 40 * S, type: 'epoch.start', epoch: 1, leader: 2, view: 0 },
  { t: 51 * S, type: 'shard.move', node: 0, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 50 * S, readyUs: 51 * S },
  { t: 64 * S, type: 'shard.move', node: 3, fromShard: 1, toShard: 0, epoch: 1, batch: 1, startUs: 60 * S, readyUs: 64 * S },
  { t: 64 * S, type: 'epoch.ready', epoch: 1 },
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((b) => bucket(b, b === 5 ? 0 : 50)),
];

describe('run model', () => {
  const run = buildRunModel('unit', 'unit.json', columnarFromEvents(header(events.length), events));

  it('a transition spans epoch.start to epoch.ready (the shared derivation)', () => {
    expect(run.transitions).toEqual([{ epoch: 1, startUs: 40 * S, endUs: 64 * S, moved: 2 }]);
    expect(phaseAt(run, 39 * S).transition).toBeNull();
    expect(phaseAt(run, 55 * S).transition?.epoch).toBe(1);
    expect(phaseAt(run, 64 * S).transition).toBeNull();
  });

  it('epochs as summary.json has them: moved, and the lowest finalised rate over the transition', () => {
    expect(run.epochs).toEqual([{ index: 1, startUs: 40 * S, readyUs: 64 * S, moved: 2, abandoned: 0, leader: 2, minTpsDuringTransition: 0 }]);
  });

  it('cross-shard matrix is cumulative up to the replay time', () => {
    expect(crossAt(run, 0, 1, 4 * S)).toEqual({ committed: 0, aborted: 0 });
    expect(crossAt(run, 0, 1, 5 * S)).toEqual({ committed: 7, aborted: 1 });
    expect(crossAt(run, 0, 1, 99 * S)).toEqual({ committed: 10, aborted: 1 });
    expect(crossAt(run, 1, 0, 99 * S)).toEqual({ committed: 2, aborted: 2 });
    expect(run.crossTotal).toEqual({ committed: 12, aborted: 3 });
  });

  it('a trace without epoch.ready draws no transition (it cannot say when one ended)', () => {
    const noReady = events.filter((e) => e.type !== 'epoch.ready');
    const r = buildRunModel('x', 'x', columnarFromEvents(header(noReady.length), noReady));
    expect(r.transitions).toEqual([]);
    expect(r.epochs.map((e) => e.readyUs)).toEqual([null]);
  });

  it('jump marks: epoch start and ready, sorted', () => {
    expect(run.marks).toEqual([40 * S, 64 * S]);
  });

  it('throughput per second from the buckets, percentiles -1 as no sample', () => {
    expect(run.series[0]!.finalizedTps).toBe(5);
    expect(run.series[5]!.finalP50Ms).toBeNull();
  });

  it('overlapping transitions: both under way, newest first, each with its own movers still bootstrapping', () => {
    // Epoch 1's node 0 downloads from 50 s to 130 s; epoch 2 starts at 100 s and moves node 3 from 110 s to 120 s.
    const overlap: TraceEvent[] = [
      ...events.filter((e) => e.type === 'shard.member'),
      { t: 40 * S, type: 'epoch.start', epoch: 1, leader: 2, view: 0 },
      { t: 45 * S, type: 'shard.move', node: 1, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 44 * S, readyUs: 45 * S },
      { t: 100 * S, type: 'epoch.start', epoch: 2, leader: 1, view: 0 },
      { t: 120 * S, type: 'shard.move', node: 3, fromShard: 1, toShard: 0, epoch: 2, batch: 0, startUs: 110 * S, readyUs: 120 * S },
      { t: 120 * S, type: 'epoch.ready', epoch: 2 },
      { t: 130 * S, type: 'shard.move', node: 0, fromShard: 0, toShard: 1, epoch: 1, batch: 1, startUs: 50 * S, readyUs: 130 * S },
      { t: 130 * S, type: 'epoch.ready', epoch: 1 },
    ];
    const r = buildRunModel('overlap', 'overlap.json', columnarFromEvents({ ...header(overlap.length), durationUs: 200 * S }, overlap));
    const words = (tUs: number) => {
      const phase = phaseAt(r, tUs);
      return transitionWords(phase.transitions, r.replayer.seek(tUs).movingByEpoch, true);
    };
    expect(words(60 * S)).toEqual(['TransEpoch 1: 1 bootstrapping']);
    expect(phaseAt(r, 115 * S).transition?.epoch).toBe(2);
    expect(words(115 * S)).toEqual(['TransEpoch 2: 1 bootstrapping', 'TransEpoch 1: 1 still bootstrapping']);
    expect(words(125 * S)).toEqual(['TransEpoch 1: 1 bootstrapping']);
    expect(words(130 * S)).toEqual([]);
    expect(r.replayer.seek(60 * S).moving).toBe(1);
    expect(r.replayer.seek(115 * S).moving).toBe(2);
    // Seeking back restores the per-epoch counts from a checkpoint.
    expect(words(115 * S)).toHaveLength(2);
    expect(words(60 * S)).toEqual(['TransEpoch 1: 1 bootstrapping']);
    expect(words(47 * S)).toEqual(['TransEpoch 1: 0 bootstrapping']);
    expect(transitionWords(phaseAt(r, 115 * S).transitions, new Map(), false)).toEqual(['epoch 2 forming', 'epoch 1 forming']);
  });
});
