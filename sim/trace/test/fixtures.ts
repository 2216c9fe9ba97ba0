import type { TraceEvent, TraceHeader } from '../schema.js';

/** A small mixed trace: several types, interleaved, so the columnar order matters. */
export function sampleEvents(): TraceEvent[] {
  return [
    { t: 0, type: 'epoch.start', epoch: 0, leader: 3, view: 0 },
    { t: 10, type: 'msg.send', node: 0, to: 1, msg: 'prepare', sizeBytes: 512, arriveUs: 90 },
    { t: 100, type: 'block.propose', node: 3, shard: 0, height: 1, view: 0, txCount: 20, sizeBytes: 4000 },
    { t: 250, type: 'block.commit', node: 3, shard: 0, height: 1, view: 0, txCount: 20, level: 'final' },
    { t: 260, type: 'msg.send', node: 1, to: 0, msg: 'vote "quoted"', sizeBytes: 96, arriveUs: 300 },
    { t: 300, type: 'view.change', node: 2, shard: 0, fromView: 0, toView: 1, reason: 'timeout' },
    { t: 400, type: 'block.propose', node: 2, shard: 0, height: 2, view: 1, txCount: 0, sizeBytes: 200 },
    {
      t: 0,
      type: 'metrics.bucket',
      bucket: 0,
      lengthUs: 1000,
      offered: 25,
      confirmed: 20,
      finalized: 20,
      aborted: 0,
      confirmP50Ms: 0.15,
      confirmP99Ms: 0.2,
      finalP50Ms: -1,
      finalP99Ms: -1,
    },
  ];
}

export function sampleHeader(eventCount: number, overrides: Partial<TraceHeader> = {}): TraceHeader {
  return {
    format: 'shardsim-trace',
    schemaVersion: 1,
    softwareVersion: '0.1.0',
    protocol: 'bft',
    scenarioName: 'unit',
    scenarioHash: 'ab'.repeat(32),
    seed: 7,
    level: 'messages',
    nodes: 4,
    shards: 1,
    durationUs: 1000,
    regions: ['NA', 'EU'],
    nodeRegion: [0, 1, 0, 1],
    eventCount,
    ...overrides,
  };
}
