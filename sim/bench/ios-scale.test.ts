import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load.js';
import { IOS_SCALE_SIZES, iosScaleScenario } from './ios-scale.js';

describe('iosScaleScenario', () => {
  it('keeps 625 nodes and 6,250 tx/s per shard and is ios-paper-scale in everything but size and duration', () => {
    const base = loadScenario('scenarios/ios-paper-scale.json');
    const shapes = IOS_SCALE_SIZES.map((nodes) => {
      const s = iosScaleScenario({ nodes, seconds: 20 });
      expect([s.protocol, s.network, s.cpu, s.output]).toEqual([base.protocol, base.network, base.cpu, base.output]);
      expect({ ...s.workload, offeredTps: 0 }).toEqual({ ...base.workload, offeredTps: 0 });
      return [s.nodes, s.shards, s.workload.offeredTps, s.durationSeconds];
    });
    expect(shapes).toEqual([
      [2500, 4, 25_000, 20],
      [5000, 8, 50_000, 20],
      [10000, 16, 100_000, 20],
    ]);
    expect(iosScaleScenario({ nodes: 625, seconds: 5, batchIntervalMs: 250 }).workload.batchIntervalMs).toBe(250);
  });

  it('rejects a node count that is not a multiple of 625', () => {
    expect(() => iosScaleScenario({ nodes: 700, seconds: 1 })).toThrow(/multiple of 625, got 700/);
  });
});
