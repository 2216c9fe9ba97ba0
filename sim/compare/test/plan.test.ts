import { describe, expect, it } from 'vitest';
import { ScenarioError, parseScenario, scenarioHash } from '../../scenario/load.js';
import { CompareInputError, defaultCompareDir, planCompare } from '../plan.js';

const base = {
  name: 'p',
  durationSeconds: 30,
  nodes: 40,
  shards: 4,
  protocol: { type: 'ios', epochSeconds: 20 },
  workload: { offeredTps: 80 },
};

describe('planCompare', () => {
  it('each run is the scenario with only the protocol replaced; params from protocolParams, the scenario, or defaults', () => {
    const s = parseScenario({
      ...base,
      compare: { protocols: ['ios', 'dpos', 'iost-mainnet'], seeds: [4, 9], protocolParams: { dpos: { producers: 5 } } },
    });
    const plan = planCompare(s, 'p.json');
    expect(plan.runs.map((r) => r.relDir)).toEqual([
      'ios/seed-4', 'ios/seed-9', 'dpos/seed-4', 'dpos/seed-9', 'iost-mainnet/seed-4', 'iost-mainnet/seed-9',
    ]);
    const [ios, , dpos, , iost] = plan.runs;
    expect(ios!.scenario.protocol).toEqual(s.protocol); // the scenario's own ios object (epochSeconds 20)
    expect(dpos!.scenario.protocol).toMatchObject({ type: 'dpos', producers: 5, blocksPerProducer: 12 });
    expect(iost!.scenario.protocol).toMatchObject({ type: 'iost-mainnet', witnesses: 17 });
    for (const r of plan.runs) {
      expect(r.scenario.compare).toBeUndefined();
      expect(r.scenario.network).toEqual(s.network);
      expect(r.scenario.workload).toEqual(s.workload);
      expect(r.scenario.nodes).toBe(40);
      expect(r.scenario.shards).toBe(4);
    }
  });

  it('the compare block is no part of the scenario hash: a compare run hashes like `shardsim run` of it', () => {
    const plain = parseScenario(base);
    const withBlock = parseScenario({ ...base, compare: { protocols: ['ios', 'dpos'] } });
    expect(scenarioHash(withBlock)).toBe(scenarioHash(plain));
    expect(scenarioHash(planCompare(withBlock, 'p').runs[0]!.scenario)).toBe(scenarioHash(plain));
  });

  it('CLI overrides replace the block; defaults are the scenario protocol and seeds 1, 2, 3', () => {
    const s = parseScenario({ ...base, compare: { protocols: ['ios', 'dpos'], seeds: [1] } });
    const plan = planCompare(s, 'p', { protocols: ['iost-mainnet'], seeds: [7, 8] });
    expect(plan.runs.map((r) => r.relDir)).toEqual(['iost-mainnet/seed-7', 'iost-mainnet/seed-8']);
    const bare = planCompare(parseScenario(base), 'p');
    expect(bare.protocols).toEqual(['ios']);
    expect(bare.seeds).toEqual([1, 2, 3]);
    expect(bare.scaling).toBeNull();
  });

  it('a scaling sweep sets shards, nodes = shards × nodesPerShard and the offered load per shard, for every protocol', () => {
    const s = parseScenario({
      ...base,
      compare: { protocols: ['ios', 'dpos'], seeds: [1], scaling: { shards: [1, 2, 8], nodesPerShard: 12, offeredTpsPerShard: 25 } },
    });
    const plan = planCompare(s, 'p');
    expect(plan.runs.map((r) => [r.relDir, r.scenario.shards, r.scenario.nodes, r.scenario.workload.offeredTps])).toEqual([
      ['ios/shards-1/seed-1', 1, 12, 25],
      ['dpos/shards-1/seed-1', 1, 12, 25],
      ['ios/shards-2/seed-1', 2, 24, 50],
      ['dpos/shards-2/seed-1', 2, 24, 50],
      ['ios/shards-8/seed-1', 8, 96, 200],
      ['dpos/shards-8/seed-1', 8, 96, 200],
    ]);
    const fixedLoad = planCompare(parseScenario({ ...base, compare: { seeds: [5], scaling: { shards: [2, 4], nodesPerShard: 10 } } }), 'p', { shards: [3] });
    expect(fixedLoad.runs.map((r) => [r.scenario.shards, r.scenario.nodes, r.scenario.workload.offeredTps])).toEqual([[3, 30, 80]]);
  });

  it('bad input names the flag or the field', () => {
    const s = parseScenario(base);
    expect(() => planCompare(s, 'p', { protocols: ['ios', 'pbft'] })).toThrow(/--protocols: unknown protocol "pbft"/);
    expect(() => planCompare(s, 'p', { seeds: [1, 1] })).toThrow(/--seeds: seed 1 listed twice/);
    expect(() => planCompare(s, 'p', { shards: [1, 2] })).toThrow(/--shards: .*--nodes-per-shard/);
    expect(() => planCompare(s, 'p', { nodesPerShard: 5 })).toThrow(CompareInputError);
    // A run that the sweep makes invalid is reported for that run: 3 nodes cannot crash node 7.
    const crash = parseScenario({ ...base, network: { crashes: [{ nodes: [7], atSeconds: 1 }] } });
    expect(() => planCompare(crash, 'p.json', { shards: [1], nodesPerShard: 3 })).toThrow(ScenarioError);
    expect(() => parseScenario({ ...base, compare: { seeds: [2, 2] } })).toThrow(/compare\.seeds\[1\]: seed 2 listed twice/);
    expect(() => parseScenario({ ...base, compare: { protocols: ['ios', 'eos'] } })).toThrow(/compare\.protocols\[1\]/);
    expect(() => parseScenario({ ...base, compare: { protocolParams: { dpos: { producer: 3 } } } })).toThrow(/unknown key "producer"/);
  });

  it('default directory: results/compare-<name>, or results/<name> when the name starts with "compare"', () => {
    expect(defaultCompareDir('scaling')).toBe('results/compare-scaling');
    expect(defaultCompareDir('compare-default')).toBe('results/compare-default');
  });
});
